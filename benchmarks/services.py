"""Writes for peer benchmarks: keeping the pool in line with responses, storing comparisons."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from benchmarks.groups import GroupKey
from benchmarks.models import PoolEntry, PoolSnapshot, PoolState, ResponseBenchmark
from benchmarks.payload import PEER_UNIT, kept_comparison_api_json
from benchmarks.pool import PoolRow, peer_pool, window_start
from benchmarks.selectors import (
    POOL_STATE_ID,
    active_entries_for,
    benchmark_k,
    benchmark_window_months,
    kept_values,
    peer_index_current,
    pool_entry_of,
    pool_member,
    pool_state,
    respondent_values,
)
from benchmarks.stored import comparison_to_json
from responses.models import PillarScore, Response, ResponseScore
from responses.organisation_keys import organisation_keys_refresh, organisation_rules
from responses.selectors import bank_current, bank_spec_for
from responses.task_queue import task_send
from scoring.kpis import KPI_KEYS

logger = logging.getLogger(__name__)
REBUILD_BATCH = 2000


def peer_pool_sync(*, organisation_keys: Iterable[str]) -> int:
    """Bring these organisations' pool entries in line with their responses (after a
    completion, an exclusion, an inclusion or a deletion). Returns how many entries changed."""
    keys = sorted({key for key in organisation_keys if key})
    if not keys:
        return 0
    with transaction.atomic():
        state = _state_locked()
        if _layout_outdated(state):
            transaction.on_commit(_snapshot_refresh_queue)
            return _rebuild(state)
        _age_out(state)
        seq = state.seq + 1
        candidates = _scored_responses().filter(organisation_key__in=keys)
        wanted = _pool_entries(
            candidates, tuple(state.pillar_keys), state.include_demo, state.window_start, seq
        )
        active = active_entries_for(organisation_keys=keys)
        changed = [key for key in keys if _values(active.get(key)) != _values(wanted.get(key))]
        if not changed:
            return 0
        closing = [active[key].pk for key in changed if key in active]
        PoolEntry.objects.filter(pk__in=closing).update(removed_seq=seq)
        PoolEntry.objects.bulk_create(wanted[key] for key in changed if key in wanted)
        state.seq = seq
        state.save(update_fields=["seq", "updated_at"])
        transaction.on_commit(_snapshot_refresh_queue)
    return len(changed)


def _snapshot_refresh_queue() -> None:
    """Ask a worker for a new snapshot of the pool (outcome lens, peers' choices); beat asks
    too, so a broker that is down costs only time."""
    from benchmarks.tasks import refresh_pool_snapshot

    task_send(refresh_pool_snapshot, what="pool snapshot refresh")


def responses_benchmark_exclusion_set(*, responses: QuerySet[Response], excluded: bool) -> int:
    """Flag the responses, then bring their organisations' pool entries in line: excluding an
    organisation's latest response brings back its previous one, if that counts."""
    with transaction.atomic():
        changing = dict(
            responses.exclude(excluded_from_benchmarks=excluded).values_list(
                "pk", "organisation_key"
            )
        )
        changed = Response.objects.filter(pk__in=changing).update(excluded_from_benchmarks=excluded)
        peer_pool_sync(organisation_keys=set(changing.values()))
    return changed


def peer_pool_rebuild() -> int:
    """Build the pool again from every completed response (after a rescore, a bank change or a
    change of BENCHMARK_INCLUDE_DEMO). Returns the number of entries."""
    with transaction.atomic():
        return _rebuild(_state_locked())


def peer_pool_prune(*, keep_changes: int = 10_000) -> int:
    """Delete closed entries older than the last `keep_changes` changes; a process whose index
    is older than that loads the pool again instead of catching up. Returns rows deleted."""
    with transaction.atomic():
        state = _state_locked()
        horizon = state.seq - keep_changes
        if horizon <= state.pruned_seq:
            return 0
        deleted, _ = PoolEntry.objects.filter(removed_seq__lte=horizon).delete()
        state.pruned_seq = horizon
        state.save(update_fields=["pruned_seq", "updated_at"])
    return deleted


def pool_entries_forget(*, entry_ids: list[int], organisation_keys: Iterable[str]) -> int:
    """Delete these entries outright, closed or not (an erasure: no copy of their values may
    stay), and bring the organisations' entries in line again. Every process's index loads the
    pool afresh: one that had not caught up on their closing could no longer take them out.
    Returns rows deleted."""
    if not entry_ids:
        return 0
    with transaction.atomic():
        state = _state_locked()
        entries = PoolEntry.objects.filter(pk__in=entry_ids)
        # Still active (a colleague's response had the very same values, so the sync before
        # kept it): its organisation needs an entry again once it is gone.
        active_gone = entries.filter(removed_seq__isnull=True).exists()
        deleted, _ = entries.delete()
        if not deleted:
            return 0
        if active_gone:
            peer_pool_sync(organisation_keys=organisation_keys)
        state.refresh_from_db()
        state.rebuilt_seq = state.seq
        state.save(update_fields=["rebuilt_seq", "updated_at"])
        transaction.on_commit(_snapshot_refresh_queue)
    return deleted


def peer_pool_ensure_current() -> PoolState:
    """Rebuild when the pool was built under other settings, another organisation rule or for
    another bank's pillars; take out what aged out of the window since the day it was last
    looked at. Returns the pool's state as it now stands."""
    state = pool_state()
    if _layout_outdated(state) or _window_moved(state):
        with transaction.atomic():
            state = _state_locked()
            if _layout_outdated(state):
                _rebuild(state)
            else:
                _age_out(state)
    return state


def peer_pool_age_out() -> int:
    """Close the entries of responses completed before the window's start (nightly, by beat;
    a comparison made before the task ran does it first). Exactly once: a second run on the
    same day closes nothing. Returns how many entries left the pool."""
    with transaction.atomic():
        state = _state_locked()
        if _layout_outdated(state):
            _rebuild(state)
            return 0
        return _age_out(state)


def _window_moved(state: PoolState) -> bool:
    return state.window_start != _window_start_now()


def _window_start_now() -> datetime | None:
    return window_start(timezone.now(), benchmark_window_months())


def _age_out(state: PoolState) -> int:
    """With the state locked: close what the window's start, as of today, leaves out."""
    start = _window_start_now()
    if state.window_start == start:
        return 0
    seq = state.seq + 1
    closed = 0
    if start is not None:
        closed = PoolEntry.objects.filter(removed_seq__isnull=True, completed_at__lt=start).update(
            removed_seq=seq
        )
    state.window_start = start
    fields = ["window_start", "updated_at"]
    if closed:
        state.seq = seq
        fields.append("seq")
        transaction.on_commit(_snapshot_refresh_queue)
    state.save(update_fields=fields)
    return closed


def benchmark_compute(*, response: Response) -> ResponseBenchmark | None:
    """Compare a completed response with the pool as it stands, and keep the numbers shown.

    None when the response cannot be compared (its scores are for pillars the pool's bank does
    not have).
    """
    with peer_index_current(peer_pool_ensure_current()) as live:
        respondent = respondent_values(response=response, layout=live.pillar_keys)
        if respondent is None:
            return None
        own = pool_entry_of(organisation_key=response.organisation_key, seq=live.seq)
        comparison = live.index.compare(
            respondent=respondent,
            own=pool_member(own) if own else None,
            k=benchmark_k(),
        )
        seq = live.seq
    everyone = comparison.group(GroupKey.ALL)
    kept = {
        **comparison_to_json(comparison),
        "peer_unit": PEER_UNIT,
        "window_months": benchmark_window_months(),
    }
    computed_at = timezone.now()
    return ResponseBenchmark.objects.create(
        response=response,
        # the pool's statistics shown beside it (benchmarks.snapshots): the latest, one cheap read
        snapshot_id=PoolSnapshot.objects.values_list("pk", flat=True).first(),
        computed_at=computed_at,
        pool_seq=seq,
        k=comparison.k,
        pool_size=everyone.n if everyone.enough_peers else None,
        comparison=kept,
        api_json=kept_comparison_api_json(kept, as_of=computed_at),
    )


def _state_locked() -> PoolState:
    pool_state()  # created on first use
    return PoolState.objects.select_for_update().get(pk=POOL_STATE_ID)


def _pillar_layout() -> tuple[str, ...]:
    bank = bank_current()
    return tuple(p.key for p in bank_spec_for(bank=bank).pillars) if bank else ()


def _layout_outdated(state: PoolState) -> bool:
    return (
        state.include_demo != settings.BENCHMARK_INCLUDE_DEMO
        or tuple(state.pillar_keys) != _pillar_layout()
        or state.organisation_rules != organisation_rules().as_json()
        or state.window_months != benchmark_window_months()
    )


def _rebuild(state: PoolState) -> int:
    seq = state.seq + 1
    layout = _pillar_layout()
    include_demo = settings.BENCHMARK_INCLUDE_DEMO
    rules = organisation_rules()
    since = _window_start_now()
    organisation_keys_refresh(rules)
    PoolEntry.objects.all().delete()
    if connection.vendor == "postgresql":
        created = _rebuild_in_sql(layout, include_demo, since, seq)
    else:
        created = _rebuild_in_python(layout, include_demo, since, seq)
    state.seq = state.rebuilt_seq = state.pruned_seq = seq
    state.include_demo = include_demo
    state.pillar_keys = list(layout)
    state.organisation_rules = rules.as_json()
    state.window_months = benchmark_window_months()
    state.window_start = since
    state.save()
    return created


def _rebuild_in_python(
    layout: Sequence[str], include_demo: bool, since: datetime | None, seq: int
) -> int:
    entries = _pool_entries(_scored_responses(), layout, include_demo, since, seq)
    return len(PoolEntry.objects.bulk_create(entries.values(), batch_size=REBUILD_BATCH))


# The rule of `benchmarks.pool.peer_pool` (who counts, and by which response) in one statement,
# for PostgreSQL: a million responses in seconds instead of minutes. A test holds it equal to
# `_rebuild_in_python`, which applies `peer_pool` itself.
_REBUILD_SQL = """
INSERT INTO {entry} (response_id, organisation_key, industry, arr_band, region, overall, pillars,
                     nrr, retention, nps, customers_per_csm, completed_at, added_seq)
SELECT latest.id, latest.organisation_key, latest.industry, latest.arr_band, latest.region,
       latest.overall, latest.pillars, latest.nrr, latest.retention, latest.nps,
       latest.customers_per_csm, latest.completed_at, %(seq)s
FROM (
    SELECT DISTINCT ON (r.organisation_key)
           r.id, r.organisation_key, r.industry, r.arr_band, r.region, r.completed_at,
           (s.overall * 100)::bigint AS overall,
           (s.nrr * 100)::bigint AS nrr, (s.retention * 100)::bigint AS retention,
           (s.nps * 100)::bigint AS nps, (s.customers_per_csm * 100)::bigint AS customers_per_csm,
           p.pillars, p.matching
    FROM {response} r
    JOIN {score} s ON s.response_id = r.id
    CROSS JOIN LATERAL (
        SELECT jsonb_agg((ps.score * 100)::bigint
                         ORDER BY array_position(%(layout)s::text[], ps.pillar_key::text))
                   AS pillars,
               count(*) = cardinality(%(layout)s::text[])
                   AND bool_and(ps.pillar_key = ANY(%(layout)s::text[])) AS matching
        FROM {pillar} ps WHERE ps.response_score_id = s.id
    ) p
    WHERE r.status = %(completed)s AND NOT r.excluded_from_benchmarks
      AND (%(include_demo)s OR NOT r.is_demo) AND r.organisation_key <> ''
    ORDER BY r.organisation_key, r.completed_at DESC, r.id DESC
) latest
WHERE latest.matching AND (%(since)s::timestamptz IS NULL OR latest.completed_at >= %(since)s)
"""


def _rebuild_in_sql(
    layout: Sequence[str], include_demo: bool, since: datetime | None, seq: int
) -> int:
    sql = _REBUILD_SQL.format(
        entry=PoolEntry._meta.db_table,
        response=Response._meta.db_table,
        score=ResponseScore._meta.db_table,
        pillar=PillarScore._meta.db_table,
    )
    params: dict[str, Any] = {
        "seq": seq,
        "layout": list(layout),
        "completed": Response.Status.COMPLETED.value,
        "include_demo": include_demo,
        "since": since,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _scored_responses() -> QuerySet[Response]:
    """Completed responses with kept scores: the candidates `peer_pool` chooses from."""
    return (
        Response.objects.filter(status=Response.Status.COMPLETED, score__isnull=False)
        .select_related("score")
        .prefetch_related("score__pillars")
    )


def _pool_entries(
    responses: QuerySet[Response],
    layout: Sequence[str],
    include_demo: bool,
    since: datetime | None,
    seq: int,
) -> dict[str, PoolEntry]:
    """The pool entries of these responses' organisations, by key, as `peer_pool` chooses."""
    rows = (_pool_row(response, layout) for response in responses.iterator(REBUILD_BATCH))
    return {
        row.organisation_key: _entry_of(row, seq)
        for row in peer_pool(rows, include_demo=include_demo, since=since)
    }


def _pool_row(response: Response, layout: Sequence[str]) -> PoolRow:
    kept = kept_values(score=response.score, layout=layout)
    return PoolRow(
        response_id=response.pk,
        organisation_key=response.organisation_key,
        completed_at=response.completed_at or response.updated_at,
        excluded=response.excluded_from_benchmarks,
        is_demo=response.is_demo,
        industry=response.industry,
        arr_band=response.arr_band,
        region=response.region,
        overall_hundredths=kept.overall,
        pillar_hundredths=kept.pillars,
        kpi_hundredths=kept.kpis,
        comparable=kept.comparable,
    )


def _entry_of(row: PoolRow, seq: int) -> PoolEntry:
    return PoolEntry(
        response_id=row.response_id,
        organisation_key=row.organisation_key,
        completed_at=row.completed_at,
        industry=row.industry or "",
        arr_band=row.arr_band or "",
        region=row.region or "",
        overall=row.overall_hundredths,
        pillars=list(row.pillar_hundredths),
        added_seq=seq,
        **dict(zip(KPI_KEYS, row.kpi_hundredths, strict=True)),
    )


def _values(entry: PoolEntry | None) -> tuple[object, ...] | None:
    if entry is None:
        return None
    return (
        entry.response_id,
        entry.industry,
        entry.arr_band,
        entry.region,
        entry.overall,
        tuple(entry.pillars),
        *(getattr(entry, kpi) for kpi in KPI_KEYS),
    )
