from __future__ import annotations

import json
from dataclasses import replace

from benchmarks.payload import comparison_to_api
from tests.benchmarks import PILLARS, RowsIndex, pool_row, respondent_of


def test_benchmark_json_has_the_api_shape() -> None:
    # Given: six peers in Europe, none in Asia; nrr known by six, the other KPIs by none.
    rows = [pool_row(i, overall=1000 * i, kpi=None) for i in range(1, 7)]
    rows = [replace(row, kpi_hundredths=(9000 + i, None, None, None)) for i, row in enumerate(rows)]
    respondent = respondent_of(pool_row(99, overall=3500, region="Asia", kpi=None))

    payload = comparison_to_api(RowsIndex.of(rows).compare(respondent=respondent))

    assert [group["key"] for group in payload["groups"]] == [
        "all",
        "industry",
        "arr_band",
        "region",
    ]
    all_group = payload["groups"][0]
    assert list(all_group) == ["key", "label", "enough_peers", "n", "overall", "pillars", "kpis"]
    assert all_group["overall"] == {
        "p25": 22.5,
        "median": 35.0,
        "p75": 47.5,
        "percentile_rank": 50.0,
    }
    assert list(all_group["pillars"]) == list(PILLARS)
    assert all_group["kpis"]["nrr"] == {
        "n": 6,
        "p25": 90.01,
        "median": 90.03,
        "p75": 90.04,
        "percentile_rank": None,
    }
    assert all_group["kpis"]["nps"] == {"enough_peers": False, "n": None}
    assert payload["groups"][3] == {
        "key": "region",
        "label": "Region: Asia",
        "enough_peers": False,
        "n": None,
    }
    assert json.loads(json.dumps(payload)) == payload
