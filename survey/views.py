"""The survey in the browser: landing page, one page per section, resume links, thank-you."""

from __future__ import annotations

import math
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from benchmarks.selectors import benchmark_kept_latest, stored_benchmark
from benchmarks.snapshots import outcome_lens_shown, results_with_peer_roadmap
from reports.sections import kpis_to_track_context, radar_context, revenue_at_stake_context
from reports.selectors import report_latest
from reports.services import report_download_path
from reports.views import NO_REPORT_TEXT
from responses.answers import (
    AnswerValue,
    ParsedAnswer,
    answer_parse,
    answers_count,
    answers_unanswered,
    number_shown,
)
from responses.bank_texts import bank_spec_shown
from responses.consent import CONSENT_MISSING, consent_given
from responses.languages import campaign_language_activate
from responses.models import Campaign, QuestionBank, Response
from responses.page_limits import limit_wait
from responses.selectors import (
    bank_current,
    bank_spec_for,
    response_by_token,
    response_is_expired,
    response_results,
)
from responses.services import response_save_answers, response_start
from roadmaps.selectors import targets_for
from scoring.bank import BankSpec, Kind, QuestionSpec
from survey.comparison_views import comparison_refresh_offer
from survey.pages import SurveyPage, first_page_with, survey_pages
from survey.progress_views import results_progress_context
from survey.question_html import QuestionOnPage, question_html
from survey.results_page import results_peer_table, results_summary
from survey.services import response_complete, resume_link_queue, resume_url

SESSION_DRAFT_KEY = "survey_draft_token"
NAVIGATION = {"next", "back", "save"}


def landing(request: HttpRequest) -> HttpResponse:
    bank = bank_current()
    if bank is None:
        return render(request, "survey/unavailable.html", status=503)
    return landing_page(request, bank=bank, draft=_session_draft(request, bank.pk))


def landing_page(
    request: HttpRequest,
    *,
    bank: QuestionBank,
    campaign: Campaign | None = None,
    start_url: str = "",
    draft: Response | None = None,
    consent_error: str = "",
) -> HttpResponse:
    """The start page: the public one, a campaign's or an invitation's (their `start_url`);
    again with `consent_error` when a start came without the consent box ticked."""
    spec = bank_spec_shown(bank=bank)
    return render(
        request,
        "survey/landing.html",
        {
            "spec": spec,
            "draft": draft,
            "question_total": len(spec.questions),
            "page_total": len(survey_pages(spec)),
            "campaign": campaign,
            "start_url": start_url,
            "consent_error": consent_error,
        },
    )


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    bank = bank_current()
    if bank is None:
        return render(request, "survey/unavailable.html", status=503)
    draft = _session_draft(request, bank.pk)
    # A double click or a replayed POST continues the same draft instead of opening another;
    # opening nothing, it does not count against the client's limit of new surveys.
    if draft is not None and not request.POST.get("fresh"):
        return redirect("survey:resume", token=draft.token)
    if not consent_given(request):
        return landing_page(request, bank=bank, draft=draft, consent_error=str(CONSENT_MISSING))
    wait = limit_wait(request, group="survey-start", rate_setting="SURVEY_START_LIMIT")
    if wait is not None:
        return _too_many_starts(request, wait, draft)
    response = response_start(bank=bank, consented=True)
    request.session[SESSION_DRAFT_KEY] = response.token
    return redirect("survey:resume", token=response.token)


def campaign_landing(request: HttpRequest, token: str) -> HttpResponse:
    """A consultant's link for one client: the same survey, its answers kept with the campaign."""
    campaign = _campaign_or_404(token)
    campaign_language_activate(request, campaign)
    if not campaign.is_open():
        return render(request, "survey/campaign_closed.html", {"campaign": campaign}, status=410)
    start_url = reverse("survey:campaign-start", args=[token])
    return landing_page(request, bank=campaign.bank, campaign=campaign, start_url=start_url)


@require_POST
def campaign_start(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _campaign_or_404(token)
    campaign_language_activate(request, campaign)
    if not campaign.is_open():
        return render(request, "survey/campaign_closed.html", {"campaign": campaign}, status=410)
    draft = _session_draft(request, campaign.bank_id)
    if draft is not None and draft.campaign_id == campaign.pk:  # a double click, as in start()
        return redirect("survey:resume", token=draft.token)
    if not consent_given(request):
        return landing_page(
            request,
            bank=campaign.bank,
            campaign=campaign,
            start_url=reverse("survey:campaign-start", args=[token]),
            consent_error=str(CONSENT_MISSING),
        )
    wait = limit_wait(
        request, group="survey-campaign-start", rate_setting="SURVEY_CAMPAIGN_START_LIMIT"
    )
    if wait is not None:
        return _too_many_starts(request, wait, draft=None)
    response = response_start(bank=campaign.bank, campaign=campaign, consented=True)
    request.session[SESSION_DRAFT_KEY] = response.token
    return redirect("survey:resume", token=response.token)


def _too_many_starts(request: HttpRequest, wait: int, draft: Response | None) -> HttpResponse:
    """429: this client has opened as many new surveys as it may for now; a draft it already
    has goes on as before, and the page links to it."""
    context = {"minutes": math.ceil(wait / 60), "draft": draft}
    reply = render(request, "survey/too_many_starts.html", context, status=429)
    reply["Retry-After"] = str(wait)
    return reply


def _campaign_or_404(token: str) -> Campaign:
    campaign = Campaign.objects.select_related("bank", "owner").filter(token=token).first()
    if campaign is None:
        raise Http404("This survey link is not valid.")
    return campaign


def resume(request: HttpRequest, token: str) -> HttpResponse:
    response = _response_or_404(token)
    if (elsewhere := _not_answerable(request, response)) is not None:
        return elsewhere
    request.session[SESSION_DRAFT_KEY] = response.token
    spec = bank_spec_for(bank=response.bank)
    pages = survey_pages(spec)
    unanswered = {q.number for q in answers_unanswered(spec, response.answers)}
    first = first_page_with(pages, unanswered) or pages[-1]
    return redirect("survey:page", token=token, page=first.number)


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, token: str, page: int) -> HttpResponse:
    response = _response_or_404(token)
    if (elsewhere := _not_answerable(request, response)) is not None:
        return elsewhere
    spec = bank_spec_shown(bank=response.bank)  # in the response's language; same codes
    pages = survey_pages(spec)
    if not 1 <= page <= len(pages):
        raise Http404("No such page in this survey.")
    current = pages[page - 1]
    if request.method == "GET":
        shown = [_from_stored(q, response.answers) for q in current.questions]
        return _render_page(request, response, spec, pages, current, shown)

    navigation = request.POST.get("nav", "next")
    if request.POST.get("step") != str(page) or navigation not in NAVIGATION:
        return HttpResponseBadRequest(
            _(
                "This form was changed before it was sent, so nothing on it was saved. "
                "Go back to the survey page and answer again."
            )
        )
    shown, answers, cleared = _read_page(request, current, strict=navigation == "next")
    address_before = response.email
    if not response_save_answers(response=response, answers=answers, cleared=cleared):
        return redirect("survey:done", token=token)
    resume_link_queue(
        response=response, address_before=address_before, request_base_url=_base_url(request)
    )
    if any(question.error for question in shown):
        return _render_page(request, response, spec, pages, current, shown, status=200)
    if navigation == "back":
        return redirect("survey:page", token=token, page=max(page - 1, 1))
    if navigation == "save":
        return redirect("survey:saved", token=token)
    if page < len(pages):
        return redirect("survey:page", token=token, page=page + 1)
    return _complete(request, response, pages)


def saved(request: HttpRequest, token: str) -> HttpResponse:
    response = _response_or_404(token)
    if response.is_completed:
        return redirect("survey:done", token=token)
    return render(
        request,
        "survey/saved.html",
        {
            "response": response,
            "resume_url": resume_url(response=response, request_base_url=_base_url(request)),
            "draft_days": settings.SURVEY_DRAFT_DAYS,
        },
    )


def done(request: HttpRequest, token: str) -> HttpResponse:
    """The results page: shown right after the last page, and again through the same link."""
    response = _response_or_404(token)
    if not response.is_completed:
        return redirect("survey:resume", token=token)
    request.session.pop(SESSION_DRAFT_KEY, None)
    kept = benchmark_kept_latest(response=response)
    benchmark = stored_benchmark(kept) if kept is not None else None
    results = results_with_peer_roadmap(results=response_results(response=response), benchmark=kept)
    report = report_latest(response=response)
    return render(
        request,
        "survey/results.html",
        {
            "results": results,
            "summary": results_summary(results),
            "benchmark": benchmark,
            "outcome_lens": outcome_lens_shown(benchmark=kept),
            **radar_context(
                results=results, benchmark=benchmark, targets=targets_for(response=response)
            ),
            **revenue_at_stake_context(results=results, benchmark=benchmark),
            **kpis_to_track_context(results=results),
            "peer_table": results_peer_table(comparison=benchmark.comparison, results=results)
            if benchmark
            else None,
            "comparison_date": comparison_refresh_offer(
                response=response, benchmark=benchmark, report=report
            ),
            "roadmap_url": reverse("survey:roadmap", args=[token]),
            "your_data_url": reverse("survey:your-data", args=[token]),
            "response": response,
            **results_progress_context(response=response),
            "report": report,
            "report_status_url": reverse("reports:status", args=[token]),
            "report_request_url": reverse("reports:request", args=[token]),
            "report_status_text": report.status_text if report else NO_REPORT_TEXT,
            "report_download_url": report_download_path(report)
            if report and report.is_ready
            else None,
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def _complete(
    request: HttpRequest, response: Response, pages: tuple[SurveyPage, ...]
) -> HttpResponse:
    result = response_complete(response=response)
    if result.problem is not None:
        # Answers that pass the page checks but cannot be scored: the bank changed under them.
        # Translators: %(problem)s is a sentence saying what is wrong with one answer.
        text = _("%(problem)s Please answer it again.") % {"problem": result.problem}
        messages.error(request, text)
        first = first_page_with(pages, {result.problem.question_number}) or pages[0]
        return redirect("survey:page", token=response.token, page=first.number)
    if result.unanswered:
        numbers = ", ".join(str(n) for n in result.unanswered)
        # Translators: %(numbers)s lists question numbers, such as "3, 7, 12".
        text = _("Some required questions are still unanswered: %(numbers)s.")
        messages.error(request, text % {"numbers": numbers})
        first = first_page_with(pages, set(result.unanswered)) or pages[0]
        return redirect("survey:page", token=response.token, page=first.number)
    return redirect("survey:done", token=response.token)


def _read_page(
    request: HttpRequest, current: SurveyPage, strict: bool
) -> tuple[list[QuestionOnPage], dict[str, AnswerValue], set[str]]:
    """Check every answer on the page. Moving back or saving does not insist on required ones."""
    shown, answers, cleared = [], {}, set()
    for question in current.questions:
        raw = request.POST.getlist(f"q{question.number}")
        unknown = request.POST.get(f"q{question.number}_unknown") == "1"
        parsed = answer_parse(question, raw, unknown)
        if parsed.error and not strict and not any(v.strip() for v in raw) and not unknown:
            parsed = ParsedAnswer()
        key = str(question.number)
        if parsed.given:
            answers[key] = parsed.value
        elif parsed.error is None:
            cleared.add(key)
        shown.append(_from_raw(question, raw, unknown, parsed.error))
    return shown, answers, cleared


def _from_raw(
    question: QuestionSpec, raw: list[str], unknown: bool, error: str | None
) -> QuestionOnPage:
    if question.kind in (Kind.SINGLE, Kind.MULTI):
        return QuestionOnPage(question, chosen=frozenset(raw), error=error)
    return QuestionOnPage(question, typed=raw[0] if raw else "", unknown=unknown, error=error)


def _from_stored(question: QuestionSpec, answers: dict[str, AnswerValue]) -> QuestionOnPage:
    key = str(question.number)
    if key not in answers:
        return QuestionOnPage(question)
    value = answers[key]
    if value is None:
        return QuestionOnPage(question, unknown=True)
    if isinstance(value, list):
        return QuestionOnPage(question, chosen=frozenset(str(code) for code in value))
    if question.kind == Kind.SINGLE:
        return QuestionOnPage(question, chosen=frozenset({str(value)}))
    if question.kind in (Kind.INTEGER, Kind.PERCENT) and isinstance(value, int | float):
        # As the page's language writes it ("96,5" in German), so it reads back the same.
        return QuestionOnPage(question, typed=number_shown(Decimal(str(value))))
    return QuestionOnPage(question, typed=str(value))


def _render_page(
    request: HttpRequest,
    response: Response,
    spec: BankSpec,
    pages: tuple[SurveyPage, ...],
    current: SurveyPage,
    shown: list[QuestionOnPage],
    status: int = 200,
) -> HttpResponse:
    answered = answers_count(spec, response.answers)
    total = len(spec.questions)
    context = {
        "spec": spec,
        "response": response,
        "page": current,
        "page_total": len(pages),
        "is_last": current.number == len(pages),
        "questions": [question_html(question) for question in shown],
        "draft_days": settings.SURVEY_DRAFT_DAYS,
        "errors": [q for q in shown if q.error],
        "answered": answered,
        "question_total": total,
        "percent": round(100 * answered / total) if total else 0,
        "resume_url": resume_url(response=response, request_base_url=_base_url(request)),
        "action": reverse("survey:page", args=[response.token, current.number]),
    }
    return render(request, "survey/page.html", context, status=status)


def _not_answerable(request: HttpRequest, response: Response) -> HttpResponse | None:
    """Where a response that takes no more answers leads: a completed one to its results, an
    expired draft to a page that says so, and so does a draft of a campaign that has closed
    since it was started. None: it can be answered."""
    if response.is_completed:
        return redirect("survey:done", token=response.token)
    if response_is_expired(response=response):
        return _expired(request)
    campaign = response.campaign
    if campaign is not None and not campaign.is_open():
        context = {"campaign": campaign}
        return render(request, "survey/campaign_closed.html", context, status=410)
    return None


def _expired(request: HttpRequest) -> HttpResponse:
    context = {"draft_days": settings.SURVEY_DRAFT_DAYS}
    return render(request, "survey/expired.html", context, status=410)


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _response_or_404(token: str) -> Response:
    response = response_by_token(token=token)
    if response is None:
        raise Http404("This survey link is not valid.")
    return response


def _session_draft(request: HttpRequest, bank_id: int) -> Response | None:
    token = request.session.get(SESSION_DRAFT_KEY)
    response = response_by_token(token=token) if isinstance(token, str) else None
    if (
        response is None
        or response.bank_id != bank_id
        or response.is_completed
        or response_is_expired(response=response)
    ):
        return None
    return response
