"""Everything the product keeps of one response, as the respondent downloads it (JSON): the
answers as given and as read, the scores, every comparison kept, the reports, the roadmap and
the team. The one home of "all their data"; erasing it is `responses.erasure`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from benchmarks.models import ResponseBenchmark
from reports.models import Report
from responses.models import Response, ResponseScore
from responses.selectors import bank_spec_for
from roadmaps.models import Milestone, PillarTarget
from scoring.bank import Kind, QuestionSpec
from teams.models import TeamMember

FORMAT = "cspi-benchmark/respondent-data/1"


def response_data_export(*, response: Response) -> dict[str, Any]:
    spec = bank_spec_for(bank=response.bank)
    campaign = response.campaign
    return _plain(
        {
            "format": FORMAT,
            "exported_at": timezone.now(),
            "response": {
                "id": response.public_id,
                "status": response.status,
                "e-mail": response.email,
                "started_at": response.created_at,
                "last_saved_at": response.updated_at,
                "completed_at": response.completed_at,
                "question_bank": {"key": spec.key, "version": spec.version, "title": spec.title},
                "campaign": (
                    {"client": campaign.client_name, "consultant": campaign.owner.email}
                    if campaign
                    else None
                ),
                "counted_in_peer_benchmarks": not response.excluded_from_benchmarks,
            },
            "answers": [
                {
                    "question": question.number,
                    "text": question.text,
                    "answer": response.answers[str(question.number)],
                    "as_read": _as_read(question, response.answers[str(question.number)]),
                }
                for question in spec.questions
                if str(question.number) in response.answers
            ],
            "scores": _scores(response),
            "comparisons": [
                {
                    "computed_at": kept.computed_at,
                    "peers_compared_with": kept.pool_size,
                    "k": kept.k,
                    "comparison": kept.comparison,
                }
                for kept in ResponseBenchmark.objects.filter(response=response).order_by(
                    "computed_at", "pk"
                )
            ],
            "reports": [
                {
                    "number": report.generation,
                    "status": report.status,
                    "requested_at": report.requested_at,
                    "finished_at": report.finished_at,
                }
                for report in Report.objects.filter(response=response).order_by("generation")
            ],
            "roadmap": {
                "targets": list(
                    PillarTarget.objects.filter(response=response).values(
                        "pillar_key", "bucket_key", "set_at"
                    )
                ),
                "milestones": list(
                    Milestone.objects.filter(response=response)
                    .order_by("position", "pk")
                    .values("pillar_key", "title", "owner", "due_on", "status")
                ),
            },
            "team": _team(response),
        }
    )


def _as_read(question: QuestionSpec, value: Any) -> Any:
    """The answer in the words of the question's options; numbers and texts as they are."""
    if value is None:
        # Translators: a number answer the respondent marked as unknown, in their data download.
        return _("unknown")
    if question.kind is Kind.SINGLE:
        return _option_text(question, value)
    if question.kind is Kind.MULTI and isinstance(value, list):
        return [_option_text(question, code) for code in value]
    return value


def _option_text(question: QuestionSpec, code: Any) -> str:
    option = question.option_by_code(code) if isinstance(code, int) else None
    if option:
        return option.text
    # Translators: an answer whose option the question no longer has, named by its code.
    return _("option %(code)s") % {"code": code}


def _scores(response: Response) -> dict[str, Any] | None:
    score = ResponseScore.objects.filter(response=response).first()
    if score is None:
        return None
    return {
        "scored_at": score.scored_at,
        "overall": score.overall,
        "overall_bucket": score.overall_bucket,
        "pillars": list(score.pillars.order_by("position").values("pillar_key", "score", "bucket")),
        "kpis": {
            "nrr": score.nrr,
            "retention": score.retention,
            "nps": score.nps,
            "customers_per_csm": score.customers_per_csm,
        },
    }


def _team(response: Response) -> dict[str, Any] | None:
    member = TeamMember.objects.filter(response=response).select_related("team").first()
    if member is None:
        return None
    return {
        "status": member.status,
        "name_shown_to_members": member.shows_name,
        "joined_at": member.joined_at,
        "left_at": member.left_at,
    }


def _plain(value: Any) -> Any:
    """JSON's types: decimals as strings (exact), dates and times in ISO 8601."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
