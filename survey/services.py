"""Writes of the survey app: importing banks, saving pages, completing responses."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import ResponseBenchmark
from benchmarks.pool import email_key
from benchmarks.services import benchmark_compute, peer_pool_sync
from reports.services import report_request
from scoring.bank import CHOICE_KINDS, NUMBER_KINDS, BankSpec, Kind, QuestionSpec
from scoring.scores import ResponseScores, ScoringError, response_score
from survey.answers import AnswerValue, answer_parse, answers_unanswered
from survey.bank_file import BankFileError, bank_spec_problems
from survey.models import (
    Bucket,
    Option,
    Pillar,
    PillarScore,
    Question,
    QuestionBank,
    Response,
    ResponseScore,
)
from survey.selectors import bank_spec_for, draft_cutoff

logger = logging.getLogger(__name__)


class BankImportOutcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REPLACED_DRAFT = "replaced draft"


@transaction.atomic
def bank_import(*, spec: BankSpec, publish: bool) -> tuple[QuestionBank, BankImportOutcome]:
    """Store a validated bank. A published version is never rewritten: a change is a new version."""
    existing = (
        QuestionBank.objects.select_for_update().filter(key=spec.key, version=spec.version).first()
    )
    if existing is not None and not existing.is_editable:
        if bank_spec_for(bank=existing) != spec:
            raise BankFileError(
                [
                    f"Version {spec.version} of bank '{spec.key}' is already "
                    f"{existing.status} and differs from this file. "
                    "Give the file a new version number."
                ]
            )
        return existing, BankImportOutcome.UNCHANGED
    outcome = BankImportOutcome.CREATED
    if existing is not None:
        existing.delete()
        outcome = BankImportOutcome.REPLACED_DRAFT
    bank = QuestionBank.objects.create(
        key=spec.key, version=spec.version, title=spec.title, intro=spec.intro
    )
    _bank_contents_create(bank, spec)
    if publish:
        bank_publish(bank=bank)
    return bank, outcome


def _bank_contents_create(bank: QuestionBank, spec: BankSpec) -> None:
    pillars = {
        pillar.key: Pillar.objects.create(
            bank=bank, key=pillar.key, name=pillar.name, description=pillar.description,
            position=position,
        )
        for position, pillar in enumerate(spec.pillars)
    }  # fmt: skip
    Bucket.objects.bulk_create(
        Bucket(bank=bank, key=b.key, name=b.name, lower_bound=b.lower_bound) for b in spec.buckets
    )
    questions = Question.objects.bulk_create(
        Question(
            bank=bank,
            number=q.number,
            kind=q.kind.value,
            text=q.text,
            help=q.help,
            required=q.required,
            section=q.section,
            pillar=pillars[q.pillar] if q.pillar else None,
            scoring=q.scoring.value if q.scoring else "",
            weight=q.weight,
            min_value=q.min_value,
            max_value=q.max_value,
            max_length=q.max_length,
            unknown_allowed=q.unknown_allowed,
            role=q.role or "",
        )
        for q in spec.questions
    )
    Option.objects.bulk_create(
        Option(
            question=question, code=o.code, text=o.text, points=o.points, exclusive=o.exclusive,
            position=position,
        )
        for question, q in zip(questions, spec.questions, strict=True)
        for position, o in enumerate(q.options)
    )  # fmt: skip


@transaction.atomic
def bank_publish(*, bank: QuestionBank) -> None:
    """Publish a draft after checking it as strictly as a bank file; the old version is archived."""
    problems = bank_spec_problems(bank_spec_for(bank=bank))
    if problems:
        raise BankFileError(problems)
    QuestionBank.objects.filter(key=bank.key, status=QuestionBank.Status.PUBLISHED).update(
        status=QuestionBank.Status.ARCHIVED
    )
    bank.status = QuestionBank.Status.PUBLISHED
    bank.published_at = timezone.now()
    bank.save(update_fields=["status", "published_at"])


@transaction.atomic
def bank_new_version(*, bank: QuestionBank) -> QuestionBank:
    """A draft copy of a bank under the next free version number, for an admin to edit."""
    spec = bank_spec_for(bank=bank)
    latest = QuestionBank.objects.filter(key=bank.key).order_by("-version").first()
    version = (latest.version if latest else bank.version) + 1
    draft = QuestionBank.objects.create(
        key=bank.key, version=version, title=bank.title, intro=bank.intro
    )
    _bank_contents_create(draft, spec)
    return draft


def response_start(*, bank: QuestionBank) -> Response:
    return Response.objects.create(bank=bank)


@dataclass(frozen=True, slots=True)
class CompletionResult:
    completed_now: bool
    unanswered: list[int]
    problem: ScoringError | None = None


MAX_SAVE_ATTEMPTS = 5


def response_save_answers(
    *, response: Response, answers: Mapping[str, AnswerValue], cleared: set[str]
) -> bool:
    """Merge one page's answers into the stored ones. False when the response is already final.

    The write applies only to the revision that was read (one UPDATE, no lock held across
    round trips). When another tab saved in between, the row is read again and the page merged
    into it, so both tabs keep their answers.
    """
    spec = bank_spec_for(bank=response.bank)
    email_question = spec.question_for_role("email")
    current = response
    for _ in range(MAX_SAVE_ATTEMPTS):
        if current.is_completed:
            return False
        merged = {k: v for k, v in current.answers.items() if k not in cleared}
        merged.update(answers)
        email = merged.get(str(email_question.number)) if email_question else None
        email = email if isinstance(email, str) else ""
        now = timezone.now()
        if _answers_write(current, merged, email, now):
            response.answers, response.email, response.updated_at = merged, email, now
            response.revision = current.revision + 1
            return True
        current = Response.objects.get(pk=response.pk)
    raise RuntimeError(f"Response {response.pk} kept changing; its page was not saved.")


# Every page save runs this statement; written out, it skips the ORM's update compilation.
_CONCRETE_FIELDS = {field.name: field for field in Response._meta.concrete_fields}
_SAVE_FIELDS = [_CONCRETE_FIELDS[name] for name in ("answers", "email", "revision", "updated_at")]
_SAVE_SQL = (
    "UPDATE {table} SET {columns} WHERE {pk} = %s AND {revision} = %s AND {status} = %s".format(
        table=Response._meta.db_table,
        columns=", ".join(f"{field.column} = %s" for field in _SAVE_FIELDS),
        pk=Response._meta.pk.column,
        revision=Response._meta.get_field("revision").column,
        status=Response._meta.get_field("status").column,
    )
)


def _answers_write(
    current: Response, answers: dict[str, AnswerValue], email: str, now: datetime
) -> bool:
    """Store the answers if the row is still at the revision read and in progress."""
    connection = connections[router.db_for_write(Response)]
    values = (answers, email, current.revision + 1, now)
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(_SAVE_FIELDS, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _SAVE_SQL, [*params, current.pk, current.revision, Response.Status.IN_PROGRESS.value]
        )
        return cursor.rowcount == 1


def response_complete(*, response: Response) -> CompletionResult:
    """Complete a response exactly once: a replayed submit finds it completed, changes nothing."""
    spec = bank_spec_for(bank=response.bank)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.is_completed:
            return CompletionResult(completed_now=False, unanswered=[])
        unanswered = answers_unanswered(spec, locked.answers)
        if unanswered:
            return CompletionResult(completed_now=False, unanswered=[q.number for q in unanswered])
        try:
            scores = response_score(spec=spec, answers=locked.answers)
        except ScoringError as error:
            return CompletionResult(completed_now=False, unanswered=[], problem=error)
        now = timezone.now()
        completed = Response.objects.filter(
            pk=locked.pk, status=Response.Status.IN_PROGRESS
        ).update(
            status=Response.Status.COMPLETED, completed_at=now,
            **profile_for_peer_groups(spec, locked.answers),
        )  # fmt: skip
        if completed:
            response_scores_store(response=locked, bank=locked.bank, scores=scores, now=now)
            peer_pool_sync(email_keys=[email_key(locked.email)])
    response.refresh_from_db()
    if completed:
        benchmark = _benchmark_first(response)
        report_request(response=response, benchmark=benchmark)
    return CompletionResult(completed_now=completed == 1, unanswered=[])


def _benchmark_first(response: Response) -> ResponseBenchmark | None:
    """The comparison shown on the results page and printed in the report. Without it both say
    it is not ready; the completion itself must never fail because of it."""
    try:
        return benchmark_compute(response=response)
    except Exception:
        logger.exception("Peer comparison of response %s failed", response.pk)
        return None


PEER_GROUP_ROLES = ("region", "industry", "arr_band")


def profile_for_peer_groups(spec: BankSpec, answers: Mapping[str, AnswerValue]) -> dict[str, str]:
    """The option texts of the profile answers that peer groups are formed by."""
    profile = {}
    for role in PEER_GROUP_ROLES:
        question = spec.question_for_role(role)
        value = answers.get(str(question.number)) if question else None
        option = question.option_by_code(value) if question and isinstance(value, int) else None
        profile[role] = option.text if option else ""
    return profile


def response_scores_store(
    *, response: Response, bank: QuestionBank, scores: ResponseScores, now: datetime
) -> ResponseScore:
    """Keep a response's scores (replacing earlier ones) as the rounded values shown."""
    kpis = scores.kpis
    stored, _ = ResponseScore.objects.update_or_create(
        response=response,
        defaults={
            "bank": bank, "overall": scores.overall, "overall_bucket": scores.overall_bucket.key,
            "nrr": kpis.nrr, "retention": kpis.retention, "nps": kpis.nps,
            "customers_per_csm": kpis.customers_per_csm, "scored_at": now,
        },
    )  # fmt: skip
    PillarScore.objects.filter(response_score=stored).delete()
    PillarScore.objects.bulk_create(
        PillarScore(
            response_score=stored, pillar_key=pillar.key, position=position,
            score=pillar.score, bucket=pillar.bucket.key,
        )
        for position, pillar in enumerate(scores.pillars)
    )  # fmt: skip
    return stored


def resume_url(*, response: Response, request_base_url: str) -> str:
    return (settings.SITE_URL or request_base_url) + reverse("survey:resume", args=[response.token])


def resume_link_send(*, response: Response, request_base_url: str) -> bool:
    """E-mail the resume link to the respondent's address, once per address."""
    if not response.email or response.resume_link_sent_to == response.email:
        return False
    spec = bank_spec_for(bank=response.bank)
    body = render_to_string(
        "survey/email/resume_link.txt",
        {
            "title": spec.title,
            "url": resume_url(response=response, request_base_url=request_base_url),
            "days": settings.SURVEY_DRAFT_DAYS,
        },
    )
    send_mail(f"Your {spec.title} link", body, None, [response.email])
    Response.objects.filter(pk=response.pk).update(resume_link_sent_to=response.email)
    response.resume_link_sent_to = response.email
    return True


def responses_benchmark_exclusion_set(*, responses: QuerySet[Response], excluded: bool) -> int:
    """Flag the responses, then bring their people's pool entries in line: excluding someone's
    latest response brings back their previous one, if that counts."""
    with transaction.atomic():
        changing = dict(
            responses.exclude(excluded_from_benchmarks=excluded).values_list("pk", "email")
        )
        changed = Response.objects.filter(pk__in=changing).update(excluded_from_benchmarks=excluded)
        peer_pool_sync(email_keys={email_key(email) for email in changing.values()})
    return changed


def responses_delete(*, responses: QuerySet[Response]) -> int:
    """Delete responses, and take them out of the peer pool as every process will see."""
    with transaction.atomic():
        emails = set(responses.values_list("email", flat=True))
        deleted, _ = Response.objects.filter(pk__in=responses.values("pk")).delete()
        peer_pool_sync(email_keys={email_key(email) for email in emails})
    return deleted


def drafts_purge() -> int:
    """Delete unfinished responses untouched for longer than the draft lifetime."""
    deleted, _ = Response.objects.filter(
        status=Response.Status.IN_PROGRESS, updated_at__lt=draft_cutoff()
    ).delete()
    return deleted


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """A whole submission's outcome: the completed response, or every bad answer by number."""

    response: Response | None
    errors: dict[str, str]


def response_submit(
    *, bank: QuestionBank, answers: Mapping[str, object], submitted_by: User | None
) -> SubmitResult:
    """Check a whole set of answers (options by text or id) and, only if every one is right,
    store them and complete the response as the survey pages do. Nothing is stored otherwise."""
    spec = bank_spec_for(bank=bank)
    stored, errors = submission_parse(spec, answers)
    if errors:
        return SubmitResult(response=None, errors=errors)
    with transaction.atomic():  # a failed save leaves no half-made response behind
        response = Response.objects.create(bank=bank, submitted_by=submitted_by)
        response_save_answers(response=response, answers=stored, cleared=set())
    outcome = response_complete(response=response)
    if not outcome.completed_now:
        Response.objects.filter(pk=response.pk).delete()
        missing = {str(number): "This answer is required." for number in outcome.unanswered}
        problem = {"answers": str(outcome.problem)} if outcome.problem else {}
        return SubmitResult(response=None, errors=missing or problem or {"answers": "Not scored."})
    return SubmitResult(response=response, errors={})


def submission_parse(
    spec: BankSpec, answers: Mapping[str, object]
) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """The stored form of API answers, through the same checks as the survey pages."""
    errors: dict[str, str] = {}
    for key in answers:
        canonical = key.isascii() and key.isdigit() and key == str(int(key))  # "8", not "08"
        if not canonical or spec.question(int(key)) is None:
            errors[key] = f"There is no question {key[:20]} in this bank."
    stored: dict[str, AnswerValue] = {}
    for question in spec.questions:
        key = str(question.number)
        raw = _submitted_raw(question, answers[key]) if key in answers else ([], False)
        if isinstance(raw, str):
            errors[key] = raw
            continue
        parsed = answer_parse(question, raw[0], unknown=raw[1])
        if parsed.error is not None:
            errors[key] = parsed.error
        elif parsed.given:
            stored[key] = parsed.value
    return stored, dict(sorted(errors.items(), key=lambda item: _number_order(item[0])))


def _number_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isascii() and key.isdigit() else (1 << 30, key)


def _submitted_raw(question: QuestionSpec, value: object) -> tuple[list[str], bool] | str:
    """One API answer as the form values `answer_parse` reads (values, unknown ticked), or an
    error message when its type is wrong or an option text does not exist."""
    if value is None:
        return [], question.kind in NUMBER_KINDS
    if question.kind in CHOICE_KINDS:
        return _submitted_options(question, value)
    if question.kind in NUMBER_KINDS:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return "Give a number."
        return [str(value)], False
    if not isinstance(value, str):
        return "Give the answer as text."
    return [value], False


def _submitted_options(question: QuestionSpec, value: object) -> tuple[list[str], bool] | str:
    if question.kind == Kind.MULTI:
        if not isinstance(value, list):
            return "Give a list of options, by their text or id."
        items = value
    elif isinstance(value, list):
        return "Choose one option, not a list."
    else:
        items = [value]
    codes = []
    by_text = {option.text: option.code for option in question.options}
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            codes.append(str(item))
        elif isinstance(item, str) and item.strip() in by_text:
            codes.append(str(by_text[item.strip()]))
        elif isinstance(item, str):
            return f"“{item[:60]}” is not one of the options of question {question.number}."
        else:
            return "Give each option by its text or its integer id."
    return codes, False
