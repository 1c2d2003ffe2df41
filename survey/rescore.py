"""Rescoring stored responses in bulk, e.g. onto a newly published bank version.

Reads go in batches ordered by primary key; each batch is scored with the vectorised path,
compared with what is stored, and only the responses whose numbers changed are written, in one
transaction per batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from scoring.bank import BankSpec
from scoring.errors import ScoringError
from scoring.kpis import kpis_from_answers
from scoring.vectorised import ScoreMatrix, encode_answers, scores_many
from survey.models import PillarScore, QuestionBank, Response, ResponseScore
from survey.selectors import bank_spec_for

HUNDREDTH = Decimal("0.01")


@dataclass
class RescoreReport:
    bank: str
    examined: int = 0
    changed: int = 0
    failed: list[str] = field(default_factory=list)
    # The largest absolute change seen per pillar key, and for the overall score.
    largest_change: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Stored:
    score_id: int
    bank_id: int
    overall: Decimal
    overall_bucket: str
    pillars: dict[str, tuple[Decimal, str]]


def responses_rescore(
    *,
    bank: QuestionBank,
    dry_run: bool = False,
    batch_size: int = 2000,
    on_batch: Callable[[int], None] | None = None,
) -> RescoreReport:
    """Score every completed response of the bank's key against `bank`; report what changed."""
    spec = bank_spec_for(bank=bank)
    report = RescoreReport(bank=f"{bank.key} v{bank.version}")
    completed = Response.objects.filter(
        bank__key=bank.key, status=Response.Status.COMPLETED
    ).order_by("pk")
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(completed.filter(pk__gt=last_pk).values_list("pk", "answers")[:batch_size])
            if not batch:
                break
            _rescore_batch(spec, bank, batch, report, dry_run)
            if dry_run:
                transaction.set_rollback(True)
        last_pk = batch[-1][0]
        if on_batch is not None:
            on_batch(len(batch))
    return report


def responses_to_rescore(*, bank: QuestionBank) -> int:
    return Response.objects.filter(bank__key=bank.key, status=Response.Status.COMPLETED).count()


def _rescore_batch(
    spec: BankSpec,
    bank: QuestionBank,
    batch: list[tuple[int, dict]],
    report: RescoreReport,
    dry_run: bool,
) -> None:
    scorable, matrix = _scores_skipping_failures(spec, batch, report)
    stored = _stored_scores([pk for pk, _ in scorable])
    now = timezone.now()
    changed_scores: list[ResponseScore] = []
    new_pillars: list[PillarScore] = []
    for row, (pk, answers) in enumerate(scorable):
        report.examined += 1
        overall = Decimal(int(matrix.overall_hundredths[row])) * HUNDREDTH
        overall_bucket = spec.buckets[int(matrix.overall_bucket_index[row])].key
        pillars = {
            key: (
                Decimal(int(matrix.pillar_hundredths[row, column])) * HUNDREDTH,
                spec.buckets[int(matrix.pillar_bucket_index[row, column])].key,
            )
            for column, key in enumerate(matrix.pillar_keys)
        }
        before = stored.get(pk)
        if before is not None and not _differs(before, bank.pk, overall, overall_bucket, pillars):
            continue
        report.changed += 1
        _note_largest_changes(report, before, overall, pillars)
        kpis = kpis_from_answers(spec=spec, answers=answers)
        score = ResponseScore(
            id=before.score_id if before else None, response_id=pk, bank=bank,
            overall=overall, overall_bucket=overall_bucket, nrr=kpis.nrr,
            retention=kpis.retention, nps=kpis.nps, customers_per_csm=kpis.customers_per_csm,
            scored_at=now,
        )  # fmt: skip
        changed_scores.append(score)
        new_pillars += [
            PillarScore(response_score=score, pillar_key=key, position=position,
                        score=value, bucket=bucket)
            for position, (key, (value, bucket)) in enumerate(pillars.items())
        ]  # fmt: skip
    if not dry_run and changed_scores:
        _write(changed_scores, new_pillars)


def _scores_skipping_failures(
    spec: BankSpec, batch: list[tuple[int, dict]], report: RescoreReport
) -> tuple[list[tuple[int, dict]], ScoreMatrix]:
    """Score the batch; a response that cannot be scored on this bank is reported and left out."""
    scorable = list(batch)
    while True:
        try:
            encoded = encode_answers(spec=spec, answers_list=[answers for _, answers in scorable])
            return scorable, scores_many(spec=spec, encoded=encoded)
        except ScoringError as error:
            if error.response_index is None:
                raise
            pk, _ = scorable.pop(error.response_index)
            report.failed.append(
                f"Response #{pk}: question {error.question_number}: {error.problem}"
            )


def _stored_scores(response_ids: list[int]) -> dict[int, _Stored]:
    rows = ResponseScore.objects.filter(response_id__in=response_ids).values_list(
        "pk", "response_id", "bank_id", "overall", "overall_bucket"
    )
    pillars: dict[int, dict[str, tuple[Decimal, str]]] = {}
    for score_id, key, value, bucket in PillarScore.objects.filter(
        response_score__response_id__in=response_ids
    ).values_list("response_score_id", "pillar_key", "score", "bucket"):
        pillars.setdefault(score_id, {})[key] = (value, bucket)
    return {
        response_id: _Stored(score_id, bank_id, overall, bucket, pillars.get(score_id, {}))
        for score_id, response_id, bank_id, overall, bucket in rows
    }


def _differs(
    before: _Stored,
    bank_id: int,
    overall: Decimal,
    overall_bucket: str,
    pillars: dict[str, tuple[Decimal, str]],
) -> bool:
    return (before.bank_id, before.overall, before.overall_bucket, before.pillars) != (
        bank_id, overall, overall_bucket, pillars,
    )  # fmt: skip


def _note_largest_changes(
    report: RescoreReport,
    before: _Stored | None,
    overall: Decimal,
    pillars: dict[str, tuple[Decimal, str]],
) -> None:
    if before is None:
        return
    changes = {"overall": abs(overall - before.overall)}
    for key, (value, _) in pillars.items():
        if key in before.pillars:
            changes[key] = abs(value - before.pillars[key][0])
    for key, change in changes.items():
        report.largest_change[key] = max(report.largest_change.get(key, Decimal(0)), change)


def _write(scores: list[ResponseScore], pillars: list[PillarScore]) -> None:
    existing = [score for score in scores if score.id is not None]
    missing = [score for score in scores if score.id is None]
    ResponseScore.objects.bulk_update(
        existing,
        ["bank", "overall", "overall_bucket", "nrr", "retention", "nps", "customers_per_csm",
         "scored_at"],
        batch_size=1000,
    )  # fmt: skip
    ResponseScore.objects.bulk_create(missing)
    PillarScore.objects.filter(response_score_id__in=[score.id for score in existing]).delete()
    PillarScore.objects.bulk_create(pillars, batch_size=2000)
