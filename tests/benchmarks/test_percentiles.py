from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from benchmarks.percentiles import (
    MEDIAN,
    P25,
    P75,
    CountedSample,
    QuartileBand,
    ValueCounts,
    quartile_band,
)


@pytest.mark.parametrize("seed", range(40))
def test_quantiles_and_counts_with_elements_left_out_match_a_copy_without_them(
    seed: int,
) -> None:
    rng = random.Random(seed)
    values = np.sort(np.array([rng.randrange(-5, 6) * 25 for _ in range(rng.randrange(1, 40))]))
    left_out = rng.sample(list(values), rng.randrange(0, min(4, len(values) - 1) + 1))
    remaining = list(values)
    for value in left_out:
        remaining.remove(value)

    sample = CountedSample.without(ValueCounts.of(values), [int(v) for v in left_out])

    assert [sample.at(i) for i in range(sample.size)] == remaining
    if remaining:
        for q in (P25, MEDIAN, P75):
            assert sample.quantile(q) == Fraction(float(np.quantile(remaining, float(q))))
    probe = rng.randrange(-6, 7) * 25
    expected = (sum(v < probe for v in remaining), sum(v == probe for v in remaining))
    assert sample.below_and_equal(probe) == expected


def test_leaving_out_a_value_not_in_the_sample_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in the sample"):
        CountedSample.without(ValueCounts.of([1, 2]), [2, 2])


def test_interpolated_quartile_is_exact_not_float() -> None:
    sample = CountedSample.without(ValueCounts.of([6112, 6113]), [])

    assert sample.quantile(MEDIAN) == Fraction(12225, 2)  # 61.125, which float would blur


@pytest.mark.parametrize(
    ("rank", "band"),
    [
        ("0", QuartileBand.BOTTOM),
        ("24.99", QuartileBand.BOTTOM),
        ("25.00", QuartileBand.SECOND),
        ("49.99", QuartileBand.SECOND),
        ("50", QuartileBand.THIRD),
        ("74.99", QuartileBand.THIRD),
        ("75", QuartileBand.TOP),
        ("100", QuartileBand.TOP),
    ],
)
def test_quartile_band_is_read_from_the_shown_rank(rank: str, band: QuartileBand) -> None:
    assert quartile_band(Decimal(rank)) is band


@pytest.mark.parametrize("seed", range(20))
def test_counts_updated_one_peer_at_a_time_equal_counts_built_at_once(seed: int) -> None:
    rng = random.Random(seed)
    elements = [rng.randrange(-3, 4) * 50 for _ in range(rng.randrange(1, 30))]
    counts = ValueCounts.of(elements[:1])
    for value in elements[1:]:
        counts.add(value)
    for value in rng.sample(elements, rng.randrange(0, len(elements))):
        counts.remove(value)
        elements.remove(value)

    rebuilt = ValueCounts.of(elements)
    assert counts.values.tolist() == rebuilt.values.tolist()
    assert counts.counts.tolist() == rebuilt.counts.tolist()
    assert [counts.at(i) for i in range(counts.size)] == sorted(elements)


def test_removing_a_value_not_counted_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in the sample"):
        ValueCounts.of([1, 1]).remove(2)
