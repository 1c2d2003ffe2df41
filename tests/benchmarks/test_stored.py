import random

import pytest

from benchmarks.pool import peer_pool
from benchmarks.stored import comparison_from_json, comparison_to_json
from tests.benchmarks import RowsIndex, random_rows, respondent_of


@pytest.mark.parametrize("seed", range(10))
def test_a_stored_comparison_reads_back_exactly_as_computed(seed: int) -> None:
    rng = random.Random(seed)
    rows = peer_pool(random_rows(rng, rng.randrange(5, 150)), include_demo=True)
    comparison = RowsIndex.of(rows).compare(
        respondent=respondent_of(rng.choice(rows)), k=rng.choice((1, 5))
    )

    assert comparison_from_json(comparison_to_json(comparison)) == comparison
