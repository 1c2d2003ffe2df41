from decimal import Decimal

import pytest

from scoring.kpis import KPI_KEYS, kpis_from_answers
from scoring.scores import ScoringError
from tests.scoring import default_bank, halves_bank


@pytest.mark.parametrize(
    ("customers", "csms", "expected"),
    [
        (120, 2, Decimal("60.00")),
        (2400, 30, Decimal("80.00")),
        (100, 3, Decimal("33.33")),
        (200, 3, Decimal("66.67")),
        (1, 8, Decimal("0.13")),  # 0.125: a half, rounded up
        (120, 0, None),
        (120, None, None),
        (None, 2, None),
    ],
)
def test_customers_per_csm_is_rounded_half_up_and_null_without_csms(
    customers: int | None, csms: int | None, expected: Decimal | None
) -> None:
    kpis = kpis_from_answers(spec=default_bank(), answers={"8": customers, "9": csms})

    assert kpis["customers_per_csm"] == expected


def test_kpis_are_read_through_the_question_roles() -> None:
    answers = {"10": 96.5, "11": 91, "12": -100, "8": 10, "9": 4}

    kpis = kpis_from_answers(spec=default_bank(), answers=answers)

    assert kpis == {
        "nrr": Decimal("96.5"),
        "retention": Decimal(91),
        "nps": Decimal(-100),
        "customers_per_csm": Decimal("2.50"),
    }


def test_unknown_kpis_stay_null_never_zero() -> None:
    kpis = kpis_from_answers(spec=default_bank(), answers={"10": None, "11": None})

    assert kpis == dict.fromkeys(KPI_KEYS)


def test_a_bank_without_kpi_questions_has_no_kpis() -> None:
    assert kpis_from_answers(spec=halves_bank(), answers={"10": 96}) == dict.fromkeys(KPI_KEYS)


@pytest.mark.parametrize("value", ["96", True, [96], float("nan")])
def test_a_kpi_that_is_not_a_number_is_refused_naming_the_question(value: object) -> None:
    with pytest.raises(ScoringError, match=r"^Question 10: expected a number"):
        kpis_from_answers(spec=default_bank(), answers={"10": value})
