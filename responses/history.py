"""A respondent's assessments over time: the chain of `Response.previous_assessment` links.

An assessment is "the same respondent's" only when it was taken again from the earlier one's
results page, which only the holder of that private link can reach: typed e-mail addresses are
never verified, so matching them would let anyone read someone else's earlier scores.

`assessment_history` reads the chain with its kept scores in three queries, whatever its length;
`assessment_start_again` opens the next assessment in the chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet

from responses.answers import AnswerValue, answer_parse
from responses.models import Campaign, QuestionBank, Response, ResponseScore
from responses.selectors import bank_spec_for, draft_cutoff
from scoring.bank import BankSpec, BucketSpec, Kind, QuestionSpec
from scoring.progress import Assessment, PillarKept

# Far more than anyone takes the assessment; it only bounds the walk should links ever loop.
MAX_CHAIN = 200

_CHAIN_SQL = """
WITH RECURSIVE chain(id, previous_id, depth) AS (
    SELECT id, previous_assessment_id, 0 FROM {table} WHERE id = %s
    UNION ALL
    SELECT r.id, r.previous_assessment_id, chain.depth + 1
    FROM {table} r JOIN chain ON r.id = chain.previous_id
    WHERE chain.depth < %s
)
SELECT id FROM chain
"""


@dataclass(frozen=True, slots=True)
class AssessmentHistory:
    """Every completed assessment of the chain that ends with a response, oldest first; the
    response's own is the last. `response_ids` runs beside `assessments`."""

    response_ids: tuple[int, ...]
    assessments: tuple[Assessment, ...]
    buckets: tuple[BucketSpec, ...]  # the latest assessment's bank's, for a chart's bands

    @property
    def previous_response_id(self) -> int | None:
        return self.response_ids[-2] if len(self.response_ids) > 1 else None


def assessment_history(*, response: Response) -> AssessmentHistory:
    """The respondent's own chain: the assessments taken again, link by link, up to this one."""
    return _history(_chain_ids(response.pk))


def organisation_history(*, response: Response, readable: QuerySet[Response]) -> AssessmentHistory:
    """A consultant's view of one organisation over time: this response, after the earlier
    assessments of its organisation among `readable` (the responses the consultant may read,
    responses.access), one for each earlier campaign (a campaign is one round of answers):
    the one with the same e-mail address if there is one, else the organisation's latest there.
    Colleagues answering in the same campaign are a team, not a history."""
    if not response.organisation_key or response.completed_at is None:
        return _history([response.pk])
    earlier = (
        readable.filter(
            organisation_key=response.organisation_key, completed_at__lt=response.completed_at
        )
        .filter(campaign__isnull=False)
        .order_by("completed_at", "pk")
        .values_list("pk", "campaign_id", "email")
    )
    chosen: dict[int, int] = {}
    same_person: set[int] = set()
    for pk, campaign_id, email in earlier:
        if campaign_id == response.campaign_id or campaign_id in same_person:
            continue
        chosen[campaign_id] = pk  # later rows replace earlier ones: the latest wins
        if email.lower() == response.email.lower():
            same_person.add(campaign_id)
    return _history([*chosen.values(), response.pk])


def _history(ids: list[int]) -> AssessmentHistory:
    kept = (
        ResponseScore.objects.filter(response_id__in=ids, response__status="completed")
        .select_related("bank", "response")
        .prefetch_related("pillars")
        .order_by("response__completed_at", "response_id")
    )
    scores = list(kept)
    return AssessmentHistory(
        response_ids=tuple(score.response_id for score in scores),
        assessments=tuple(_assessment(score) for score in scores),
        buckets=bank_spec_for(bank=scores[-1].bank).buckets if scores else (),
    )


def _chain_ids(response_id: int) -> list[int]:
    connection = connections[router.db_for_read(Response)]
    sql = _CHAIN_SQL.format(table=connection.ops.quote_name(Response._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [response_id, MAX_CHAIN])
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))


def _assessment(score: ResponseScore) -> Assessment:
    spec = bank_spec_for(bank=score.bank)
    buckets = {bucket.key: bucket for bucket in spec.buckets}
    names = {pillar.key: pillar.name for pillar in spec.pillars}
    completed_at = score.response.completed_at
    assert completed_at is not None  # only completed responses are read
    return Assessment(
        completed_at=completed_at,
        overall=score.overall,
        bucket=buckets[score.overall_bucket],
        pillars=tuple(
            PillarKept(row.pillar_key, names[row.pillar_key], row.score, buckets[row.bucket])
            for row in score.pillars.all()
        ),
    )


def assessment_draft_again(*, previous: Response) -> Response | None:
    """The unfinished assessment already taken again from `previous`, if one is still kept: a
    second click (or a visit days later) continues it instead of opening another."""
    return (
        Response.objects.select_related("bank", "campaign")
        .filter(
            previous_assessment=previous,
            status=Response.Status.IN_PROGRESS,
            updated_at__gte=draft_cutoff(),
        )
        .order_by("-created_at")
        .first()
    )


def assessment_start_again(
    *, previous: Response, bank: QuestionBank, campaign: Campaign | None = None
) -> Response:
    """A new assessment linked to `previous`, with its profile answers (e-mail, region, industry,
    ARR band, company facts) filled in from it, so they need not be typed again.

    The scored questions start empty: an answer shown pre-ticked invites agreeing with last
    time, and the point of answering again is to say where the team stands now. A profile
    answer the new bank would no longer accept (an option removed, a tighter bound) is left
    for the respondent to give again.
    """
    spec = bank_spec_for(bank=bank)
    answers = profile_answers_carried(spec=spec, answers=previous.answers)
    email = answers.get(str(q.number)) if (q := spec.question_for_role("email")) else None
    return Response.objects.create(
        bank=bank,
        campaign=campaign,
        previous_assessment=previous,
        language=previous.language,
        answers=answers,
        email=email if isinstance(email, str) else "",
    )


def profile_answers_carried(
    *, spec: BankSpec, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """The earlier profile answers that `spec`'s profile questions accept as they are, checked
    as if typed again (responses.answers, the checks of every page)."""
    carried: dict[str, AnswerValue] = {}
    for question in spec.questions:
        key = str(question.number)
        if question.is_scored or key not in answers:
            continue
        raw, unknown = _as_typed(question, answers[key])
        parsed = answer_parse(question, raw, unknown)
        if parsed.given and parsed.error is None:
            carried[key] = parsed.value
    return carried


def _as_typed(question: QuestionSpec, value: AnswerValue) -> tuple[list[str], bool]:
    if value is None:
        return [], question.kind in (Kind.INTEGER, Kind.PERCENT)
    if isinstance(value, list):
        return [str(code) for code in value], False
    return [str(value)], False
