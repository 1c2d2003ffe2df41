"""API routes of responses: the current bank, submitting answers, reading a scored response."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from api.base import (
    ANY_ROUTE,
    TOKEN_ROUTE,
    AddressThrottle,
    Detail,
    Errors,
    SubmissionRejected,
    api_token,
    json_body,
)
from api.idempotency import (
    KEY_HEADER,
    KEY_PARAMETER,
    KeyReused,
    idempotency_key,
    request_hash,
    response_submit_once,
)
from api.submissions import response_submit
from reports.selectors import report_latest
from responses.access import responses_visible_to
from responses.answers import number_text
from responses.bank_texts import bank_spec_shown
from responses.models import QuestionBank, Response, ResponseScore
from responses.selectors import bank_current
from responses.url_tokens import is_token_shaped
from scoring.bank import CHOICE_KINDS, NUMBER_KINDS, BankSpec, QuestionSpec
from scoring.kpis import KPI_KEYS

router = Router(tags=["survey"])


class PillarOut(Schema):
    key: str
    name: str


class OptionOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    number: int
    kind: str
    text: str
    required: bool
    pillar: str | None = None
    options: list[OptionOut] | None = None
    min: float | None = None
    max: float | None = None
    unknown_allowed: bool | None = None


class BankOut(Schema):
    bank: str
    version: int
    title: str
    pillars: list[PillarOut]
    questions: list[QuestionOut]


class ScoreOut(Schema):
    score: float
    bucket: str


class ProfileOut(Schema):
    region: str
    industry: str
    arr_band: str


class KpisOut(Schema):
    """API v1's KPIs, fixed by API.md (scoring.kpis.KPI_KEYS as v1 was published)."""

    nrr: float | None
    retention: float | None
    nps: float | None
    customers_per_csm: float | None


class ReportLink(Schema):
    status: str | None
    url: str


class ScoredResponse(Schema):
    id: str
    bank_version: int
    completed_at: datetime
    organisation: str | None = Field(
        None,
        description=(
            "The organisation the response counts for among peers: its e-mail's domain (after "
            "any domains an admin joined), or the whole address at a public mailbox provider; "
            "null without an e-mail address."
        ),
    )
    profile: ProfileOut
    overall: ScoreOut
    pillars: dict[str, ScoreOut]
    kpis: KpisOut
    report: ReportLink


def response_for(request: HttpRequest, public_id: str) -> Response:
    """Someone else's response and a missing one answer the same 404."""
    if not is_token_shaped(public_id):
        raise Http404("No such response.")
    response = (
        responses_visible_to(api_token(request).user)
        .select_related("bank")
        .filter(public_id=public_id)
        .first()
    )
    if response is None:
        raise Http404("No such response.")
    return response


@router.get(
    "/banks/current",
    response={200: BankOut, **ANY_ROUTE},
    auth=None,
    throttle=[AddressThrottle()],
    exclude_unset=True,
)
def bank_current_get(request: HttpRequest) -> dict[str, Any]:
    bank = _published_bank()
    spec = bank_spec_shown(bank=bank)  # in the language Accept-Language asks for
    return {
        "bank": spec.key,
        "version": spec.version,
        "title": spec.title,
        "pillars": [{"key": p.key, "name": p.name} for p in spec.pillars],
        "questions": [_question(q) for q in spec.questions],
    }


def _published_bank() -> QuestionBank:
    bank = bank_current()
    if bank is None:
        raise HttpError(503, "No question bank is published yet.")
    return bank


def _question(question: QuestionSpec) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "number": question.number,
        "kind": question.kind.value,
        "text": question.text,
        "required": question.required,
    }
    if question.pillar:  # profile questions score on no pillar: no key, as in API.md
        shown["pillar"] = question.pillar
    if question.kind in CHOICE_KINDS:
        shown["options"] = [{"id": o.code, "text": o.text} for o in question.options]
    if question.kind in NUMBER_KINDS:
        shown["min"] = _number(number_text(question.min_value))
        shown["max"] = _number(number_text(question.max_value))
        shown["unknown_allowed"] = question.unknown_allowed
    return shown


def _number(text: str) -> int | float | None:
    if not text:
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


@router.post(
    "/responses",
    response={201: ScoredResponse, 400: Errors, 413: Detail, 422: Errors, **TOKEN_ROUTE},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}
            },
        },
        "parameters": [KEY_PARAMETER],
    },
)
def response_create(request: HttpRequest) -> Status[dict[str, Any]]:
    """Submit a whole response. With an Idempotency-Key, the same call again answers what the
    first answered and stores nothing new; the key used with another body answers 422."""
    key = idempotency_key(request)
    body = json_body(request)
    answers = _submitted_answers(body)
    bank, token = _published_bank(), api_token(request)
    if key is None:
        result = response_submit(bank=bank, answers=answers, submitted_by=token.user)
        if result.response is None:
            raise SubmissionRejected(result.errors)
        return Status(201, scored_response(result.response))
    try:
        reply = response_submit_once(
            token=token,
            key=key,
            body_hash=request_hash(body),
            bank=bank,
            answers=answers,
            reply_body=scored_response,
        )
    except KeyReused as reused:
        return Status(422, {"errors": {KEY_HEADER: str(reused)}})
    return Status(reply.status, reply.body)


def _submitted_answers(body: dict[str, Any]) -> dict[str, Any]:
    unknown = {key: "Unknown field: send only “answers”." for key in body if key != "answers"}
    answers = body.get("answers")
    if not isinstance(answers, dict):
        answers = {}
        unknown["answers"] = "Give “answers”: an object keyed by question number."
    if unknown:
        raise SubmissionRejected(unknown)
    return answers


@router.get("/responses/{id}", response={200: ScoredResponse, 404: Detail, **TOKEN_ROUTE})
def response_get(request: HttpRequest, id: str) -> dict[str, Any]:
    return scored_response(response_for(request, id))


def scored_response(response: Response) -> dict[str, Any]:
    """The Scored response of API.md, from the kept scores (against the bank they were scored
    on, whose version is `bank_version`)."""
    stored = ResponseScore.objects.select_related("bank").get(response=response)
    spec = bank_spec_shown(bank=stored.bank)  # bucket names in the asked language
    report = report_latest(response=response)
    return {
        "id": response.public_id,
        "bank_version": stored.bank.version,
        "completed_at": response.completed_at,
        "organisation": response.organisation_key or None,
        "profile": {
            "region": response.region,
            "industry": response.industry,
            "arr_band": response.arr_band,
        },
        "overall": _score(spec, stored.overall, stored.overall_bucket),
        "pillars": {
            row.pillar_key: _score(spec, row.score, row.bucket) for row in stored.pillars.all()
        },
        "kpis": {
            key: None if value is None else float(value)
            for key, value in ((key, getattr(stored, key)) for key in KPI_KEYS)
        },
        "report": {
            "status": report.status if report else None,
            "url": reverse("api-v1:response_report", args=[response.public_id]),
        },
    }


def _score(spec: BankSpec, score: Any, bucket_key: str) -> dict[str, Any]:
    return {"score": float(score), "bucket": spec.bucket_name(bucket_key)}
