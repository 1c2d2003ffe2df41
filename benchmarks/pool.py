"""Who is in the peer pool (SCORING.md §4), as plain data: no database, no Django.

The pool's service reads completed responses into `PoolRow`s; `peer_pool` then keeps the rows
that count. The respondent's own organisation is left out later, per comparison
(`PeerIndex.compare`), so one pool serves every respondent. Which organisation an address
belongs to is `responses.organisations`; a row arrives with its key already worked out.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from benchmarks.groups import InPeerGroups, RespondentValues
from scoring.rounding import round_half_up


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolRow(RespondentValues):
    """One completed response with its kept values in hundredths (96.50 → 9650), and what
    decides whether it counts.

    Integers, not floats or Decimals: sorting and binary search on int64 are exact and fast, and
    every interpolation is done exactly from them.
    """

    response_id: int
    completed_at: datetime
    excluded: bool
    is_demo: bool
    # False when scored against other pillars than the pool's: such a latest response keeps
    # its organisation out of the pool (an earlier one does not stand in for it).
    comparable: bool = True


@dataclass(frozen=True, slots=True)
class PoolMember(InPeerGroups):
    """A pool member as the index counts it: its groups and its values (hundredths)."""

    industry: str | None
    arr_band: str | None
    region: str | None
    metric_hundredths: tuple[int | None, ...]


def hundredths(value: Decimal | None) -> int | None:
    """A kept value as an integer count of hundredths; None (unknown) stays None.

    Kept values already have 2 decimals; rounding half up here only guards against a caller
    passing a longer one, so the pool never holds a value the reader could not see.
    """
    if value is None:
        return None
    return int(round_half_up(Fraction(value)).scaleb(2))


def window_start(now: datetime, months: int) -> datetime | None:
    """The first moment a response counts from, with a window of `months` (SCORING.md §4's
    pool is "responses completed within the window"): midnight UTC of the same calendar day
    `months` ago (the month's last day when that month is shorter: 31 March → 28 February).
    It moves once a day, so every comparison made on one day reads the same pool. None: no
    window (months ≤ 0), every completed response counts."""
    if months <= 0:
        return None
    day = now.astimezone(UTC)
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime(year, month + 1, min(day.day, last_day), tzinfo=UTC)


def peer_pool(
    rows: Iterable[PoolRow], *, include_demo: bool, since: datetime | None = None
) -> list[PoolRow]:
    """Who counts as a peer (the one home of this rule): one row per organisation, its latest,
    never an excluded one, never one without an organisation (no e-mail address).

    Exclusions (admin and, unless `include_demo`, demo) are applied before picking the latest,
    so an excluded re-submission does not hide the organisation's earlier valid answer.
    "Latest" is by completion time, and on an equal time the one stored last (the higher id),
    so the choice never depends on the order rows arrive in. An organisation whose latest
    response is not `comparable` is left out, and so is one whose latest response was completed
    before `since` (the window: an organisation that has not answered for that long is no
    longer a peer).
    """
    latest: dict[str, PoolRow] = {}
    for row in rows:
        key = row.organisation_key
        if not key or row.excluded or (row.is_demo and not include_demo):
            continue
        kept = latest.get(key)
        if kept is None or _stored_later(row, kept):
            latest[key] = row
    return [
        row
        for row in latest.values()
        if row.comparable and (since is None or row.completed_at >= since)
    ]


def _stored_later(row: PoolRow, other: PoolRow) -> bool:
    return (row.completed_at, row.response_id) > (other.completed_at, other.response_id)
