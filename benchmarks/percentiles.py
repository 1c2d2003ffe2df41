"""Quartiles and percentile ranks on counted values, exactly, with a few elements left out.

Each group's values are kept as counts of distinct values (`ValueCounts`), built once and then
updated one peer at a time. A respondent's own response must not be counted among their peers,
but copying a group per request to drop it would be slow; instead `CountedSample` reads the
counts as if the left-out elements were gone, by shifting indexes and subtracting counts. All
arithmetic is on integer hundredths and `Fraction`s, so a half (an interpolated 61.125) rounds
up as SCORING.md asks, which a float cannot promise.
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
from scoring.words import gettext, gettext_noop

Int64Array = npt.NDArray[np.int64]

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
        """ "top quartile", in the reader's language."""
        return gettext(_BAND_LABELS[self])


_BAND_LABELS = {
    # Translators: where a respondent sits among their peers, after their rank.
    QuartileBand.BOTTOM: gettext_noop("bottom quartile"),
    # Translators: where a respondent sits among their peers, after their rank.
    QuartileBand.SECOND: gettext_noop("second quartile"),
    # Translators: where a respondent sits among their peers, after their rank.
    QuartileBand.THIRD: gettext_noop("third quartile"),
    # Translators: where a respondent sits among their peers, after their rank.
    QuartileBand.TOP: gettext_noop("top quartile"),
}


def quartile_band(percentile_rank: Decimal) -> QuartileBand:
    if percentile_rank < 25:
        return QuartileBand.BOTTOM
    if percentile_rank < 50:
        return QuartileBand.SECOND
    if percentile_rank < 75:
        return QuartileBand.THIRD
    return QuartileBand.TOP


class ValueCounts:
    """A multiset of int64 hundredths: its distinct values, sorted, with how often each occurs.

    Scores have at most 10,001 distinct values (0.00 to 100.00), so a group of a million peers
    costs a few tens of kilobytes per metric instead of eight megabytes of sorted copies, and one
    peer more or less is an insert into a short array, not a rebuild.
    """

    __slots__ = ("counts", "cumulative", "values")

    def __init__(self, values: Int64Array, counts: Int64Array) -> None:
        self.values = values
        self.counts = counts
        # cumulative[i]: how many elements are <= values[i]
        self.cumulative = np.cumsum(counts)

    @classmethod
    def of(cls, elements: npt.ArrayLike) -> ValueCounts:
        values, counts = np.unique(np.asarray(elements, dtype=np.int64), return_counts=True)
        return cls(values.astype(np.int64), counts.astype(np.int64))

    @property
    def size(self) -> int:
        return int(self.cumulative[-1]) if len(self.cumulative) else 0

    def add(self, value: int) -> None:
        position = int(np.searchsorted(self.values, value))
        if position < len(self.values) and self.values[position] == value:
            self.counts[position] += 1
        else:
            self.values = np.insert(self.values, position, value)
            self.counts = np.insert(self.counts, position, 1)
        self.cumulative = np.cumsum(self.counts)

    def remove(self, value: int) -> None:
        position = int(np.searchsorted(self.values, value))
        if position >= len(self.values) or self.values[position] != value:
            raise ValueError(f"{value} is not in the sample")
        if self.counts[position] > 1:
            self.counts[position] -= 1
        else:
            self.values = np.delete(self.values, position)
            self.counts = np.delete(self.counts, position)
        self.cumulative = np.cumsum(self.counts)

    def at(self, index: int) -> int:
        """The element at `index` (0-based) of the multiset in ascending order."""
        return int(self.values[int(np.searchsorted(self.cumulative, index, side="right"))])

    def below_and_equal(self, value: int) -> tuple[int, int]:
        position = int(np.searchsorted(self.values, value, side="left"))
        below = int(self.cumulative[position - 1]) if position else 0
        found = position < len(self.values) and self.values[position] == value
        return below, int(self.counts[position]) if found else 0


@dataclass(frozen=True, slots=True)
class CountedSample:
    """`counts` minus one occurrence of each of `left_out`, read without copying anything.

    `left_out` holds a handful of values at most (a respondent's own pool row), so every read
    costs a binary search plus a loop over them.
    """

    counts: ValueCounts
    left_out: tuple[int, ...]  # ascending
    left_out_positions: tuple[int, ...]  # where each sits in the full order, ascending

    @classmethod
    def without(cls, counts: ValueCounts, left_out: Sequence[int]) -> CountedSample:
        ordered = tuple(sorted(left_out))
        return cls(counts, ordered, _positions_of(counts, ordered))

    @property
    def size(self) -> int:
        return self.counts.size - len(self.left_out)

    def at(self, index: int) -> int:
        """The element at `index` of the multiset with the left-out elements gone."""
        for position in self.left_out_positions:
            if position > index:
                break
            index += 1
        return self.counts.at(index)

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
        below, equal = self.counts.below_and_equal(value)
        below -= sum(1 for gone in self.left_out if gone < value)
        equal -= sum(1 for gone in self.left_out if gone == value)
        return below, equal

    def percentile_rank(self, value: int) -> Fraction:
        """100 × (peers strictly below + ½ × peers equal) ÷ n (SCORING.md §4)."""
        below, equal = self.below_and_equal(value)
        return Fraction(100 * (2 * below + equal), 2 * self.size)


def _positions_of(counts: ValueCounts, left_out: tuple[int, ...]) -> tuple[int, ...]:
    """Positions in the full order of one occurrence per left-out value (the next for a repeat)."""
    positions: list[int] = []
    previous: int | None = None
    repeat = 0
    for value in left_out:
        repeat = repeat + 1 if value == previous else 0
        previous = value
        below, equal = counts.below_and_equal(value)
        if repeat >= equal:
            raise ValueError(f"{value} is not in the sample (or not that many times)")
        positions.append(below + repeat)
    return tuple(positions)


def shown(hundredths: Fraction) -> Decimal:
    """A statistic in hundredths as the 2-decimal number the reader sees, half up."""
    return round_half_up(hundredths / 100)


def shown_rank(rank: Fraction) -> Decimal:
    return round_half_up(rank)
