from decimal import Decimal
from fractions import Fraction

import pytest

from scoring.rounding import round_half_up


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction("61.125"), 2, "61.13"),
        (Fraction("61.135"), 2, "61.14"),
        (Fraction("0.005"), 2, "0.01"),
        (Fraction("0.0049999"), 2, "0.00"),
        (Fraction("24.995"), 2, "25.00"),
        (Fraction(100, 33), 2, "3.03"),
        (Fraction(2, 3), 2, "0.67"),
        (Fraction(0), 2, "0.00"),
        (Fraction(100), 2, "100.00"),
        (Fraction(5, 2), 0, "3"),
        (Fraction(1, 3), 4, "0.3333"),
    ],
)
def test_rounds_the_exact_value_half_up(value: Fraction, places: int, expected: str) -> None:
    rounded = round_half_up(value, places)

    assert rounded == Decimal(expected)
    assert str(rounded) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction("-61.125"), "-61.13"),
        (Fraction("-0.005"), "-0.01"),
        (Fraction("-0.004"), "0.00"),
    ],
)
def test_negative_halves_round_away_from_zero(value: Fraction, expected: str) -> None:
    assert str(round_half_up(value)) == expected


def test_halves_that_float_and_builtin_round_get_wrong() -> None:
    # Why the exact path exists: both of these give 61.12.
    assert round(61.125, 2) == 61.12
    assert round(0.61125 * 100, 2) == 61.12

    assert round_half_up(Fraction(61125, 1000)) == Decimal("61.13")
