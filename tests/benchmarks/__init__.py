"""Shared by the benchmark tests: pool rows built by hand or at random (seeded), and an index of
them, no database."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from benchmarks.groups import Comparison, RespondentValues
from benchmarks.index import DIMENSIONS, Peer, PeerIndex
from benchmarks.pool import PoolRow
from responses.organisations import PUBLIC_MAILBOX_DOMAINS, OrganisationRules

PILLARS = tuple(f"pillar_{number}" for number in range(1, 9))
KPIS = ("nrr", "retention", "nps", "customers_per_csm")
INDUSTRIES = ("Software and SaaS", "Fintech", "Health")
ARR_BANDS = ("< $1M", "$1M – $5M", "> $5M")
REGIONS = ("Europe", "North America", "Asia")
START = datetime(2026, 1, 1, tzinfo=UTC)
# The organisation rule the rows are keyed under: the spec's public mailboxes, and one join.
JOINS = {"acme.co.uk": "acme.com"}
RULES = OrganisationRules.of(PUBLIC_MAILBOX_DOMAINS, JOINS)


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailedRow(PoolRow):
    """A pool row that remembers the address it was keyed from, for independent checks."""

    email: str


def organisation_of(email: str) -> str:
    return RULES.stored_form(email)[1]


def organisations_in_pandas(emails: pd.Series) -> pd.Series:
    """SCORING.md §4's organisation of each address, written again in pandas for independent
    checks (ASCII addresses, whose IDNA form is the lower case): the domain after `JOINS`, the
    whole address on a public mailbox."""
    lower = emails.str.strip().str.lower()
    domain = lower.str.rsplit("@", n=1).str[1].str.rstrip(".")
    return lower.where(domain.isin(PUBLIC_MAILBOX_DOMAINS), domain.replace(JOINS))


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
    comparable: bool = True,
) -> PoolRow:
    """A row whose pillars all equal `overall` and whose KPIs all equal `kpi`; each response is
    its own organisation unless `email` says otherwise."""
    email = email if email is not None else f"peer@org{response_id}.example"
    return EmailedRow(
        response_id=response_id,
        email=email,
        organisation_key=organisation_of(email),
        completed_at=START + timedelta(minutes=minutes),
        excluded=excluded,
        is_demo=is_demo,
        industry=industry,
        arr_band=arr_band,
        region=region,
        overall_hundredths=overall,
        pillar_hundredths=(overall,) * len(PILLARS),
        kpi_hundredths=(kpi,) * len(KPIS),
        comparable=comparable,
    )


def respondent_of(row: PoolRow, *, email: str | None = None, **changes: object) -> RespondentValues:
    """The respondent whose values are the row's; `email` puts them in that address's
    organisation instead of the row's."""
    respondent = RespondentValues(
        organisation_key=row.organisation_key if email is None else organisation_of(email),
        industry=row.industry,
        arr_band=row.arr_band,
        region=row.region,
        overall_hundredths=row.overall_hundredths,
        pillar_hundredths=row.pillar_hundredths,
        kpi_hundredths=row.kpi_hundredths,
    )
    return replace(respondent, **changes)  # type: ignore[arg-type]


def random_rows(rng: random.Random, size: int) -> list[EmailedRow]:
    """Rows with many ties, null KPIs, people answering again, colleagues of one organisation,
    public mailboxes (each its own organisation), domains joined into one, addresses in any
    case, equal completion times, excluded and demo responses, stored (ids) in an order
    unrelated to completion time."""
    people = max(1, size // 2)
    ids = rng.sample(range(1, 10 * size + 10), size)
    return [_random_row(rng, response_id, random_address(rng, people)) for response_id in ids]


def random_address(rng: random.Random, people: int) -> str:
    person = rng.randrange(people)
    kind = person % 6
    if kind == 0:
        domain = ("gmail.com", "GMail.com", "outlook.com", "proton.me")[person % 4]
    elif kind == 1:
        domain = rng.choice(("acme.co.uk", "ACME.com", "acme.com"))
    else:
        domain = f"org{person % max(1, people // 4)}.example"
    address = f"person{person}@{domain}"
    return "".join(c.upper() if rng.random() < 0.3 else c for c in address)


def _random_row(rng: random.Random, response_id: int, email: str) -> EmailedRow:
    return EmailedRow(
        response_id=response_id,
        email=email,
        organisation_key=organisation_of(email),
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


class RowsIndex(PeerIndex):
    """A `PeerIndex` of pool rows, built through the columns path the service loads with, that
    remembers its rows by organisation: a comparison leaves the respondent's own organisation's
    row out as the service does, and K is 5 unless a test says otherwise."""

    members: dict[str, PoolRow]

    @classmethod
    def of(cls, rows: Sequence[PoolRow]) -> RowsIndex:
        """From `peer_pool`'s output: one row per organisation."""
        members = {row.organisation_key: row for row in rows}
        assert len(members) == len(rows), "one row per organisation: build from peer_pool()"
        width = 1 + len(PILLARS) + len(KPIS)
        metrics = [row.metric_hundredths for row in rows]
        index = cls.from_columns(
            values=np.array([[v or 0 for v in m] for m in metrics], np.int64).reshape(-1, width),
            known=np.array([[v is not None for v in m] for m in metrics]).reshape(-1, width),
            profiles={key: _codes([row.group_value(key) for row in rows]) for key in DIMENSIONS},
            pillar_keys=PILLARS,
            kpi_keys=KPIS,
        )
        index.members = members
        return index

    def compare(  # type: ignore[override]
        self, *, respondent: RespondentValues, k: int = 5, own: Peer | bool | None = True
    ) -> Comparison:
        """`own`: True (the default) finds the respondent's organisation's row."""
        if own is True:
            own = self.members.get(respondent.organisation_key)
        return super().compare(respondent=respondent, own=own or None, k=k)


def _codes(values: list[str | None]) -> tuple[np.ndarray, tuple[str | None, ...]]:
    code_of: dict[str | None, int] = {}
    codes = np.array([code_of.setdefault(value, len(code_of)) for value in values], np.int32)
    return codes, tuple(code_of)
