"""Rescoring stored responses in bulk, e.g. onto a newly published bank version.

Reads go in batches ordered by primary key, one transaction per batch. Each batch is scored
with the vectorised path and compared with what is stored as integer hundredths in numpy; only
the responses whose numbers changed are written, and of their pillar rows only those that
differ. On PostgreSQL the writes are set-based UPDATEs fed with arrays; other databases (SQLite
in development and tests) take the ORM's `bulk_update` to the same end.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from responses.json_columns import values_with_json
from responses.kept_scores import KPI_COLUMNS, pillar_rows, score_row
from responses.models import PillarScore, QuestionBank, Response, ResponseScore
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec
from scoring.errors import ScoringError
from scoring.kpis import Kpis, kpis_from_answers
from scoring.vectorised import EncodedAnswers, ScoreMatrix, encode_answers, scores_many

MISSING = -1  # in an id, hundredths or bucket index column: nothing is stored there
Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]


@dataclass
class RescoreReport:
    bank: str
    examined: int = 0
    changed: int = 0
    failed: list[str] = field(default_factory=list)
    # The largest absolute change seen per pillar key, and for the overall score.
    largest_change: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Scored:
    """The responses of a batch that could be scored, with their new scores row for row."""

    response_ids: list[int]
    answers: list[dict[str, Any]]
    matrix: ScoreMatrix
    bucket_keys: npt.NDArray[np.object_]  # the bank's bucket keys, for the matrix's indexes


@dataclass(frozen=True, slots=True)
class _Stored:
    """What is stored for a batch, row for row with `_Scored` and its pillar columns."""

    score_id: Ints
    bank_id: Ints
    overall: Ints  # hundredths
    overall_bucket: Ints  # index into the bank's buckets; MISSING for a key it does not have
    pillar_id: Ints  # (responses, pillars) from here on
    pillar: Ints
    pillar_bucket: Ints
    position: Ints
    foreign_pillars: Flags  # (responses,): rows stored for pillars this bank does not have

    @classmethod
    def nothing(cls, responses: int, pillars: int) -> _Stored:
        def missing(*shape: int) -> Ints:
            return np.full(shape, MISSING, dtype=np.int64)

        return cls(
            missing(responses),
            missing(responses),
            missing(responses),
            missing(responses),
            missing(responses, pillars),
            missing(responses, pillars),
            missing(responses, pillars),
            missing(responses, pillars),
            np.zeros(responses, dtype=np.bool_),
        )

    @property
    def has_score(self) -> Flags:
        return self.score_id != MISSING

    @property
    def has_exactly_the_pillars(self) -> Flags:
        return (self.pillar_id != MISSING).all(axis=1) & ~self.foreign_pillars


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
    completed = _completed_responses(bank).order_by("pk")
    last_pk = 0
    with objects_so_far_left_out_of_garbage_collection():
        while True:
            with transaction.atomic():
                batch = values_with_json(
                    completed.filter(pk__gt=last_pk)[:batch_size],
                    "pk",
                    "answers",
                    json_fields=("answers",),
                )
                if not batch:
                    break
                _rescore_batch(spec, bank, batch, report, dry_run)
                if dry_run:
                    transaction.set_rollback(True)
            last_pk = batch[-1][0]
            if on_batch is not None:
                on_batch(len(batch))
    return report


@contextmanager
def objects_so_far_left_out_of_garbage_collection() -> Iterator[None]:
    """Freeze the objects the process holds so far (Django's among them) while rescoring.

    The batches' many new objects set off full garbage collections, and each would scan all of
    those too: about 15 % of the time on 100,000 responses. If objects are frozen already, that
    freeze is someone else's to undo, and nothing changes.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def responses_to_rescore(*, bank: QuestionBank) -> int:
    return _completed_responses(bank).count()


def _completed_responses(bank: QuestionBank) -> QuerySet[Response]:
    # The bank ids as values, not a join on the bank table: it changes too rarely for
    # autovacuum to analyze it, and without statistics the join plan reads and sorts every
    # remaining response for each batch (90 ms a batch on 100,000 responses, against 2 ms).
    bank_ids = list(QuestionBank.objects.filter(key=bank.key).values_list("pk", flat=True))
    return Response.objects.filter(bank_id__in=bank_ids, status=Response.Status.COMPLETED)


def _rescore_batch(
    spec: BankSpec,
    bank: QuestionBank,
    batch: list[tuple[int, dict[str, Any]]],
    report: RescoreReport,
    dry_run: bool,
) -> None:
    scored = _scores_skipping_failures(spec, batch, report)
    stored = _stored_scores(spec, scored)
    changed = _changed_responses(scored.matrix, stored, bank.pk)
    kpis = _kpis_skipping_failures(spec, scored, changed, report)
    # A changed response whose KPIs cannot be read is reported (above) and left as stored.
    unreadable = [row for row in np.flatnonzero(changed).tolist() if row not in kpis]
    changed[unreadable] = False
    report.examined += len(scored.response_ids) - len(unreadable)
    report.changed += len(kpis)
    _note_largest_changes(report, scored.matrix, stored, changed)
    if not dry_run and kpis:
        _write(bank, scored, stored, changed, kpis)


# ---- Scoring


def _scores_skipping_failures(
    spec: BankSpec, batch: list[tuple[int, dict[str, Any]]], report: RescoreReport
) -> _Scored:
    """Score the batch; a response that cannot be scored on this bank is reported and left out.

    After a failure only the rest of the batch is encoded again, and the part before it (the
    exception discarded its encoding): a batch full of failures costs about two encodings.
    """
    kept: list[tuple[int, dict[str, Any]]] = []
    parts: list[EncodedAnswers] = []
    rest = batch
    while rest:
        try:
            parts.append(_encoded(spec, rest))
            kept += rest
            break
        except ScoringError as error:
            if error.response_index is None:
                raise
            index = error.response_index
            good, (pk, _), rest = rest[:index], rest[index], rest[index + 1 :]
            if good:
                parts.append(_encoded(spec, good))
                kept += good
            report.failed.append(
                f"Response #{pk}: question {error.question_number}: {error.problem}"
            )
    return _Scored(
        response_ids=[pk for pk, _ in kept],
        answers=[answers for _, answers in kept],
        matrix=scores_many(spec=spec, encoded=_joined(spec, parts)),
        bucket_keys=np.array([bucket.key for bucket in spec.buckets], dtype=object),
    )


def _encoded(spec: BankSpec, responses: Sequence[tuple[int, dict[str, Any]]]) -> EncodedAnswers:
    return encode_answers(spec=spec, answers_list=[answers for _, answers in responses])


def _joined(spec: BankSpec, parts: list[EncodedAnswers]) -> EncodedAnswers:
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return _encoded(spec, [])
    codes = np.concatenate([part.codes for part in parts])
    return EncodedAnswers(bank=parts[0].bank, codes=codes)


def _kpis_skipping_failures(
    spec: BankSpec, scored: _Scored, changed: Flags, report: RescoreReport
) -> dict[int, Kpis]:
    """The KPIs of the changed rows (only those are written); a row that fails is reported."""
    kpis = {}
    for row in np.flatnonzero(changed).tolist():
        try:
            kpis[row] = kpis_from_answers(spec=spec, answers=scored.answers[row])
        except ScoringError as error:
            report.failed.append(
                f"Response #{scored.response_ids[row]}: "
                f"question {error.question_number}: {error.problem}"
            )
    return kpis


# ---- Reading and comparing what is stored


# Plain SQL that SQLite and PostgreSQL both run: the ORM's per-value work on `__in` lists and
# per-row converters cost more than the queries. Scores come as whole hundredths, rounded
# before the cast because SQLite keeps decimals as floats (3.03 × 100 = 302.99…).
# A batch's scores are found by their responses' primary key range, cheaper to send and plan
# than a list of ids. The bank key leaves out other questionnaires' responses in the range (a
# score is always on a version of its response's questionnaire); the few others that are in it
# (responses that cannot be scored now) are read and left aside.
STORED_SCORES_SQL = f"""
    SELECT response_id, id, bank_id, CAST(ROUND(overall * 100) AS integer), overall_bucket
    FROM {ResponseScore._meta.db_table}
    WHERE response_id BETWEEN %s AND %s
      AND bank_id IN (SELECT id FROM {QuestionBank._meta.db_table} WHERE key = %s)
"""
STORED_PILLARS_SQL = f"""
    SELECT pillar.response_score_id, pillar.id, pillar.pillar_key, pillar.position,
           CAST(ROUND(pillar.score * 100) AS integer), pillar.bucket
    FROM {PillarScore._meta.db_table} AS pillar
    JOIN {ResponseScore._meta.db_table} AS score ON score.id = pillar.response_score_id
    WHERE score.response_id BETWEEN %s AND %s
      AND score.bank_id IN (SELECT id FROM {QuestionBank._meta.db_table} WHERE key = %s)
"""


def _stored_scores(spec: BankSpec, scored: _Scored) -> _Stored:
    stored = _Stored.nothing(len(scored.response_ids), len(scored.matrix.pillar_keys))
    if not scored.response_ids:
        return stored
    bucket_index = {bucket.key: index for index, bucket in enumerate(spec.buckets)}
    params: list[Any] = [scored.response_ids[0], scored.response_ids[-1], spec.key]
    row_of_response = {response_id: row for row, response_id in enumerate(scored.response_ids)}
    row_of_score = {}
    with connection.cursor() as cursor:
        cursor.execute(STORED_SCORES_SQL, params)
        for response_id, score_id, bank_id, overall, bucket in cursor.fetchall():
            row = row_of_response.get(response_id)
            if row is not None:
                row_of_score[score_id] = row
                stored.score_id[row], stored.bank_id[row] = score_id, bank_id
                stored.overall[row] = overall
                stored.overall_bucket[row] = bucket_index.get(bucket, MISSING)
        cursor.execute(STORED_PILLARS_SQL, params)
        pillars = cursor.fetchall()
    _note_pillars(stored, pillars, row_of_score, scored.matrix.pillar_keys, bucket_index)
    return stored


def _note_pillars(
    stored: _Stored,
    pillars: list[tuple[Any, ...]],
    row_of_score: dict[int, int],
    pillar_keys: tuple[str, ...],
    bucket_index: dict[str, int],
) -> None:
    score_ids, pillar_ids, keys, positions, hundredths, buckets = _columns(pillars, 6)
    column_of_key = {key: column for column, key in enumerate(pillar_keys)}
    row = np.array([row_of_score.get(score_id, MISSING) for score_id in score_ids], np.intp)
    column = np.array([column_of_key.get(key, MISSING) for key in keys], np.intp)
    ours = row != MISSING
    stored.foreign_pillars[row[ours & (column == MISSING)]] = True
    known = ours & (column != MISSING)
    cell = (row[known], column[known])
    stored.pillar_id[cell] = np.array(pillar_ids, dtype=np.int64)[known]
    stored.position[cell] = np.array(positions, dtype=np.int64)[known]
    stored.pillar[cell] = np.array(hundredths, dtype=np.int64)[known]
    bucket = np.array([bucket_index.get(key, MISSING) for key in buckets], dtype=np.int64)
    stored.pillar_bucket[cell] = bucket[known]


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    # Three times faster than zip(*rows) on a batch's thousands of rows.
    return [[row[index] for row in rows] for index in range(width)]


def _changed_responses(matrix: ScoreMatrix, stored: _Stored, bank_id: int) -> Flags:
    """Rows whose bank, overall score or bucket, or pillar set, scores or buckets differ."""
    return (
        ~stored.has_score
        | (stored.bank_id != bank_id)
        | (stored.overall != matrix.overall_hundredths)
        | (stored.overall_bucket != matrix.overall_bucket_index)
        | ~stored.has_exactly_the_pillars
        | (stored.pillar != matrix.pillar_hundredths).any(axis=1)
        | (stored.pillar_bucket != matrix.pillar_bucket_index).any(axis=1)
    )


def _note_largest_changes(
    report: RescoreReport, matrix: ScoreMatrix, stored: _Stored, changed: Flags
) -> None:
    rows = changed & stored.has_score
    if not rows.any():
        return
    changes = {"overall": np.abs(matrix.overall_hundredths - stored.overall)[rows].max()}
    pillar_changes = np.abs(matrix.pillar_hundredths - stored.pillar)
    for column, key in enumerate(matrix.pillar_keys):
        present = rows & (stored.pillar_id[:, column] != MISSING)
        if present.any():
            changes[key] = pillar_changes[present, column].max()
    for key, change in changes.items():
        largest = report.largest_change.get(key, Decimal(0))
        report.largest_change[key] = max(largest, Decimal(int(change)).scaleb(-2))


# ---- Writing what changed


def _set_based_writes() -> bool:
    """Whether to write with the PostgreSQL UPDATEs below, rather than the ORM's `bulk_update`."""
    return connection.vendor == "postgresql"


def _write(
    bank: QuestionBank, scored: _Scored, stored: _Stored, changed: Flags, kpis: dict[int, Kpis]
) -> None:
    now = timezone.now()
    rows = np.flatnonzero(changed)
    existing, missing = rows[stored.has_score[rows]], rows[~stored.has_score[rows]]
    if existing.size:
        _update_scores(bank, _ScoreRows.of(scored, stored.score_id, existing, kpis), now)
    score_ids = stored.score_id.copy()
    if missing.size:
        new = _ScoreRows.of(scored, stored.score_id, missing, kpis)
        score_ids[missing] = _create_scores(bank, new, now)
    # A response without exactly this bank's pillars gets all its pillar rows anew.
    renewed = rows[~stored.has_exactly_the_pillars[rows]]
    if renewed.size:
        _renew_pillars(scored, score_ids, renewed)
    _update_pillar_cells(scored, stored, changed & stored.has_exactly_the_pillars)


@dataclass(frozen=True, slots=True)
class _ScoreRows:
    """New `ResponseScore` values, as plain lists; an id is None for a row not stored yet."""

    ids: list[int | None]
    response_ids: list[int]
    overall: list[int]  # hundredths
    buckets: list[str]
    kpis: list[Kpis]

    @classmethod
    def of(
        cls, scored: _Scored, score_ids: Ints, rows: npt.NDArray[np.intp], kpis: dict[int, Kpis]
    ) -> _ScoreRows:
        matrix = scored.matrix
        return cls(
            ids=[None if id == MISSING else id for id in score_ids[rows].tolist()],
            response_ids=[scored.response_ids[row] for row in rows.tolist()],
            overall=matrix.overall_hundredths[rows].tolist(),
            buckets=scored.bucket_keys[matrix.overall_bucket_index[rows]].tolist(),
            kpis=[kpis[row] for row in rows.tolist()],
        )

    def models(self, bank: QuestionBank, now: datetime) -> list[ResponseScore]:
        return [
            score_row(
                id=id,
                response_id=response_id,
                bank=bank,
                overall=_decimal(overall),
                overall_bucket=bucket,
                kpis=kpis,
                scored_at=now,
            )
            for id, response_id, overall, bucket, kpis in zip(
                self.ids, self.response_ids, self.overall, self.buckets, self.kpis, strict=True
            )
        ]


def _decimal(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)


# Set-based updates for PostgreSQL, fed with one array per column. The `= ANY` on the ids is
# redundant with the join but lets the planner find the rows by primary key (it halves the
# time): on the join alone it may hash the unnested rows and scan the whole table.
UPDATE_SCORES_SQL = f"""
    UPDATE {ResponseScore._meta.db_table} AS stored
    SET bank_id = %(bank)s, scored_at = %(now)s, overall = fresh.overall::numeric / 100,
        overall_bucket = fresh.overall_bucket,
        {", ".join(f"{kpi} = fresh.{kpi}" for kpi in KPI_COLUMNS)}
    FROM unnest(
        %(ids)s::bigint[], %(overall)s::bigint[], %(buckets)s::text[],
        {", ".join(f"%({kpi})s::numeric[]" for kpi in KPI_COLUMNS)}
    ) AS fresh(id, overall, overall_bucket, {", ".join(KPI_COLUMNS)})
    WHERE stored.id = fresh.id AND stored.id = ANY(%(ids)s::bigint[])
"""


def _update_scores(bank: QuestionBank, fresh: _ScoreRows, now: datetime) -> None:
    if not _set_based_writes():
        fields = ["bank", "overall", "overall_bucket", *KPI_COLUMNS, "scored_at"]
        ResponseScore.objects.bulk_update(fresh.models(bank, now), fields)
        return
    kpis = {column: [row[column] for row in fresh.kpis] for column in KPI_COLUMNS}
    params: dict[str, Any] = {
        "bank": bank.pk,
        "now": now,
        "ids": fresh.ids,
        "overall": fresh.overall,
        "buckets": fresh.buckets,
        **kpis,
    }
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_SCORES_SQL, params)


def _create_scores(bank: QuestionBank, fresh: _ScoreRows, now: datetime) -> list[int]:
    """Scores for completed responses that had none: rare, so the ORM on every database."""
    return [score.pk for score in ResponseScore.objects.bulk_create(fresh.models(bank, now))]


def _renew_pillars(scored: _Scored, score_ids: Ints, rows: npt.NDArray[np.intp]) -> None:
    """Every pillar row of these responses anew: rare, so the ORM on every database."""
    matrix = scored.matrix
    PillarScore.objects.filter(response_score_id__in=score_ids[rows].tolist()).delete()
    PillarScore.objects.bulk_create(
        pillar
        for row, score_id in zip(rows.tolist(), score_ids[rows].tolist(), strict=True)
        for pillar in pillar_rows(
            response_score_id=score_id,
            pillars=(
                (
                    key,
                    _decimal(int(matrix.pillar_hundredths[row, column])),
                    scored.bucket_keys[matrix.pillar_bucket_index[row, column]],
                )
                for column, key in enumerate(matrix.pillar_keys)
            ),
        )
    )


UPDATE_PILLARS_SQL = f"""
    UPDATE {PillarScore._meta.db_table} AS stored
    SET score = fresh.score::numeric / 100, bucket = fresh.bucket, position = fresh.position
    FROM unnest(%(ids)s::bigint[], %(scores)s::bigint[], %(buckets)s::text[],
                %(positions)s::smallint[]) AS fresh(id, score, bucket, position)
    WHERE stored.id = fresh.id AND stored.id = ANY(%(ids)s::bigint[])
"""


def _update_pillar_cells(scored: _Scored, stored: _Stored, rows: Flags) -> None:
    """The pillar rows of `rows` whose score, bucket or position differ, updated in place."""
    matrix = scored.matrix
    positions = np.arange(len(matrix.pillar_keys))
    cells = rows[:, np.newaxis] & (
        (stored.pillar != matrix.pillar_hundredths)
        | (stored.pillar_bucket != matrix.pillar_bucket_index)
        | (stored.position != positions)
    )
    if not cells.any():
        return
    ids = stored.pillar_id[cells].tolist()
    scores = matrix.pillar_hundredths[cells].tolist()
    buckets = scored.bucket_keys[matrix.pillar_bucket_index[cells]].tolist()
    columns = np.nonzero(cells)[1].tolist()
    if _set_based_writes():
        params: dict[str, Any] = {
            "ids": ids,
            "scores": scores,
            "buckets": buckets,
            "positions": columns,
        }
        with connection.cursor() as cursor:
            cursor.execute(UPDATE_PILLARS_SQL, params)
        return
    PillarScore.objects.bulk_update(
        [
            PillarScore(id=id, score=_decimal(score), bucket=bucket, position=position)
            for id, score, bucket, position in zip(ids, scores, buckets, columns, strict=True)
        ],
        ["score", "bucket", "position"],
    )
