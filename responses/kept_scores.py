"""How a response's scores are kept: the one home of the mapping from computed scores to rows.

A `ResponseScore` row holds the rounded overall score and its bucket key, the KPIs (one column
per key of `scoring.kpis.BENCHMARKED_KPIS`), the bank version scored against and when; one
`PillarScore` row per pillar holds its rounded score and bucket key, in the bank's order
(`position`). Completing a response, demo data and rescoring build their rows here; on
PostgreSQL a rescore also updates rows in place with set-based SQL over `KPI_COLUMNS`
(responses/rescore.py), held equal to the ORM path by its tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from responses.models import PillarScore, QuestionBank, ResponseScore
from scoring.kpis import KPI_KEYS, Kpis
from scoring.scores import ResponseScores

KPI_COLUMNS = KPI_KEYS  # ResponseScore has a column of each KPI's key


def score_row(
    *,
    response_id: int,
    bank: QuestionBank,
    overall: Decimal,
    overall_bucket: str,
    kpis: Kpis,
    scored_at: datetime,
    id: int | None = None,
) -> ResponseScore:
    return ResponseScore(
        id=id,
        response_id=response_id,
        bank=bank,
        overall=overall,
        overall_bucket=overall_bucket,
        scored_at=scored_at,
        **{column: kpis[column] for column in KPI_COLUMNS},
    )


def pillar_rows(
    *, response_score_id: int, pillars: Iterable[tuple[str, Decimal, str]]
) -> list[PillarScore]:
    """One row per (pillar key, score, bucket key), positioned in the order given."""
    return [
        PillarScore(
            response_score_id=response_score_id,
            pillar_key=key,
            position=position,
            score=score,
            bucket=bucket,
        )
        for position, (key, score, bucket) in enumerate(pillars)
    ]


def scores_keep(
    *, bank: QuestionBank, scored: Sequence[tuple[int, ResponseScores, datetime]]
) -> list[ResponseScore]:
    """Keep the scores of responses (by id, with their scoring time), replacing any kept
    before, in three statements whatever their number."""
    response_ids = [response_id for response_id, _, _ in scored]
    ResponseScore.objects.filter(response_id__in=response_ids).delete()  # their pillars too
    kept = ResponseScore.objects.bulk_create(
        score_row(
            response_id=response_id,
            bank=bank,
            overall=scores.overall,
            overall_bucket=scores.overall_bucket.key,
            kpis=scores.kpis,
            scored_at=scored_at,
        )
        for response_id, scores, scored_at in scored
    )
    PillarScore.objects.bulk_create(
        row
        for score, (_, scores, _) in zip(kept, scored, strict=True)
        for row in pillar_rows(
            response_score_id=score.pk,
            pillars=((p.key, p.score, p.bucket.key) for p in scores.pillars),
        )
    )
    return kept
