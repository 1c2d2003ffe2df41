import random

import pytest

from benchmarks.index import PeerIndex
from benchmarks.pool import peer_pool
from benchmarks.stored import comparison_from_json, comparison_to_json
from tests.benchmarks import KPIS, PILLARS, random_rows, respondent_of


@pytest.mark.parametrize("seed", range(10))
def test_a_stored_comparison_reads_back_exactly_as_computed(seed: int) -> None:
    rng = random.Random(seed)
    rows = peer_pool(random_rows(rng, rng.randrange(5, 150)), include_demo=True)
    comparison = PeerIndex.build(rows, pillar_keys=PILLARS, kpi_keys=KPIS).compare(
        respondent=respondent_of(rng.choice(rows)), k=rng.choice((1, 5))
    )

    assert comparison_from_json(comparison_to_json(comparison)) == comparison
