"""A team's numbers: per pillar its median, lowest and highest score, and the questions on which
its members' answers lie furthest apart. Pure Python, no Django: plain values in, values out.

Every statistic is computed on the kept (rounded) scores in integer hundredths, as the peer
benchmarks are (SCORING.md §4), and the median is the same linear interpolation, done exactly by
`benchmarks.percentiles` and rounded once, half up, by `shown`.

Divergence of one question: the gap between the highest and the lowest answer of the team, in
points on the bank's 0–3 maturity scale (a `sum` question's answer counts as its share of the
question's points, times 3). Two questions with the same gap are told apart by the spread of all
answers around their mean (the population variance): a team split two against two diverges more
than one outlier among five.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from benchmarks.percentiles import MEDIAN, CountedSample, ValueCounts, shown
from scoring.rounding import round_half_up


@dataclass(frozen=True, slots=True)
class Spread:
    """One pillar (or the overall score) across the team, as the reader sees it."""

    median: Decimal
    lowest: Decimal
    highest: Decimal


def spread_of(hundredths: Sequence[int]) -> Spread:
    """The median (linear interpolation), lowest and highest of kept scores in hundredths."""
    if not hundredths:
        raise ValueError("a team spread needs at least one member")
    sample = CountedSample.without(ValueCounts.of(list(hundredths)), ())
    return Spread(
        median=shown(sample.quantile(MEDIAN)),
        lowest=shown(Fraction(min(hundredths))),
        highest=shown(Fraction(max(hundredths))),
    )


def median_hundredths(hundredths: Sequence[int]) -> int:
    """The median as the whole hundredths it is shown in (half up): the value the team is ranked
    on among its peers, so the rank and the median printed beside it agree."""
    return int(spread_of(hundredths).median * 100)


def spreads_by_key(members: Sequence[Mapping[str, int]], keys: Sequence[str]) -> dict[str, Spread]:
    """Each key's spread over the members' values (every member has every key)."""
    return {key: spread_of([member[key] for member in members]) for key in keys}


@dataclass(frozen=True, slots=True)
class Divergence:
    question_number: int
    gap: Fraction  # highest − lowest, in points (0..3)
    variance: Fraction  # population variance of the points
    lowest: Fraction
    highest: Fraction
    answered: int

    @property
    def gap_shown(self) -> Decimal:
        return round_half_up(self.gap)

    @property
    def lowest_shown(self) -> Decimal:
        return round_half_up(self.lowest)

    @property
    def highest_shown(self) -> Decimal:
        return round_half_up(self.highest)


def divergence_of(question_number: int, points: Sequence[Fraction]) -> Divergence:
    if not points:
        raise ValueError("no answers to compare")
    mean = sum(points, Fraction(0)) / len(points)
    variance = sum(((p - mean) ** 2 for p in points), Fraction(0)) / len(points)
    return Divergence(
        question_number=question_number,
        gap=max(points) - min(points),
        variance=variance,
        lowest=min(points),
        highest=max(points),
        answered=len(points),
    )


def most_divergent(
    points_by_question: Mapping[int, Sequence[Fraction]], *, limit: int = 5
) -> list[Divergence]:
    """The questions on which the team's answers lie furthest apart, most divergent first
    (gap, then variance, then question number); questions all answered alike are left out."""
    found = [
        divergence_of(number, points)
        for number, points in points_by_question.items()
        if len(points) >= 2
    ]
    found = [item for item in found if item.gap > 0]
    found.sort(key=lambda item: (-item.gap, -item.variance, item.question_number))
    return found[:limit]
