"""A comparison as the Benchmark JSON of API.md (`GET /api/v1/responses/{id}/benchmark`).

Numbers become JSON numbers (floats of the 2-decimal values, whose shortest repr shows the
same digits), not strings. The quartile band and the fallback group are report wording and stay
out: the API shape is a fixed contract, and a withheld group is exactly key, label,
enough_peers and n.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from benchmarks.groups import Comparison, GroupComparison, MetricStats


def comparison_to_api(comparison: Comparison) -> dict[str, Any]:
    return {"k": comparison.k, "groups": [_group(group) for group in comparison.groups]}


def _group(group: GroupComparison) -> dict[str, Any]:
    head: dict[str, Any] = {
        "key": group.key.value,
        "label": group.label,
        "enough_peers": group.enough_peers,
        "n": group.n,
    }
    if not group.enough_peers or group.overall is None:
        return head
    pillars = group.pillars or {}
    kpis = group.kpis or {}
    return {
        **head,
        "overall": _quartiles_and_rank(group.overall),
        "pillars": {key: _quartiles_and_rank(stats) for key, stats in pillars.items()},
        "kpis": {key: _kpi(stats) for key, stats in kpis.items()},
    }


def _kpi(stats: MetricStats | None) -> dict[str, Any]:
    if stats is None:
        return {"enough_peers": False, "n": None}
    return {"n": stats.n, **_quartiles_and_rank(stats)}


def _quartiles_and_rank(stats: MetricStats) -> dict[str, float | None]:
    return {
        "p25": _number(stats.p25),
        "median": _number(stats.median),
        "p75": _number(stats.p75),
        "percentile_rank": _number(stats.percentile_rank),
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
