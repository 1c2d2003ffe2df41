"""Quartiles and percentile ranks on a sorted array, exactly, with a few elements left out.

The arrays are sorted once when the index is built. A respondent's own response must not be
counted among their peers, but copying a million-element array per request to drop it would be
slow; instead `SortedSample` reads the array as if the left-out elements were gone, by shifting
indexes and subtracting counts. All arithmetic is on integer hundredths and `Fraction`s, so a
half (an interpolated 61.125) rounds up as SCORING.md asks, which a float cannot promise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from scoring.rounding import round_half_up

P25 = Fraction(1, 4)
MEDIAN = Fraction(1, 2)
P75 = Fraction(3, 4)


class QuartileBand(StrEnum):
    """Which quarter of the peers the respondent sits in, read from the shown percentile rank.

    Rank < 25 is the bottom quartile, < 50 the second, < 75 the third, and 75 or more the top.
    The band is read from the rounded rank the reader sees, so "25.00, second quartile" can never
    appear next to a band that disagrees with the number.
    """

    BOTTOM = "bottom"
    SECOND = "second"
    THIRD = "third"
    TOP = "top"

    @property
    def label(self) -> str:
        return f"{self.value} quartile"


def quartile_band(percentile_rank: Decimal) -> QuartileBand:
    if percentile_rank < 25:
        return QuartileBand.BOTTOM
    if percentile_rank < 50:
        return QuartileBand.SECOND
    if percentile_rank < 75:
        return QuartileBand.THIRD
    return QuartileBand.TOP


@dataclass(frozen=True, slots=True)
class SortedSample:
    """`values` (sorted int64 hundredths) minus one occurrence of each of `left_out`.

    `left_out` holds a handful of values at most (a respondent's own pool row), so every read
    costs a binary search plus a loop over them: no copy, no re-sort.
    """

    values: npt.NDArray[np.int64]
    left_out_positions: tuple[int, ...]

    @classmethod
    def without(cls, values: npt.NDArray[np.int64], left_out: Sequence[int]) -> SortedSample:
        return cls(values, _positions_of(values, left_out))

    @property
    def size(self) -> int:
        return len(self.values) - len(self.left_out_positions)

    def at(self, index: int) -> int:
        """The element at `index` of the array with the left-out elements gone."""
        for position in self.left_out_positions:  # ascending
            if position > index:
                break
            index += 1
        return int(self.values[index])

    def quantile(self, q: Fraction) -> Fraction:
        """numpy's default 'linear' quantile, exact: h = (n−1)·q, a[⌊h⌋] + frac(h)·(next − it)."""
        if self.size == 0:
            raise ValueError("no quantile of an empty sample")
        h = (self.size - 1) * q
        lower = h.numerator // h.denominator
        fraction = h - lower
        low_value = self.at(lower)
        if fraction == 0:
            return Fraction(low_value)
        return low_value + fraction * (self.at(lower + 1) - low_value)

    def below_and_equal(self, value: int) -> tuple[int, int]:
        """How many elements are strictly below `value`, and how many equal it."""
        first = int(np.searchsorted(self.values, value, side="left"))
        after = int(np.searchsorted(self.values, value, side="right"))
        left_out = [int(self.values[position]) for position in self.left_out_positions]
        below = first - sum(1 for gone in left_out if gone < value)
        equal = after - first - sum(1 for gone in left_out if gone == value)
        return below, equal

    def percentile_rank(self, value: int) -> Fraction:
        """100 × (peers strictly below + ½ × peers equal) ÷ n (SCORING.md §4)."""
        below, equal = self.below_and_equal(value)
        return Fraction(100 * (2 * below + equal), 2 * self.size)


def _positions_of(values: npt.NDArray[np.int64], left_out: Sequence[int]) -> tuple[int, ...]:
    """Ascending positions of one occurrence per left-out value (the next one for a repeat)."""
    positions: list[int] = []
    previous: int | None = None
    repeat = 0
    for value in sorted(left_out):
        repeat = repeat + 1 if value == previous else 0
        previous = value
        position = int(np.searchsorted(values, value, side="left")) + repeat
        if position >= len(values) or int(values[position]) != value:
            raise ValueError(f"{value} is not in the sample (or not that many times)")
        positions.append(position)
    return tuple(positions)


def shown(hundredths: Fraction) -> Decimal:
    """A statistic in hundredths as the 2-decimal number the reader sees, half up."""
    return round_half_up(hundredths / 100)


def shown_rank(rank: Fraction) -> Decimal:
    return round_half_up(rank)
