"""A comparison as kept with the response (JSON), and back: the numbers exactly as shown.

Numbers are stored as decimal strings ("61.13"), never floats, so a report made from the stored
comparison shows the very digits that were computed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from benchmarks.groups import Comparison, GroupComparison, GroupKey, MetricStats
from benchmarks.percentiles import QuartileBand


def comparison_to_json(comparison: Comparison) -> dict[str, Any]:
    return {"k": comparison.k, "groups": [_group_to_json(group) for group in comparison.groups]}


def comparison_from_json(data: dict[str, Any]) -> Comparison:
    return Comparison(k=data["k"], groups=tuple(_group_from_json(g) for g in data["groups"]))


def _group_to_json(group: GroupComparison) -> dict[str, Any]:
    return {
        "key": group.key.value,
        "label": group.label_kept,  # English, as the API sends it
        "enough_peers": group.enough_peers,
        "n": group.n,
        "fallback": group.fallback.value if group.fallback else None,
        "overall": _stats_to_json(group.overall),
        "pillars": None
        if group.pillars is None
        else {key: _stats_to_json(stats) for key, stats in group.pillars.items()},
        "kpis": None
        if group.kpis is None
        else {key: _stats_to_json(stats) for key, stats in group.kpis.items()},
    }


def _group_from_json(data: dict[str, Any]) -> GroupComparison:
    pillars, kpis = data["pillars"], data["kpis"]
    return GroupComparison(
        key=GroupKey(data["key"]),
        label=data["label"],
        enough_peers=data["enough_peers"],
        n=data["n"],
        fallback=GroupKey(data["fallback"]) if data["fallback"] else None,
        overall=_stats_from_json(data["overall"]),
        pillars=None
        if pillars is None
        else {key: _required(_stats_from_json(stats)) for key, stats in pillars.items()},
        kpis=None if kpis is None else {key: _stats_from_json(s) for key, s in kpis.items()},
    )


def _stats_to_json(stats: MetricStats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {
        "n": stats.n,
        "p25": str(stats.p25),
        "median": str(stats.median),
        "p75": str(stats.p75),
        "percentile_rank": _text(stats.percentile_rank),
        "band": stats.band.value if stats.band else None,
    }


def _stats_from_json(data: dict[str, Any] | None) -> MetricStats | None:
    if data is None:
        return None
    return MetricStats(
        n=data["n"],
        p25=Decimal(data["p25"]),
        median=Decimal(data["median"]),
        p75=Decimal(data["p75"]),
        percentile_rank=_decimal(data["percentile_rank"]),
        band=QuartileBand(data["band"]) if data["band"] else None,
    )


def _required(stats: MetricStats | None) -> MetricStats:
    assert stats is not None, "a pillar in a shown group always has statistics"
    return stats


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
