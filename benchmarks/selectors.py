"""Reads for peer benchmarks: the live peer index of this process, an organisation's own pool
entry, and a response's stored comparison.

Each process keeps one `PeerIndex` in memory (a few megabytes: counts, not rows). Before each use
it reads the pool's change number; when others have changed the pool since, it applies just the
entries opened and closed in between, so a completion anywhere shows up in the next comparison
made anywhere. After a rebuild, or when the history it needs was pruned, it loads the pool again.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Q

from benchmarks.groups import Comparison, GroupKey, RespondentValues
from benchmarks.index import DIMENSIONS, PeerIndex
from benchmarks.models import PoolEntry, PoolState, ResponseBenchmark
from benchmarks.percentiles import MEDIAN, CountedSample, shown
from benchmarks.pool import PoolMember, hundredths
from benchmarks.stored import comparison_from_json
from responses.models import Response, ResponseScore
from scoring.kpis import KPI_KEYS

POOL_STATE_ID = 1


def benchmark_k() -> int:
    """K: no peer statistic is shown over fewer peers than this (SCORING.md §4). Everything asks
    here; the setting BENCHMARK_K is read nowhere else."""
    return int(settings.BENCHMARK_K)


def benchmark_window_months() -> int:
    """Only responses completed within this many months count as peers (0: all). Everything
    asks here; the setting BENCHMARK_WINDOW_MONTHS is read nowhere else."""
    return int(settings.BENCHMARK_WINDOW_MONTHS)


def pool_state() -> PoolState:
    state, _ = PoolState.objects.get_or_create(pk=POOL_STATE_ID)
    return state


@dataclass(slots=True)
class LiveIndex:
    index: PeerIndex
    seq: int
    rebuilt_seq: int
    pillar_keys: tuple[str, ...]


_live: LiveIndex | None = None
_live_lock = threading.Lock()


@contextmanager
def peer_index_current(state: PoolState | None = None) -> Iterator[LiveIndex]:
    """This process's index, brought up to the pool's latest change number, held for reading
    (another thread of this process waits rather than change it mid-comparison). `state`: the
    pool's state if the caller has just read it."""
    global _live
    state = state or pool_state()
    with _live_lock:
        live = _live
        if (
            live is None
            or live.rebuilt_seq != state.rebuilt_seq
            or live.seq < state.pruned_seq
            or live.seq > state.seq
        ):
            live = _live = peer_index_load(state)
        elif live.seq < state.seq:
            _catch_up(live, state.seq)
        yield live


def peer_index_forget() -> None:
    """Drop this process's index (tests, whose rolled-back transactions rewind the pool)."""
    global _live
    with _live_lock:
        _live = None


def peer_index_load(state: PoolState) -> LiveIndex:
    """The whole pool as it stood at `state.seq`, read in one query."""
    pillar_keys = tuple(state.pillar_keys)
    frame = _entries_frame(state.seq, len(pillar_keys))
    metric_columns = ["overall", *[f"p{i}" for i in range(len(pillar_keys))], *KPI_KEYS]
    metrics = frame[metric_columns]
    profiles = {}
    for key in DIMENSIONS:
        codes, labels = pd.factorize(frame[key.value], use_na_sentinel=False)
        profiles[key] = (
            codes.astype(np.int32),
            tuple(str(label) or None for label in labels),
        )
    index = PeerIndex.from_columns(
        values=metrics.fillna(0).to_numpy(dtype=np.int64),
        known=metrics.notna().to_numpy(),
        profiles=profiles,
        pillar_keys=pillar_keys,
        kpi_keys=KPI_KEYS,
    )
    return LiveIndex(index, state.seq, state.rebuilt_seq, pillar_keys)


def _as_of(seq: int) -> Q:
    return Q(added_seq__lte=seq) & (Q(removed_seq__isnull=True) | Q(removed_seq__gt=seq))


def _entries_frame(seq: int, pillar_count: int) -> pd.DataFrame:
    columns = ["industry", "arr_band", "region", "overall"]
    pillar_columns = [f"p{i}" for i in range(pillar_count)]
    if connection.vendor == "postgresql":
        # COPY streams a million rows as CSV for pandas' C parser: seconds, not minutes.
        pillars = ", ".join(f"(pillars->>{i})::bigint" for i in range(pillar_count))
        sql = (
            f"COPY (SELECT industry, arr_band, region, overall, {pillars}, "
            f"{', '.join(KPI_KEYS)} FROM {PoolEntry._meta.db_table} "
            f"WHERE added_seq <= {int(seq)} AND (removed_seq IS NULL OR removed_seq > {int(seq)})"
            ") TO STDOUT WITH (FORMAT csv)"
        )
        buffer = io.BytesIO()
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        return pd.read_csv(
            buffer,
            header=None,
            names=[*columns, *pillar_columns, *KPI_KEYS],
            dtype={"industry": str, "arr_band": str, "region": str},
            keep_default_na=False,
            na_values={key: [""] for key in KPI_KEYS},
        )
    rows = [
        (*row[:4], *row[4], *row[5:])
        for row in PoolEntry.objects.filter(_as_of(seq)).values_list(
            "industry", "arr_band", "region", "overall", "pillars", *KPI_KEYS
        )
    ]
    return pd.DataFrame(rows, columns=[*columns, *pillar_columns, *KPI_KEYS]).astype(
        {key: "Float64" for key in KPI_KEYS}
    )


def _catch_up(live: LiveIndex, seq: int) -> None:
    """Apply the entries closed and opened after `live.seq`, up to `seq`."""
    changed = PoolEntry.objects.filter(
        Q(added_seq__gt=live.seq, added_seq__lte=seq)
        | Q(removed_seq__gt=live.seq, removed_seq__lte=seq)
    ).order_by("pk")
    for entry in changed:
        was_in = entry.added_seq <= live.seq
        is_in = entry.removed_seq is None or entry.removed_seq > seq
        if was_in and not is_in:
            live.index.remove(pool_member(entry))
        elif is_in and not was_in:
            live.index.add(pool_member(entry))
    live.seq = seq


def pool_member(entry: PoolEntry) -> PoolMember:
    return PoolMember(
        industry=entry.industry or None,
        arr_band=entry.arr_band or None,
        region=entry.region or None,
        metric_hundredths=(
            entry.overall,
            *entry.pillars,
            *(getattr(entry, key) for key in KPI_KEYS),
        ),
    )


def pool_entry_of(*, organisation_key: str, seq: int) -> PoolEntry | None:
    """The organisation's entry as the pool stood at change `seq` (its latest counting
    response); None for no organisation."""
    if not organisation_key:
        return None
    return PoolEntry.objects.filter(_as_of(seq), organisation_key=organisation_key).first()


@dataclass(frozen=True, slots=True)
class StoredBenchmark:
    comparison: Comparison
    computed_at: datetime
    k: int
    pool_size: int | None  # peers in "all respondents"; None when that group is under K
    benchmark_id: int = 0  # the ResponseBenchmark row (a report names the one it printed)
    pool_seq: int = 0  # the pool as it stood at this change number


def benchmark_kept_latest(*, response: Response) -> ResponseBenchmark | None:
    """The comparison kept last for this response (the model's ordering: newest first)."""
    return ResponseBenchmark.objects.filter(response=response).first()


def benchmark_latest(*, response: Response) -> StoredBenchmark | None:
    stored = benchmark_kept_latest(response=response)
    return None if stored is None else stored_benchmark(stored)


def stored_benchmark(stored: ResponseBenchmark) -> StoredBenchmark:
    """A kept comparison as pages and reports read it."""
    return StoredBenchmark(
        comparison=comparison_from_json(stored.comparison),
        computed_at=stored.computed_at,
        k=stored.k,
        pool_size=stored.pool_size,
        benchmark_id=stored.pk,
        pool_seq=stored.pool_seq,
    )


def active_entries_for(*, organisation_keys: Iterable[str]) -> dict[str, PoolEntry]:
    entries = PoolEntry.objects.filter(
        organisation_key__in=list(organisation_keys), removed_seq__isnull=True
    )
    return {entry.organisation_key: entry for entry in entries}


@dataclass(frozen=True, slots=True)
class PoolMedians:
    n: int
    overall: Decimal
    pillars: dict[str, Decimal]


def pool_medians() -> PoolMedians | None:
    """The median of every pillar over the whole pool, or None under K peers (nothing shown)."""
    k = benchmark_k()
    with peer_index_current() as live:
        group = live.index.groups.get((GroupKey.ALL, None))
        if group is None or group.size < k:
            return None
        medians = [
            shown(CountedSample.without(counts, ()).quantile(MEDIAN)) for counts in group.metrics
        ]
        return PoolMedians(
            n=group.size,
            overall=medians[0],
            pillars=dict(
                zip(live.pillar_keys, medians[1 : 1 + len(live.pillar_keys)], strict=True)
            ),
        )


@dataclass(frozen=True, slots=True)
class KeptValues:
    """A response's kept values in hundredths, as the pool and a comparison read them."""

    overall: int
    pillars: tuple[int, ...]  # in the pool's pillar order
    kpis: tuple[int | None, ...]  # in KPI_KEYS order
    comparable: bool  # False: scored against other pillars than the pool's


def kept_values(*, score: ResponseScore, layout: Sequence[str]) -> KeptValues:
    pillars = {row.pillar_key: hundredths(row.score) for row in score.pillars.all()}
    overall = hundredths(score.overall)
    assert overall is not None  # a kept overall score is never unknown
    return KeptValues(
        overall=overall,
        pillars=tuple(pillars.get(key) or 0 for key in layout),
        kpis=tuple(hundredths(getattr(score, key)) for key in KPI_KEYS),
        comparable=set(pillars) == set(layout),
    )


def respondent_values(*, response: Response, layout: Sequence[str]) -> RespondentValues | None:
    """A completed response's kept values, in the pool's pillar order; None when it was scored
    against other pillars (not comparable)."""
    score = ResponseScore.objects.filter(response=response).first()
    if score is None:
        return None
    kept = kept_values(score=score, layout=layout)
    if not kept.comparable:
        return None
    return RespondentValues(
        organisation_key=response.organisation_key,
        industry=response.industry or None,
        arr_band=response.arr_band or None,
        region=response.region or None,
        overall_hundredths=kept.overall,
        pillar_hundredths=kept.pillars,
        kpi_hundredths=kept.kpis,
    )
