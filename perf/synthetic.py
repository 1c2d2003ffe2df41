"""Synthetic answers for speed tests: random valid option choices for every scored question."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np

from scoring.bank import BankSpec, Kind, Scoring
from scoring.vectorised import _layout_for


def random_codes(spec: BankSpec, count: int, seed: int) -> np.ndarray:
    """An encoded answer matrix (see scoring.vectorised) of `count` random valid responses."""
    layout = _layout_for(spec)
    rng = np.random.default_rng(seed)
    codes = np.zeros((count, layout.columns), dtype=np.uint8, order="F")
    for question_layout in layout.questions:
        options = question_layout.question.options
        first = question_layout.first_column
        if question_layout.question.kind == Kind.SINGLE:
            codes[:, first] = rng.integers(1, len(options) + 1, count)
            continue
        bits = _random_choices(rng, options, count)
        for column in range(question_layout.width):
            block = bits[:, 8 * column : 8 * column + 8]
            weights = 1 << np.arange(block.shape[1], dtype=np.uint16)
            codes[:, first + column] = (block * weights).sum(axis=1).astype(np.uint8)
    return codes


def _random_choices(rng: np.random.Generator, options, count: int) -> np.ndarray:
    exclusive = [i for i, option in enumerate(options) if option.exclusive]
    free = [i for i, option in enumerate(options) if not option.exclusive]
    bits = rng.integers(0, 2, (count, len(options)), dtype=np.uint8)
    bits[:, exclusive] = 0
    empty = ~bits.any(axis=1)
    bits[empty, rng.choice(free, int(empty.sum()))] = 1
    if exclusive:
        alone = rng.random(count) < 0.2
        bits[alone] = 0
        bits[alone, exclusive[0]] = 1
    return bits


def answers_json(spec: BankSpec, codes: np.ndarray) -> list[str]:
    """Encoded rows as stored answers' JSON (option codes by question number).

    Built from a few distinct texts per question rather than a dict per row: far fewer Python
    objects for 100,000 rows.
    """
    texts_by_question = []
    for question_layout in _layout_for(spec).questions:
        question = question_layout.question
        # The question's columns as one integer per row: its answer, whatever the width.
        combined = np.zeros(codes.shape[0], dtype=np.int64)
        for offset in range(question_layout.width):
            column = codes[:, question_layout.first_column + offset].astype(np.int64)
            combined |= column << (8 * offset)
        combined_list = combined.tolist()
        text_of = {
            value: f'"{question.number}": {json.dumps(_answer(question, value))}'
            for value in set(combined_list)
        }
        texts_by_question.append([text_of[value] for value in combined_list])
    return ["{" + ", ".join(texts) + "}" for texts in zip(*texts_by_question, strict=True)]


def _answer(question, combined: int) -> object:
    """A single question's option code, or a multi question's list of them (see answers_json)."""
    if question.kind == Kind.SINGLE:
        return question.options[combined - 1].code
    return [option.code for i, option in enumerate(question.options) if combined >> i & 1]


def floor_scores(spec: BankSpec, codes: np.ndarray):
    """The same integer arithmetic as scores_many in straight numpy: no checks, no wrappers."""
    layout = _layout_for(spec)
    count = codes.shape[0]
    overall_common = layout.overall_common
    pillars = len(layout.pillars)
    hundredths = np.empty((pillars, count), dtype=np.int64)
    overall = np.zeros(count, dtype=np.int64)
    for index, pillar in enumerate(layout.pillars):
        total = np.zeros(count, dtype=np.int64)
        for question in pillar.questions:
            tables = [np.asarray(table, dtype=np.int64) for table in question.tables]
            columns = [
                tables[c][codes[:, question.first_column + c]] for c in range(question.width)
            ]
            if question.question.scoring == Scoring.MAX:
                total += np.maximum.reduce(columns)
            else:
                for column in columns:
                    total += column
        denominator = pillar.common * pillar.required_weight
        hundredths[index] = (20000 * total + denominator) // (2 * denominator)
        overall += total * (overall_common // denominator)
    whole = pillars * overall_common
    overall_hundredths = (20000 * overall + whole) // (2 * whole)
    return hundredths, overall_hundredths


def store_completed_responses(spec: BankSpec, bank, count: int, seed: int) -> None:
    """Insert `count` completed, scored responses (the scores from scores_many) with COPY.

    PostgreSQL only, in one transaction. The ids come from the tables' sequences up front, so
    each table loads in one COPY with its keys. ANALYZE afterwards gives the planner the
    statistics autovacuum would gather after a bulk load (a server may run with it off).
    """
    from django.db import connection, transaction

    from scoring.vectorised import encode_codes, scores_many
    from survey.models import PillarScore, Response, ResponseScore

    if connection.vendor != "postgresql":
        raise ValueError("store_completed_responses loads with COPY: it needs PostgreSQL.")
    codes = random_codes(spec, count, seed)
    matrix = scores_many(spec=spec, encoded=encode_codes(spec=spec, codes=codes))
    with transaction.atomic(), connection.cursor() as cursor:
        _foreign_key_checks_skipped_if_allowed(cursor)
        response_ids = _ids_reserved(cursor, Response, count)
        score_ids = _ids_reserved(cursor, ResponseScore, count)
        _copy_responses(cursor, spec, bank, codes, response_ids)
        _copy_scores(cursor, spec, bank, matrix, score_ids, response_ids)
        _copy_pillars(cursor, spec, matrix, score_ids)
    with connection.cursor() as cursor:
        for model in (Response, ResponseScore, PillarScore):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _copy_responses(cursor, spec: BankSpec, bank, codes: np.ndarray, ids: list[int]) -> None:
    from django.utils import timezone

    from survey.models import Response, new_response_token

    now = timezone.now()
    columns = ("id", "token", "bank_id", "status", "answers", "email", "revision",
               "resume_link_sent_to", "region", "industry", "arr_band", "created_at",
               "updated_at", "completed_at")  # fmt: skip
    rows = (
        (response_id, new_response_token(), bank.pk, Response.Status.COMPLETED.value,
         answers, f"r{row}@example.com", 0, "", "", "", "", now, now, now)
        for row, (response_id, answers) in enumerate(
            zip(ids, answers_json(spec, codes), strict=True)
        )
    )  # fmt: skip
    _copy(cursor, Response, columns, rows)


def _copy_scores(
    cursor, spec: BankSpec, bank, matrix, ids: list[int], response_ids: list[int]
) -> None:
    from django.utils import timezone

    from survey.models import ResponseScore

    now = timezone.now()
    overall = matrix.overall_hundredths.tolist()
    buckets = [spec.buckets[index].key for index in matrix.overall_bucket_index.tolist()]
    columns = ("id", "response_id", "bank_id", "overall", "overall_bucket", "scored_at")
    rows = (
        (score_id, response_id, bank.pk, _decimal(overall[row]), buckets[row], now)
        for row, (score_id, response_id) in enumerate(zip(ids, response_ids, strict=True))
    )
    _copy(cursor, ResponseScore, columns, rows)


def _copy_pillars(cursor, spec: BankSpec, matrix, score_ids: list[int]) -> None:
    from survey.models import PillarScore

    scores = matrix.pillar_hundredths.tolist()
    buckets = matrix.pillar_bucket_index.tolist()
    columns = ("response_score_id", "pillar_key", "position", "score", "bucket")
    rows = (
        (score_id, key, column, _decimal(scores[row][column]),
         spec.buckets[buckets[row][column]].key)
        for row, score_id in enumerate(score_ids)
        for column, key in enumerate(matrix.pillar_keys)
    )  # fmt: skip
    _copy(cursor, PillarScore, columns, rows)


def _foreign_key_checks_skipped_if_allowed(cursor) -> None:
    """Skip the foreign key checks, as pg_restore --disable-triggers does (superusers only).

    The keys are generated together, so the checks cannot fail; a million of them cost about
    4 s at commit.
    """
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _ids_reserved(cursor, model, count: int) -> list[int]:
    """`count` new ids from the table's identity sequence."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, model, columns: tuple[str, ...], rows) -> None:
    names = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _decimal(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)
