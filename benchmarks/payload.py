"""A comparison as the Benchmark JSON of API.md (`GET /api/v1/responses/{id}/benchmark`).

Built from the comparison as kept with the response (`benchmarks.stored`), which is what every
API read has in hand: no Decimal or dataclass in between. `as_of` is the comparison's date
(`ResponseBenchmark.computed_at`), in UTC to the second with a "Z", so that a reader knows which
pool it describes. Numbers become JSON numbers (floats of
the 2-decimal strings, whose shortest repr shows the same digits), not strings. The quartile
band and the fallback group are report wording and stay out: the API shape is a fixed contract,
and a withheld group is exactly key, label, enough_peers and n. Added to v1 since: what a peer
is (`peer_unit`, "organisation") and the window (`window_months`), on comparisons kept with them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from benchmarks.groups import Comparison
from benchmarks.stored import comparison_to_json


def comparison_to_api(comparison: Comparison, *, as_of: datetime | None = None) -> dict[str, Any]:
    return kept_comparison_to_api(comparison_to_json(comparison), as_of=as_of)


def kept_comparison_api_json(kept: dict[str, Any], *, as_of: datetime | None = None) -> str:
    """The API answer as sent (plain JSON types only: strings, numbers, booleans, null)."""
    return json.dumps(kept_comparison_to_api(kept, as_of=as_of))


def kept_comparison_to_api(
    kept: dict[str, Any], *, as_of: datetime | None = None
) -> dict[str, Any]:
    """The API answer for a comparison in its stored JSON form, made at `as_of`. Every answer
    the API sends has it; only a comparison weighed apart from its date (the disclosure tests)
    goes without."""
    head: dict[str, Any] = {"k": kept["k"]}
    if as_of is not None:
        head["as_of"] = api_timestamp(as_of)
    for term in POOL_TERMS:
        if term in kept:
            head[term] = kept[term]
    return {**head, "groups": [_group(group) for group in kept["groups"]]}


# What the pool counted when the comparison was made, kept beside its statistics.
POOL_TERMS = ("peer_unit", "window_months")
PEER_UNIT = "organisation"


def api_timestamp(moment: datetime) -> str:
    """ "2026-11-24T10:00:00Z": UTC, to the second, as every date of API.md is written."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _group(group: dict[str, Any]) -> dict[str, Any]:
    head: dict[str, Any] = {
        "key": group["key"],
        "label": group["label"],
        "enough_peers": group["enough_peers"],
        "n": group["n"],
    }
    if not group["enough_peers"] or group["overall"] is None:
        return head
    pillars = group["pillars"] or {}
    kpis = group["kpis"] or {}
    head["overall"] = _quartiles_and_rank(group["overall"])
    head["pillars"] = {key: _quartiles_and_rank(stats) for key, stats in pillars.items()}
    head["kpis"] = {key: _kpi(stats) for key, stats in kpis.items()}
    return head


def _kpi(stats: dict[str, Any] | None) -> dict[str, Any]:
    if stats is None:
        return {"enough_peers": False, "n": None}
    return {"n": stats["n"], **_quartiles_and_rank(stats)}


def _quartiles_and_rank(stats: dict[str, Any]) -> dict[str, float | None]:
    rank = stats["percentile_rank"]
    return {
        "p25": float(stats["p25"]),
        "median": float(stats["median"]),
        "p75": float(stats["p75"]),
        "percentile_rank": None if rank is None else float(rank),
    }
