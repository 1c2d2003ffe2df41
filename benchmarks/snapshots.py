"""The pool snapshot: the outcome lens and option adoption, refreshed by a worker, and the reads
that feed pages, PDF and API from it.

A comparison is made on the request path and must stay fast at a million pool entries, so these
statistics of the whole pool are not computed per request: `pool_snapshot_refresh` computes them
(`benchmarks.outcomes`) from the pool as it stood at one change number and keeps them; a
comparison records the latest snapshot (`benchmark_compute`) and is shown with it ever after.
A refresh is queued after a pool change commits, at most once per OUTCOME_SNAPSHOT_MIN_SECONDS
(`benchmarks.tasks.refresh_pool_snapshot`), and beat asks for one regularly (rebuilds and
rescores change the pool without a sync).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, ProtectedError
from django.utils import timezone

from benchmarks.models import PoolEntry, PoolSnapshot, ResponseBenchmark
from benchmarks.outcomes import (
    OUTCOME_KPIS,
    OVERALL,
    OVERALL_LABEL,
    Adoption,
    AdoptionCounter,
    OptionKey,
    OutcomeLens,
    adoption_from_json,
    adoption_to_json,
    answers_translated,
    code_translation,
    lens_from_json,
    lens_to_json,
    option_shares,
    outcome_lens,
)
from benchmarks.selectors import _as_of, benchmark_k, pool_entry_of, pool_state
from benchmarks.services import peer_pool_ensure_current
from responses.models import QuestionBank, Response, ResponseScore
from responses.selectors import Results, bank_by_id, bank_current, bank_spec_for
from scoring.bank import BankSpec, BucketSpec
from scoring.plan import PillarPlan, next_bucket_plan
from scoring.scores import bucket_above, bucket_for, pillar_questions, response_score

logger = logging.getLogger(__name__)
KEEP_LATEST = 3  # snapshots kept besides those comparisons refer to
ROW_BATCH = 5000


def pool_snapshot_latest() -> PoolSnapshot | None:
    return PoolSnapshot.objects.first()


def pool_snapshot_outdated() -> bool:
    """Whether the pool, K or the published bank changed since the latest snapshot."""
    latest = pool_snapshot_latest()
    bank = bank_current()
    return latest is None or (
        latest.pool_seq != pool_state().seq
        or latest.k != benchmark_k()
        or latest.bank_id != (bank.pk if bank else None)
    )


def pool_snapshot_wait() -> float:
    """Seconds before a refresh may run: OUTCOME_SNAPSHOT_MIN_SECONDS after the latest one."""
    latest = pool_snapshot_latest()
    if latest is None:
        return 0.0
    since = (timezone.now() - latest.computed_at).total_seconds()
    return max(0.0, float(settings.OUTCOME_SNAPSHOT_MIN_SECONDS) - since)


def pool_snapshot_refresh() -> PoolSnapshot | None:
    """Compute and keep a snapshot of the pool as it stands, when it is outdated; then delete
    the old ones no comparison refers to. None when there was nothing to do (or no bank)."""
    state = peer_pool_ensure_current()
    bank = bank_current()
    if bank is None or not pool_snapshot_outdated():
        return None
    spec = bank_spec_for(bank=bank)
    layout = tuple(state.pillar_keys)
    computed_at = timezone.now()
    adoption = AdoptionCounter(spec=spec, layout=layout)
    scores, kpis = _pool_columns(state.seq, layout, spec, adoption)
    lens = outcome_lens(
        scores=scores,
        kpis=kpis,
        metrics=[(OVERALL, OVERALL_LABEL), *_pillar_labels(spec, layout)],
        buckets=spec.buckets,
        k=benchmark_k(),
        as_of=computed_at,
    )
    snapshot = PoolSnapshot.objects.create(
        pool_seq=state.seq,
        computed_at=computed_at,
        k=lens.k,
        organisations=len(scores),
        bank=bank,
        pillar_keys=list(layout),
        lens=lens_to_json(lens),
        adoption=adoption_to_json(adoption.result()),
    )
    _old_snapshots_delete()
    return snapshot


def _pillar_labels(spec: BankSpec, layout: Sequence[str]) -> list[tuple[str, str]]:
    names = {pillar.key: pillar.name for pillar in spec.pillars}
    return [(key, names.get(key, key)) for key in layout]


def _pool_columns(
    seq: int, layout: Sequence[str], spec: BankSpec, adoption: AdoptionCounter
) -> tuple[np.ndarray, np.ndarray]:
    """The pool at `seq`: kept scores (overall, pillars) and outcome KPIs (NaN unknown), read
    in one streamed query; the answers of every organisation whose answers can be read go to
    `adoption` in `spec`'s option codes (another bank version's matched by question and text)."""
    rows = (
        PoolEntry.objects.filter(_as_of(seq))
        .order_by()
        .values_list("overall", "pillars", *OUTCOME_KPIS, "response__answers", "response__bank_id")
    )
    translations = _Translations(spec)
    scores: list[list[int]] = []
    kpis: list[list[float]] = []
    for overall, pillars, *values, answers, bank_id in rows.iterator(chunk_size=ROW_BATCH):
        scores.append([overall, *pillars])
        kpis.append([np.nan if value is None else float(value) for value in values])
        readable = translations.answers(answers, bank_id)
        if readable is not None:
            adoption.add(pillars, readable)
    return (
        np.array(scores, dtype=np.int64).reshape(-1, 1 + len(layout)),
        np.array(kpis, dtype=np.float64).reshape(-1, len(OUTCOME_KPIS)),
    )


class _Translations:
    """Answers of any bank version in one bank's option codes (each other version read once)."""

    def __init__(self, spec: BankSpec) -> None:
        self.spec = spec
        self.tables: dict[int, dict[OptionKey, int] | None] = {}

    def answers(self, answers: object, bank_id: int | None) -> Mapping[str, object] | None:
        if not isinstance(answers, dict) or bank_id is None:
            return None  # its response was deleted
        if bank_id not in self.tables:
            other = bank_spec_for(bank=bank_by_id(bank_id=bank_id))
            same = (other.key, other.version) == (self.spec.key, self.spec.version)
            self.tables[bank_id] = (
                None if same else code_translation(source=other, target=self.spec)
            )
        table = self.tables[bank_id]
        return answers if table is None else answers_translated(answers, table)


def _old_snapshots_delete() -> None:
    keep = list(PoolSnapshot.objects.values_list("pk", flat=True)[:KEEP_LATEST])
    referred = ResponseBenchmark.objects.filter(snapshot=OuterRef("pk"))
    old = PoolSnapshot.objects.exclude(pk__in=keep).filter(~Exists(referred))
    try:
        with transaction.atomic():
            old.delete()
    except (ProtectedError, IntegrityError):  # a comparison took one meanwhile: next time
        logger.info("Old pool snapshots are kept until the next refresh")


# --- reads --------------------------------------------------------------------------------


def outcome_lens_for(*, benchmark: ResponseBenchmark) -> OutcomeLens | None:
    """The outcome lens a kept comparison was shown with; None when it was kept without one."""
    snapshot = _snapshot_of(benchmark)
    return None if snapshot is None else snapshot.lens


@dataclass(frozen=True, slots=True)
class _ReadSnapshot:
    """A snapshot as read once by this process: a snapshot never changes after it is written,
    so every results page and report of its comparisons can share one reading."""

    pk: int
    pool_seq: int
    k: int
    bank: QuestionBank | None
    pillar_keys: tuple[str, ...]
    lens: OutcomeLens
    adoption: Adoption


@lru_cache(maxsize=16)
def _snapshot_read(snapshot_id: int) -> _ReadSnapshot | None:
    snapshot = PoolSnapshot.objects.filter(pk=snapshot_id).select_related("bank").first()
    if snapshot is None:
        return None
    return _ReadSnapshot(
        pk=snapshot.pk,
        pool_seq=snapshot.pool_seq,
        k=snapshot.k,
        bank=snapshot.bank,
        pillar_keys=tuple(snapshot.pillar_keys),
        lens=lens_from_json(snapshot.lens),
        adoption=adoption_from_json(snapshot.adoption),
    )


def outcome_lens_shown(*, benchmark: ResponseBenchmark | None) -> OutcomeLens | None:
    """The lens a page or report shows beside a comparison: the one kept with it, else (a
    comparison made before the first snapshot, or none made yet) the latest, with its own date."""
    kept = outcome_lens_for(benchmark=benchmark) if benchmark is not None else None
    return kept if kept is not None else outcome_lens_latest()


def outcome_lens_latest() -> OutcomeLens | None:
    """The latest snapshot's lens (the API's); None before the first refresh."""
    latest = PoolSnapshot.objects.values_list("pk", flat=True).first()
    read = _snapshot_read(latest) if latest is not None else None
    return None if read is None else read.lens


def peer_roadmap(
    *,
    response: Response,
    benchmark: ResponseBenchmark | None,
    max_steps: int = 3,
    spec: BankSpec | None = None,
) -> tuple[PillarPlan, ...]:
    """The next-bucket plan of each pillar below the top bucket, its steps ranked by the points
    they gain and then by the share of peers one bucket up (in that pillar) who already chose
    the option, as the comparison's snapshot counted them, leaving out the respondent's own
    organisation. A step's `share` and a plan's `peers` are None where that bucket has fewer
    than K peers, where the comparison was kept without a snapshot, or where the respondent's
    own pool entry of then can no longer be read (no shares rather than wrong ones); `peers`
    also where the outcome lens withholds that bucket."""
    if spec is None:  # the bank the response is scored against, unless the caller has it
        stored = ResponseScore.objects.select_related("bank").get(response=response)
        spec = bank_spec_for(bank=stored.bank)
    scores = response_score(spec=spec, answers=response.answers)
    above = {
        pillar.key: bucket
        for pillar in scores.pillars
        if (bucket := bucket_above(pillar.bucket, spec.buckets)) is not None
    }
    snapshot = _snapshot_of(benchmark)
    counted = _peer_shares(response, spec, snapshot, above) if snapshot is not None else None
    counted = counted or {}
    plans = next_bucket_plan(
        spec=spec,
        answers=response.answers,
        scores=scores,
        max_steps=max_steps,
        shares={key: shares for key, (_, shares) in counted.items()},
    )
    return tuple(
        replace(plan, peers=counted[plan.pillar_key][0]) if plan.pillar_key in counted else plan
        for plan in plans
    )


def results_with_peer_roadmap(*, results: Results, benchmark: ResponseBenchmark | None) -> Results:
    """The results with each pillar's plan ranked and annotated by `peer_roadmap`: what the
    results page and the report print."""
    plans = {
        plan.pillar_key: plan
        for plan in peer_roadmap(response=results.response, benchmark=benchmark, spec=results.spec)
    }
    return replace(
        results,
        pillars=tuple(replace(pillar, plan=plans.get(pillar.key)) for pillar in results.pillars),
    )


def snapshot_reads_forget() -> None:
    """Drop this process's readings of snapshots (tests, whose rolled-back transactions reuse
    ids; a real database never gives a deleted snapshot's id to another)."""
    _snapshot_read.cache_clear()


def _snapshot_of(benchmark: ResponseBenchmark | None) -> _ReadSnapshot | None:
    if benchmark is None or benchmark.snapshot_id is None:
        return None
    return _snapshot_read(benchmark.snapshot_id)


PillarShares = dict[str, tuple[int | None, dict[OptionKey, int]]]


def _peer_shares(
    response: Response, spec: BankSpec, snapshot: _ReadSnapshot, above: Mapping[str, BucketSpec]
) -> PillarShares | None:
    """Per pillar: the peers in the bucket `above` the respondent's, and each option's share,
    in `spec`'s codes. None when the respondent's own entry of then cannot be read."""
    if snapshot.bank is None:
        return None
    counted_spec = bank_spec_for(bank=snapshot.bank)
    readable, own = _own_entry(response, snapshot, counted_spec)
    if not readable:
        return None
    adoption, lens = snapshot.adoption, snapshot.lens
    shown = {(m.key, cell.key) for m in lens.metrics for cell in m.buckets if cell.enough_peers}
    translation = (
        None
        if (spec.key, spec.version) == (counted_spec.key, counted_spec.version)
        else code_translation(source=counted_spec, target=spec)
    )
    found: PillarShares = {}
    for position, pillar in enumerate(snapshot.pillar_keys):
        bucket = above.get(pillar)
        counts = adoption.get(pillar, {}).get(bucket.key) if bucket else None
        if bucket is None or counts is None:
            continue
        own_here = own is not None and _bucket_of(own[0][position], counted_spec) == bucket
        peers, shares = option_shares(
            adoption=counts,
            questions=pillar_questions(counted_spec, pillar),
            own_answers=own[1] if own is not None and own_here else None,
            k=snapshot.k,
        )
        if translation is not None:
            shares = {
                (number, translation[(number, code)]): share
                for (number, code), share in shares.items()
                if (number, code) in translation
            }
        found[pillar] = (peers if (pillar, bucket.key) in shown else None, shares)
    return found


OwnEntry = tuple[Sequence[int], Mapping[str, object]]  # pillar scores (hundredths), answers


def _own_entry(
    response: Response, snapshot: _ReadSnapshot, spec: BankSpec
) -> tuple[bool, OwnEntry | None]:
    """Whether the respondent's own pool entry at the snapshot's change number can be read
    (not pruned since, its response not deleted), and that entry: its pillar scores and its
    answers in `spec`'s codes (None when they had none)."""
    if snapshot.pool_seq < pool_state().pruned_seq:
        return False, None
    entry = pool_entry_of(organisation_key=response.organisation_key, seq=snapshot.pool_seq)
    if entry is None:
        return True, None
    if entry.response_id is None:
        return False, None
    found = Response.objects.filter(pk=entry.response_id).values_list("answers", "bank_id").first()
    answers = _Translations(spec).answers(*found) if found else None
    return answers is not None, None if answers is None else (entry.pillars, answers)


def _bucket_of(hundredths: int, spec: BankSpec) -> BucketSpec:
    return bucket_for(Decimal(hundredths).scaleb(-2), spec.buckets)
