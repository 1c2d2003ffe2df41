"""A team's statistics against pandas on random teams, and the half that must round up."""

from __future__ import annotations

import random
from fractions import Fraction

import pandas as pd
import pytest

from benchmarks.percentiles import shown
from teams.statistics import median_hundredths, most_divergent, spread_of


@pytest.mark.parametrize("seed", range(40))
def test_median_lowest_and_highest_match_pandas_on_random_teams(seed: int) -> None:
    rng = random.Random(seed)
    scores = [rng.randint(0, 10_000) for _ in range(rng.randint(1, 12))]
    if rng.random() < 0.3:  # ties, as real kept scores have
        scores += scores[: rng.randint(1, len(scores))]
    series = pd.Series(scores, dtype="int64")

    spread = spread_of(scores)

    # A median of integers is a whole or half hundredth, exact as a float.
    assert spread.median == shown(Fraction(series.median()))
    assert spread.lowest * 100 == int(series.min())
    assert spread.highest * 100 == int(series.max())


def test_a_median_halfway_between_two_hundredths_rounds_half_up() -> None:
    spread = spread_of([6112, 6113])  # 61.125

    assert str(spread.median) == "61.13"
    assert median_hundredths([6112, 6113]) == 6113


@pytest.mark.parametrize("seed", range(30))
def test_divergence_is_the_gap_then_the_spread_as_pandas_computes_them(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randint(2, 9)
    answers = {
        number: [Fraction(rng.choice((0, 1, 2, 3))) for _ in range(size)]
        for number in range(15, 36)
    }
    frame = pd.DataFrame({number: [int(p) for p in points] for number, points in answers.items()})
    gap = frame.max() - frame.min()
    # n² · variance is a whole number, so the tie-break is compared exactly.
    scaled_variance = (frame.var(ddof=0) * size * size).round().astype(int)
    expected = sorted(
        (number for number in frame.columns if gap[number] > 0),
        key=lambda number: (-gap[number], -scaled_variance[number], number),
    )[:5]

    found = most_divergent(answers, limit=5)

    assert [item.question_number for item in found] == expected
    for item in found:
        assert item.gap == gap[item.question_number]
        assert item.variance * size * size == scaled_variance[item.question_number]


def test_questions_answered_alike_are_not_divergent() -> None:
    assert most_divergent({15: [Fraction(2)] * 4, 16: [Fraction(1), Fraction(1)]}) == []
