"""Rounding an exact value once, half up, as SCORING.md §2 asks (61.125 → 61.13, always).

Binary floats and Python's `round` (half-even) get such halves wrong, so the value stays an exact
`Fraction` until this single rounding step.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """The exact value rounded to `places` decimals, a half rounded up.

    A negative value rounds half away from zero (-61.125 → -61.13), so a score and its negation
    show the same digits; scores are never negative, but a difference of two scores can be.
    """
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = "-" if value < 0 and whole else ""
    # Built from the digits, so no decimal context can round it a second time.
    return Decimal(f"{sign}{whole}E-{places}")
