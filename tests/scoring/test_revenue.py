"""Revenue at stake: ARR bands read from the bank's labels, and three years compounded exactly."""

from decimal import Decimal

import pytest

from scoring.revenue import arr_band_parsed, money_text, revenue_at_stake
from tests.scoring import default_bank


@pytest.mark.parametrize(
    ("label", "figure", "open_ended"),
    [
        ("$1M – $5M", Decimal(3_000_000), False),
        ("$500M – $1B", Decimal(750_000_000), False),
        ("Less than $1M", Decimal(1_000_000), True),
        ("More than $1B", Decimal(1_000_000_000), True),
    ],
)
def test_a_band_stands_for_its_midpoint_or_its_one_bound(label, figure, open_ended) -> None:
    band = arr_band_parsed(label)
    assert band is not None and band.figure == figure and band.open_ended is open_ended


def test_every_band_of_the_default_bank_is_read() -> None:
    question = default_bank().question_for_role("arr_band")
    assert question is not None
    assert all(arr_band_parsed(option.text) for option in question.options)


def test_the_gap_compounds_year_by_year_exactly() -> None:
    band = arr_band_parsed("$1M – $5M")
    assert band is not None
    stake = revenue_at_stake(band=band, kpi_key="nrr", yours=Decimal(96), median=Decimal("104.5"))

    assert stake.behind
    assert [year.at_yours for year in stake.years] == [
        Decimal("2880000"),
        Decimal("2764800"),
        Decimal("2654208"),
    ]
    assert stake.years[2].at_median == Decimal("3423498.375")
    assert stake.total_gap == sum(y.at_median - y.at_yours for y in stake.years)
    assert money_text(stake.total_gap) == "$1.54M"


def test_at_or_above_the_median_there_is_nothing_at_stake() -> None:
    band = arr_band_parsed("Less than $1M")
    assert band is not None
    stake = revenue_at_stake(band=band, kpi_key="nrr", yours=Decimal(110), median=Decimal(110))
    assert not stake.behind and stake.total_gap == 0
