"""Reads that feed the survey pages: the current bank, its spec (cached), a response by token."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from scoring.bank import BankSpec, BucketSpec, Kind, OptionSpec, PillarSpec, QuestionSpec, Scoring
from survey.models import Option, Question, QuestionBank, Response

# Published and archived banks never change, so their spec is built once per process. The key
# includes the creation time: a primary key alone can come back after a rolled-back insert.
_frozen_specs: dict[tuple[int, datetime], BankSpec] = {}


def bank_current(*, key: str = "cspi") -> QuestionBank | None:
    return QuestionBank.objects.filter(key=key, status=QuestionBank.Status.PUBLISHED).first()


def bank_spec_for(*, bank: QuestionBank) -> BankSpec:
    if bank.is_editable:
        return _bank_spec_load(bank)
    key = (bank.pk, bank.created_at)
    spec = _frozen_specs.get(key)
    if spec is None:
        spec = _frozen_specs[key] = _bank_spec_load(bank)
    return spec


def _bank_spec_load(bank: QuestionBank) -> BankSpec:
    questions = list(Question.objects.filter(bank=bank).select_related("pillar"))
    options_by_question: dict[int, list[OptionSpec]] = {}
    for option in Option.objects.filter(question__bank=bank).order_by("question_id", "position"):
        options_by_question.setdefault(option.question_id, []).append(
            OptionSpec(option.code, option.text, option.points, option.exclusive)
        )
    return BankSpec(
        key=bank.key,
        version=bank.version,
        title=bank.title,
        intro=bank.intro,
        pillars=tuple(PillarSpec(p.key, p.name, p.description) for p in bank.pillars.all()),
        buckets=tuple(BucketSpec(b.key, b.name, b.lower_bound) for b in bank.buckets.all()),
        questions=tuple(
            QuestionSpec(
                number=q.number,
                kind=Kind(q.kind),
                text=q.text,
                help=q.help,
                required=q.required,
                section=q.section,
                pillar=q.pillar.key if q.pillar else None,
                scoring=Scoring(q.scoring) if q.scoring else None,
                weight=Decimal(q.weight),
                min_value=q.min_value,
                max_value=q.max_value,
                max_length=q.max_length,
                unknown_allowed=q.unknown_allowed,
                role=q.role or None,
                options=tuple(options_by_question.get(q.pk, ())),
            )
            for q in questions
        ),
    )


def response_by_token(*, token: str) -> Response | None:
    return Response.objects.select_related("bank").filter(token=token).first()


def response_is_expired(*, response: Response) -> bool:
    """An unfinished response is kept for SURVEY_DRAFT_DAYS after it was last saved."""
    if response.is_completed:
        return False
    return response.updated_at < draft_cutoff()


def draft_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.SURVEY_DRAFT_DAYS)
