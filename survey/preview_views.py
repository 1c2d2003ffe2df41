"""An admin's preview of a question bank as a respondent sees it, storing nothing.

The pages are the survey's own: the same page grouping (survey.pages), the same question HTML
and page template, the same checks of every answer (survey.views reads a page exactly as it
does for a respondent). What differs is where the answers go: not into a Response row, but into
the admin's own session under a key of the bank's, so Next and Back carry them between pages and
nothing reaches the pool, the scores or the workers. The last page says what the scores would be.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from responses.answers import AnswerValue, answers_count, answers_unanswered
from responses.models import QuestionBank
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec
from scoring.errors import ScoringError
from scoring.scores import ResponseScores, response_score
from survey import views as survey_views
from survey.pages import SurveyPage, first_page_with, survey_pages
from survey.question_html import QuestionOnPage, question_html

PREVIEW_NAVIGATION = {"next", "back"}  # a preview has nothing to save for later


@staff_member_required
@require_GET
def preview_start(request: HttpRequest, bank_id: int) -> HttpResponse:
    """Each preview opened from the admin starts blank, at the first page."""
    bank = _bank_or_denied(request, bank_id)
    request.session.pop(_session_key(bank), None)
    if not survey_pages(bank_spec_for(bank=bank)):
        return redirect("survey:bank-preview-end", bank_id=bank.pk)
    return redirect("survey:bank-preview-page", bank_id=bank.pk, page=1)


@staff_member_required
@require_http_methods(["GET", "POST"])
def preview_page(request: HttpRequest, bank_id: int, page: int) -> HttpResponse:
    bank = _bank_or_denied(request, bank_id)
    spec = bank_spec_for(bank=bank)
    pages = survey_pages(spec)
    if not 1 <= page <= len(pages):
        raise Http404("No such page in this bank.")
    current = pages[page - 1]
    kept = _kept_answers(request, bank)
    if request.method == "GET":
        shown = [survey_views._from_stored(q, kept) for q in current.questions]
        return _render_page(request, bank, spec, pages, current, shown, kept)

    navigation = request.POST.get("nav", "next")
    if request.POST.get("step") != str(page) or navigation not in PREVIEW_NAVIGATION:
        return HttpResponseBadRequest(
            _(
                "This form was changed before it was sent. Go back to the preview page and try "
                "again."
            )
        )
    shown, answers, cleared = survey_views._read_page(request, current, strict=navigation == "next")
    kept = {key: value for key, value in {**kept, **answers}.items() if key not in cleared}
    request.session[_session_key(bank)] = kept
    if any(question.error for question in shown):
        return _render_page(request, bank, spec, pages, current, shown, kept)
    if navigation == "back":
        return redirect("survey:bank-preview-page", bank_id=bank.pk, page=max(page - 1, 1))
    if page < len(pages):
        return redirect("survey:bank-preview-page", bank_id=bank.pk, page=page + 1)
    return redirect("survey:bank-preview-end", bank_id=bank.pk)


@staff_member_required
@require_GET
def preview_end(request: HttpRequest, bank_id: int) -> HttpResponse:
    """The end of the preview: the scores these answers would get, once every required
    question has an answer (as the survey insists before it scores)."""
    bank = _bank_or_denied(request, bank_id)
    spec = bank_spec_for(bank=bank)
    pages = survey_pages(spec)
    kept = _kept_answers(request, bank)
    unanswered = [question.number for question in answers_unanswered(spec, kept)]
    if unanswered and pages:
        numbers = ", ".join(str(number) for number in unanswered)
        messages.error(
            request,
            _("Some required questions are still unanswered: %(numbers)s.") % {"numbers": numbers},
        )
        first = first_page_with(pages, set(unanswered)) or pages[0]
        return redirect("survey:bank-preview-page", bank_id=bank.pk, page=first.number)
    scores, problem = _scores_or_problem(spec, kept)
    context = {
        **_preview_context(bank, spec, pages),
        "scores": scores,
        "problem": problem,
    }
    return render(request, "survey/preview_end.html", context)


urlpatterns = [
    path("", preview_start, name="bank-preview"),
    path("page/<int:page>/", preview_page, name="bank-preview-page"),
    path("end/", preview_end, name="bank-preview-end"),
]


def _bank_or_denied(request: HttpRequest, bank_id: int) -> QuestionBank:
    """Staff who may see the banks in admin may preview any of them; a draft is not public."""
    user = request.user
    if not (
        user.has_perm("responses.view_questionbank")
        or user.has_perm("responses.change_questionbank")
    ):
        raise PermissionDenied
    return get_object_or_404(QuestionBank, pk=bank_id)


def _session_key(bank: QuestionBank) -> str:
    return f"bank_preview:{bank.pk}"


def _kept_answers(request: HttpRequest, bank: QuestionBank) -> dict[str, AnswerValue]:
    kept = request.session.get(_session_key(bank))
    return dict(kept) if isinstance(kept, dict) else {}


def _scores_or_problem(
    spec: BankSpec, answers: dict[str, AnswerValue]
) -> tuple[ResponseScores | None, str | None]:
    """A draft can still hold what publishing would refuse (points out of range, a pillar
    without buckets): the preview then says why it cannot score instead of failing."""
    if not spec.pillars:
        return None, _("This bank has no pillars, so there is nothing to score.")
    try:
        return response_score(spec=spec, answers=answers), None
    except ScoringError as error:
        return None, _("%(error)s The bank may have changed since it was answered.") % {
            "error": error
        }
    except (ValueError, ArithmeticError) as error:
        return None, _("These answers cannot be scored with this bank: %(error)s") % {
            "error": error
        }


def _preview_context(
    bank: QuestionBank, spec: BankSpec, pages: tuple[SurveyPage, ...]
) -> dict[str, object]:
    return {
        "spec": spec,
        "bank": bank,
        "page_total": len(pages),
        "restart_url": reverse("survey:bank-preview", args=[bank.pk]),
        "admin_url": reverse("admin:responses_questionbank_change", args=[bank.pk]),
    }


def _render_page(
    request: HttpRequest,
    bank: QuestionBank,
    spec: BankSpec,
    pages: tuple[SurveyPage, ...],
    current: SurveyPage,
    shown: list[QuestionOnPage],
    kept: dict[str, AnswerValue],
) -> HttpResponse:
    """The survey's page template with the preview's banner and none of a draft's saving."""
    answered = answers_count(spec, kept)
    total = len(spec.questions)
    context = {
        **_preview_context(bank, spec, pages),
        "page": current,
        "is_last": current.number == len(pages),
        "questions": [question_html(question) for question in shown],
        "errors": [q for q in shown if q.error],
        "answered": answered,
        "question_total": total,
        "percent": round(100 * answered / total) if total else 0,
        "action": reverse("survey:bank-preview-page", args=[bank.pk, current.number]),
    }
    return render(request, "survey/preview_page.html", context)
