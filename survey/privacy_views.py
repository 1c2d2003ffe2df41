"""The respondent's own data, through their private link: what is kept and who sees it, a
download of all of it (JSON, `survey.data_export`), and erasing it after a confirmation
(`responses.erasure`, which removes every copy). Whoever holds the link holds the data."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from benchmarks.selectors import benchmark_k, benchmark_window_months
from responses.branding import consultant_shown
from responses.erasure import responses_erase, retention_months
from responses.models import Erasure, Response
from responses.selectors import response_by_token
from survey.data_export import response_data_export
from survey.views import SESSION_DRAFT_KEY


@never_cache
@require_GET
def your_data(request: HttpRequest, token: str) -> HttpResponse:
    response = response_by_token(token=token)
    if response is None:
        return nothing_here(request)
    return render(request, "survey/your_data.html", _context(response))


@never_cache
@require_GET
def your_data_download(request: HttpRequest, token: str) -> HttpResponse:
    response = response_by_token(token=token)
    if response is None:
        return nothing_here(request)
    body = json.dumps(response_data_export(response=response), ensure_ascii=False, indent=2)
    download = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"cspi-benchmark-my-data-{timezone.localdate():%Y-%m-%d}.json"
    download["Content-Disposition"] = f'attachment; filename="{filename}"'
    return download


@never_cache
@require_POST
def your_data_erase(request: HttpRequest, token: str) -> HttpResponse:
    response = response_by_token(token=token)
    if response is None:  # erased already (a second click, the page sent again) or mistyped
        return nothing_here(request)
    if request.POST.get("confirm") != "yes":
        context = _context(response) | {
            "confirm_error": _("Tick the box to confirm that you want everything erased.")
        }
        return render(request, "survey/your_data.html", context)
    responses_erase(
        responses=Response.objects.filter(pk=response.pk), reason=Erasure.Reason.RESPONDENT
    )
    if request.session.get(SESSION_DRAFT_KEY) == token:
        request.session.pop(SESSION_DRAFT_KEY, None)
    return redirect("survey:erased")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "survey/privacy.html",
        {
            "k": benchmark_k(),
            "window_months": benchmark_window_months(),
            "retention_months": retention_months(),
            "draft_days": settings.SURVEY_DRAFT_DAYS,
        },
    )


def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/erased.html", {"erased_now": True})


def nothing_here(request: HttpRequest) -> HttpResponse:
    """A private link with no assessment behind it (erased, or mistyped): 404, said plainly."""
    return render(request, "survey/erased.html", {"erased_now": False}, status=404)


def _context(response: Response) -> dict[str, object]:
    campaign = response.campaign
    return {
        "response": response,
        "campaign": campaign,
        "consultant": consultant_shown(campaign.owner) if campaign else "",
        "k": benchmark_k(),
        "back_url": reverse(
            "survey:done" if response.is_completed else "survey:resume", args=[response.token]
        ),
    }
