"""Comparing a response again with today's pool: when that is worth offering, and doing it.

A kept comparison describes the pool as it stood then (`ResponseBenchmark.pool_seq`); the
results page offers "Compare with today's peers" once the pool has grown meaningfully since:

- a group withheld then (fewer than K peers) would now be shown, or
- "All respondents" now holds at least GROWTH_PERCENT % more peers than the comparison counted,
  and never fewer than K more.

A few new peers barely move the quartiles of a pool of hundreds, and a comparison made again
for every arrival would only add dates, so the bar grows with the pool; the floor of K keeps a
small pool from offering a new comparison for one or two arrivals. Asking costs one query (the
pool's change number) while nothing changed, and otherwise reads this process's live index
(`benchmarks.selectors`) and the respondent's own pool entry: no scan of the pool.

The API's `POST /api/v1/responses/{id}/benchmark` compares again whenever it is asked; the
respondent's pages ask `benchmark_refresh`, which makes a new comparison only past this bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction

from benchmarks.groups import GroupKey
from benchmarks.models import PoolEntry, ResponseBenchmark
from benchmarks.selectors import (
    LiveIndex,
    StoredBenchmark,
    benchmark_k,
    benchmark_latest,
    peer_index_current,
    pool_entry_of,
    pool_member,
    pool_state,
)
from benchmarks.services import benchmark_compute
from responses.models import Response

GROWTH_PERCENT = 10  # more peers in "All respondents", in % of those compared with ...
# ... and at least K more (benchmark_k), whichever is larger.


def peers_needed(*, peers_then: int, k: int) -> int:
    """How many more peers in "All respondents" make a new comparison worth offering."""
    return max(k, -(-peers_then * GROWTH_PERCENT // 100))  # the percentage, rounded up


def growth_is_meaningful(
    *, peers_then: int | None, peers_now: int, newly_shown: Sequence[str], k: int
) -> bool:
    """The rule of this module, on counts alone. `peers_then`: None when "All respondents" was
    withheld (it is then among `newly_shown` once it reaches K)."""
    if newly_shown:
        return True
    if peers_then is None:
        return False
    return peers_now - peers_then >= peers_needed(peers_then=peers_then, k=k)


@dataclass(frozen=True, slots=True)
class PoolGrowth:
    """The pool now, against what a kept comparison counted; the respondent never counts."""

    peers_then: int | None  # in "All respondents"; None when fewer than K
    peers_now: int  # in "All respondents"
    newly_shown: tuple[str, ...]  # labels of the groups withheld then that would be shown now
    k: int
    meaningful: bool

    @property
    def peers_now_shown(self) -> int | None:
        """Peers now, or None under K (a count under K is never shown)."""
        return self.peers_now if self.peers_now >= self.k else None


def pool_growth_since(*, response: Response, benchmark: StoredBenchmark) -> PoolGrowth | None:
    """How the pool grew since `benchmark` (the response's kept comparison) was made; None when
    the pool has not changed since."""
    state = pool_state()
    if state.seq == benchmark.pool_seq:
        return None
    k = benchmark_k()
    with peer_index_current(state) as live:
        own = pool_entry_of(organisation_key=response.organisation_key, seq=live.seq)
        peers_now = {key: _peers(live, response, own, key) for key in GroupKey}
    newly_shown = tuple(
        group.label
        for group in benchmark.comparison.groups
        if not group.enough_peers and peers_now[group.key] >= k
    )
    everyone = peers_now[GroupKey.ALL]
    return PoolGrowth(
        peers_then=benchmark.pool_size,
        peers_now=everyone,
        newly_shown=newly_shown,
        k=k,
        meaningful=growth_is_meaningful(
            peers_then=benchmark.pool_size, peers_now=everyone, newly_shown=newly_shown, k=k
        ),
    )


def _peers(live: LiveIndex, response: Response, own: PoolEntry | None, key: GroupKey) -> int:
    """The respondent's peers in one group as the index holds it, their own entry left out."""
    value = None if key is GroupKey.ALL else (getattr(response, key.value) or None)
    return live.index.peer_count(key, value, pool_member(own) if own is not None else None)


class Refreshed(StrEnum):
    MADE = "made"
    NOT_GROWN = "not grown"  # no new comparison: the pool has not grown meaningfully
    NOT_COMPARABLE = "not comparable"  # scored against other pillars than today's pool


@dataclass(frozen=True, slots=True)
class Refresh:
    outcome: Refreshed
    before: StoredBenchmark | None  # the latest comparison before this one
    growth: PoolGrowth | None  # the pool since `before`
    made: ResponseBenchmark | None


def benchmark_refresh(*, response: Response) -> Refresh:
    """Compare a completed response again with today's pool, if the pool has grown
    meaningfully since its latest comparison (or it has none). The new comparison is kept and
    becomes the latest; earlier ones, and the reports printed from them, stay as they were.
    Decided under the response's row lock, so two clicks at once make one comparison."""
    with transaction.atomic():
        Response.objects.select_for_update().filter(pk=response.pk).first()
        before = benchmark_latest(response=response)
        growth = pool_growth_since(response=response, benchmark=before) if before else None
        if before is not None and (growth is None or not growth.meaningful):
            return Refresh(Refreshed.NOT_GROWN, before, growth, made=None)
        made = benchmark_compute(response=response)
    outcome = Refreshed.MADE if made is not None else Refreshed.NOT_COMPARABLE
    return Refresh(outcome, before, growth, made)
