"""Shared by the benchmark tests: pool rows built by hand or at random (seeded), no database."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from benchmarks.groups import RespondentValues
from benchmarks.pool import PoolRow

PILLARS = tuple(f"pillar_{number}" for number in range(1, 9))
KPIS = ("nrr", "retention", "nps", "customers_per_csm")
INDUSTRIES = ("Software and SaaS", "Fintech", "Health")
ARR_BANDS = ("< $1M", "$1M – $5M", "> $5M")
REGIONS = ("Europe", "North America", "Asia")
START = datetime(2026, 1, 1, tzinfo=UTC)


def pool_row(
    response_id: int,
    *,
    email: str | None = None,
    overall: int = 5000,
    kpi: int | None = 10000,
    industry: str = INDUSTRIES[0],
    arr_band: str = ARR_BANDS[0],
    region: str = REGIONS[0],
    minutes: int = 0,
    excluded: bool = False,
    is_demo: bool = False,
) -> PoolRow:
    """A row whose pillars all equal `overall` and whose KPIs all equal `kpi`."""
    return PoolRow(
        response_id=response_id,
        email=email if email is not None else f"peer{response_id}@example.com",
        completed_at=START + timedelta(minutes=minutes),
        excluded=excluded,
        is_demo=is_demo,
        industry=industry,
        arr_band=arr_band,
        region=region,
        overall_hundredths=overall,
        pillar_hundredths=(overall,) * len(PILLARS),
        kpi_hundredths=(kpi,) * len(KPIS),
    )


def respondent_of(row: PoolRow, **changes: object) -> RespondentValues:
    respondent = RespondentValues(
        email=row.email,
        industry=row.industry,
        arr_band=row.arr_band,
        region=row.region,
        overall_hundredths=row.overall_hundredths,
        pillar_hundredths=row.pillar_hundredths,
        kpi_hundredths=row.kpi_hundredths,
    )
    return replace(respondent, **changes)  # type: ignore[arg-type]


def random_rows(rng: random.Random, size: int) -> list[PoolRow]:
    """Rows with many ties, null KPIs, e-mails repeated in other cases, equal completion times,
    excluded and demo responses, stored (ids) in an order unrelated to completion time."""
    people = max(1, size // 2)
    ids = rng.sample(range(1, 10 * size + 10), size)
    return [_random_row(rng, response_id, rng.randrange(people)) for response_id in ids]


def _random_row(rng: random.Random, response_id: int, person: int) -> PoolRow:
    email = "".join(c.upper() if rng.random() < 0.3 else c for c in f"person{person}@example.com")
    return PoolRow(
        response_id=response_id,
        email=email,
        completed_at=START + timedelta(minutes=rng.randrange(4)),
        excluded=rng.random() < 0.1,
        is_demo=rng.random() < 0.15,
        industry=rng.choice(INDUSTRIES),
        arr_band=rng.choice(ARR_BANDS),
        region=rng.choice(REGIONS),
        overall_hundredths=rng.choice((0, 1250, 3333, 3333, 5000, 6125, 10000)),
        pillar_hundredths=tuple(rng.randrange(0, 10001, 25) for _ in PILLARS),
        kpi_hundredths=tuple(_random_kpi(rng) for _ in KPIS),
    )


def _random_kpi(rng: random.Random) -> int | None:
    if rng.random() < 0.3:
        return None
    return rng.choice((-10000, -5, 0, 1, 9650, 9650, 10000, 12345, 30000))
