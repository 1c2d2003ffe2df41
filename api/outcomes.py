"""API route of the outcome lens: what the pool's organisations report (NRR, retention, NPS) by
bucket of the overall score and of each pillar, and at the top quartile against the rest."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from api.base import TOKEN_ROUTE
from benchmarks.outcomes import KpiMedian, OutcomeCell, OutcomeLens
from benchmarks.selectors import benchmark_k
from benchmarks.snapshots import outcome_lens_latest

router = Router(tags=["benchmarks"])


class KpiOutcome(Schema):
    """The median of the values known (n of them), or `{"enough_peers": false, "n": null}`."""

    enough_peers: bool
    n: int | None
    median: float | None = None


class OutcomeCellOut(Schema):
    """A withheld cell has only key, label, enough_peers (false) and n (null)."""

    key: str = Field(description="A bucket key, or `top` / `rest`.")
    label: str
    enough_peers: bool
    n: int | None = Field(description="Organisations in the cell.")
    kpis: dict[str, KpiOutcome] | None = Field(
        None, description="By KPI key: `nrr`, `retention`, `nps`."
    )


class MetricOutcomes(Schema):
    key: str = Field(description="`overall` or a pillar key.")
    label: str
    top_threshold: float | None = Field(
        description="The pool's 75th percentile of this score: `top` holds the organisations at "
        "or above it, `rest` those below. Null when the pool has fewer than K organisations."
    )
    buckets: list[OutcomeCellOut]
    top: OutcomeCellOut
    rest: OutcomeCellOut


class Outcomes(Schema):
    k: int
    as_of: datetime | None = Field(
        description="When the pool was counted (UTC); null before it first was."
    )
    n: int | None = Field(description="Organisations in the pool; null when fewer than K.")
    enough_peers: bool
    metrics: list[MetricOutcomes]


@router.get("/outcomes", response={200: Outcomes, **TOKEN_ROUTE}, exclude_unset=True)
def outcomes_get(request: HttpRequest) -> dict[str, Any]:
    """The outcome lens of the peer pool as last counted (every organisation once, by its latest
    response): for the overall score and each pillar, per bucket, the number of organisations
    and the median NRR, retention and NPS of those who know it (with that n); and the same for
    the top quartile of that score against the rest.

    These are associations seen in the pool, not causes: organisations in a higher bucket may
    report other outcomes for many reasons. The pool is counted again by a worker after it
    changes (at most once a minute), so `as_of` may trail the latest response a little.

    A cell with fewer than K organisations shows nothing but `"enough_peers": false` and
    `"n": null`; so does a median fewer than K of them know. A cell or median may also be
    withheld when it is the smallest beside a single withheld one, so that a withheld size cannot
    be worked out by subtraction. Before the pool was first counted the answer is 200 with
    `as_of` and `n` null and no metrics.
    """
    lens = outcome_lens_latest()
    if lens is None:
        return {"k": benchmark_k(), "as_of": None, "n": None, "enough_peers": False, "metrics": []}
    return lens_to_api(lens)


def lens_to_api(lens: OutcomeLens) -> dict[str, Any]:
    return {
        "k": lens.k,
        "as_of": lens.as_of,
        "n": lens.n,
        "enough_peers": lens.n is not None,
        "metrics": [
            {
                "key": metric.key,
                "label": metric.label,
                "top_threshold": _number(metric.top_threshold),
                "buckets": [_cell(cell) for cell in metric.buckets],
                "top": _cell(metric.top),
                "rest": _cell(metric.rest),
            }
            for metric in lens.metrics
        ],
    }


def _cell(cell: OutcomeCell) -> dict[str, Any]:
    shown = {"key": cell.key, "label": cell.label, "enough_peers": cell.enough_peers, "n": cell.n}
    if cell.enough_peers:
        shown["kpis"] = {kpi.key: _kpi(kpi) for kpi in cell.kpis}
    return shown


def _kpi(kpi: KpiMedian) -> dict[str, Any]:
    if not kpi.enough_peers:
        return {"enough_peers": False, "n": None}
    return {"enough_peers": True, "n": kpi.n, "median": _number(kpi.median)}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
