"""Campaigns: a consultant's survey link per client, the responses taken through it, exports.

Reads and writes of campaigns live here together; who may see a campaign is decided in
`responses.access`, so a campaign that is not the user's is simply not found.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
from django.contrib.auth.models import User as Account
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from benchmarks.selectors import benchmark_k, pool_medians
from responses.bank_texts import bank_spec_shown
from responses.languages import DEFAULT_LANGUAGE, language_known
from responses.models import Campaign, QuestionBank, Response, ResponseScore
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec, Kind
from scoring.kpis import KPI_KEYS
from scoring.rounding import round_half_up


def campaign_create(
    *,
    owner: Account,
    client_name: str,
    note: str,
    bank: QuestionBank,
    closes_on: date | None,
    reminder_days: int = 0,
    reminder_limit: int = 2,
    language: str = DEFAULT_LANGUAGE,
) -> Campaign:
    return Campaign.objects.create(
        owner=owner,
        client_name=client_name.strip(),
        note=note.strip(),
        bank=bank,
        closes_on=closes_on,
        reminder_days=reminder_days,
        reminder_limit=reminder_limit,
        language=language_known(language),
    )


class CampaignChangeRefused(Exception):
    """The change was not made; the message says why, for the consultant."""


def campaign_update(
    *,
    campaign: Campaign,
    client_name: str,
    note: str,
    bank: QuestionBank,
    closes_on: date | None,
    reminder_days: int = 0,
    reminder_limit: int = 2,
    language: str | None = None,
) -> Campaign:
    """New details (the language stays as it is when none is given); the question bank changes
    only while nobody has answered through the link (answers belong to the bank they were given
    on)."""
    if bank.pk != campaign.bank_id and campaign.responses.exists():
        raise CampaignChangeRefused(
            _(
                "The question bank cannot change: people have already answered on "
                "%(bank)s v%(version)s. Start a new campaign for another version."
            )
            % {"bank": campaign.bank.title, "version": campaign.bank.version}
        )
    campaign.client_name, campaign.note = client_name.strip(), note.strip()
    campaign.bank, campaign.closes_on = bank, closes_on
    campaign.reminder_days, campaign.reminder_limit = reminder_days, reminder_limit
    fields = ["client_name", "note", "bank", "closes_on", "reminder_days", "reminder_limit"]
    if language is not None:
        campaign.language = language_known(language)
        fields.append("language")
    campaign.save(update_fields=fields)
    return campaign


def campaign_close(*, campaign: Campaign) -> None:
    """The link takes no new answers from now; what was answered stays."""
    if campaign.closed_at is None:
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at"])


def campaign_reopen(*, campaign: Campaign) -> str:
    """The link takes answers again (out of the archive too). A closing day already past is
    dropped, or the campaign would stay closed. Returns what the consultant is told."""
    told = _("The link takes answers again.")
    if campaign.closes_on is not None and campaign.closes_on < timezone.localdate():
        campaign.closes_on = None
        told = _(
            "The link takes answers again. Its closing date had passed, so it now has none: set "
            "one with Edit."
        )
    campaign.closed_at = campaign.archived_at = None
    campaign.save(update_fields=["closed_at", "archived_at", "closes_on"])
    return told


def campaign_archive(*, campaign: Campaign) -> None:
    """Put away: closed, listed apart, kept with every response (never deleted)."""
    now = timezone.now()
    campaign.closed_at = campaign.closed_at or now
    campaign.archived_at = now
    campaign.save(update_fields=["closed_at", "archived_at"])


def campaign_unarchive(*, campaign: Campaign) -> None:
    """Back among the campaigns in use, still closed until reopened."""
    campaign.archived_at = None
    campaign.save(update_fields=["archived_at"])


def campaign_delete(*, campaign: Campaign) -> None:
    """Only a campaign nobody answered goes for good; one with responses is archived instead,
    so that no response is lost by a click."""
    if campaign.responses.exists():
        raise CampaignChangeRefused(
            _(
                "This campaign has responses, so it cannot be deleted: archive it instead. Its "
                "respondents can erase their own data through their private links."
            )
        )
    campaign.delete()


def banks_for_campaigns() -> QuerySet[QuestionBank]:
    """Versions a campaign can use: published or archived (never an editable draft)."""
    return QuestionBank.objects.exclude(status=QuestionBank.Status.DRAFT).order_by(
        "key", "-version"
    )


def campaign_responses(*, campaign: Campaign) -> QuerySet[Response]:
    return (
        campaign.responses.select_related("score")
        .prefetch_related("reports")
        .order_by("-completed_at", "-created_at")
    )


def campaign_export_frame(*, campaign: Campaign) -> pd.DataFrame:
    """One row per response: status, profile, scores by pillar, KPIs, then every answer by
    question number (option texts, not codes), as a spreadsheet reader expects."""
    spec = bank_spec_for(bank=campaign.bank)
    responses = list(campaign.responses.select_related("score").order_by("created_at", "pk"))
    scores = {
        score.response_id: score
        for score in ResponseScore.objects.filter(response__in=responses).prefetch_related(
            "pillars"
        )
    }
    rows = [_export_row(spec, response, scores.get(response.pk)) for response in responses]
    return pd.DataFrame(rows, columns=_export_columns(spec))


def _export_columns(spec: BankSpec) -> list[str]:
    return [
        "response_id",
        "status",
        "email",
        "completed_at",
        "region",
        "industry",
        "arr_band",
        "overall",
        "overall_bucket",
        *[f"pillar_{pillar.key}" for pillar in spec.pillars],
        *KPI_KEYS,
        *[f"q{question.number}" for question in spec.questions],
    ]


def _export_row(spec: BankSpec, response: Response, score: ResponseScore | None) -> list[object]:
    pillars = {row.pillar_key: row.score for row in score.pillars.all()} if score else {}
    return [
        response.public_id,
        response.status,
        _cell(response.email.strip().lower()),
        response.completed_at.isoformat() if response.completed_at else "",
        _cell(response.region),
        _cell(response.industry),
        _cell(response.arr_band),
        score.overall if score else None,
        spec.bucket_name(score.overall_bucket) if score else "",
        *[pillars.get(pillar.key) for pillar in spec.pillars],
        *[(getattr(score, kpi) if score else None) for kpi in KPI_KEYS],
        *[
            _answer_text(spec, number, response.answers.get(str(number)))
            for number in (q.number for q in spec.questions)
        ],
    ]


def _answer_text(spec: BankSpec, number: int, value: object) -> object:
    question = spec.question(number)
    if value is None or question is None:
        return None
    if question.kind in (Kind.SINGLE, Kind.MULTI):
        codes: Sequence[object] = value if isinstance(value, list) else [value]
        texts = [
            option.text
            for code in codes
            if isinstance(code, int) and (option := question.option_by_code(code)) is not None
        ]
        return _cell("; ".join(texts))
    return _cell(value)


def _cell(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def campaign_csv(*, campaign: Campaign) -> bytes:
    buffer = io.StringIO()
    campaign_export_frame(campaign=campaign).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8


@dataclass(frozen=True, slots=True)
class SummaryRow:
    name: str
    scores: tuple[Decimal, ...]  # one per respondent, in `CampaignSummary.respondents` order
    campaign_median: Decimal
    pool_median: Decimal | None  # None: the pool has fewer than K peers


@dataclass(frozen=True, slots=True)
class CampaignSummary:
    respondents: tuple[str, ...]
    rows: tuple[SummaryRow, ...]
    pool_size: int | None
    k: int


def campaign_summary(*, campaign: Campaign) -> CampaignSummary | None:
    """The campaign's respondents side by side, their median, and the whole pool's median."""
    completed = list(
        campaign.responses.filter(status=Response.Status.COMPLETED, score__isnull=False)
        .select_related("score")
        .prefetch_related("score__pillars")
        .order_by("completed_at", "pk")
    )
    if not completed:
        return None
    spec = bank_spec_shown(bank=campaign.bank)
    pool = pool_medians()
    by_response = [
        {row.pillar_key: row.score for row in response.score.pillars.all()}
        for response in completed
    ]
    overall_median = pool.overall if pool else None
    rows = [_summary_row(_("Overall"), [r.score.overall for r in completed], overall_median)]
    for pillar in spec.pillars:
        scores = [scores.get(pillar.key, Decimal(0)) for scores in by_response]
        pool_median = pool.pillars.get(pillar.key) if pool else None
        rows.append(_summary_row(pillar.name, scores, pool_median))
    return CampaignSummary(
        respondents=tuple(_respondent_label(spec, r, n) for n, r in enumerate(completed, 1)),
        rows=tuple(rows),
        pool_size=pool.n if pool else None,
        k=benchmark_k(),
    )


def _respondent_label(spec: BankSpec, response: Response, number: int) -> str:
    """The name they gave (a consultant knows their client's people by name), else the address."""
    asked = spec.question_for_role("name")
    name = response.answers.get(str(asked.number)) if asked else None
    return str(name or response.email or _("Respondent %(number)s") % {"number": number})


def _summary_row(name: str, scores: list[Decimal], pool_median: Decimal | None) -> SummaryRow:
    ordered = sorted(Fraction(score) for score in scores)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return SummaryRow(name, tuple(scores), round_half_up(median), pool_median)


def campaign_xlsx(*, campaign: Campaign) -> bytes:
    """The same table as the CSV, as an Excel workbook."""
    buffer = io.BytesIO()
    frame = campaign_export_frame(campaign=campaign)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Responses")
    return buffer.getvalue()
