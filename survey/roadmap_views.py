"""The respondent's roadmap, through their private link: targets, milestones, exports, and a
new PDF that prints them. The pages themselves are roadmaps/pages.py's."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports.selectors import report_latest
from reports.services import WAITING, report_download_path, report_request
from reports.views import NO_REPORT_TEXT
from responses.models import Response
from responses.selectors import response_by_token
from roadmaps.pages import (
    RoadmapPlace,
    milestone_delete_page,
    milestone_page,
    roadmap_export,
    roadmap_page,
    roadmap_urlpatterns,
)


@require_http_methods(["GET", "POST"])
def roadmap(request: HttpRequest, token: str) -> HttpResponse:
    response = response_by_token(token=token)
    if response is None:
        raise Http404("This survey link is not valid.")
    if not response.is_completed:  # a roadmap starts from the scores: finish the survey first
        return redirect("survey:resume", token=token)
    return roadmap_page(request, _place(response, with_report=True))


@require_http_methods(["GET", "POST"])
def milestone(request: HttpRequest, token: str, milestone_id: str) -> HttpResponse:
    return milestone_page(request, _place(_completed_or_404(token)), milestone_id)


@require_http_methods(["GET", "POST"])
def milestone_delete(request: HttpRequest, token: str, milestone_id: str) -> HttpResponse:
    return milestone_delete_page(request, _place(_completed_or_404(token)), milestone_id)


@require_GET
def export(request: HttpRequest, token: str, extension: str) -> HttpResponse:
    return roadmap_export(_place(_completed_or_404(token)), extension)


@require_POST
def pdf(request: HttpRequest, token: str) -> HttpResponse:
    """A new PDF, printing the roadmap as it is now; one already on its way is not doubled."""
    response = _completed_or_404(token)
    report = report_request(response=response, unless_latest=WAITING)
    if report.status in WAITING:
        messages.success(request, _("Your new PDF is being made; it will be ready in a moment."))
    return redirect(reverse("survey:roadmap", args=[token]) + "#report")


def _completed_or_404(token: str) -> Response:
    response = response_by_token(token=token)
    if response is None or not response.is_completed:
        raise Http404("This survey link is not valid.")
    return response


def _place(response: Response, *, with_report: bool = False) -> RoadmapPlace:
    token = response.token
    return RoadmapPlace(
        response=response,
        namespace="survey",
        args=(token,),
        base_template="base.html",
        heading=_("Your roadmap"),
        back_url=reverse("survey:done", args=[token]),
        back_text=_("Your results"),
        context=_report_context(response) if with_report else {},
    )


def _report_context(response: Response) -> dict[str, object]:
    """What the PDF panel shows (templates/reports/includes/report_status.html)."""
    report = report_latest(response=response)
    return {
        "report": report,
        "report_status_url": reverse("reports:status", args=[response.token]),
        "report_request_url": reverse("survey:roadmap-pdf", args=[response.token]),
        "report_status_text": report.status_text if report else NO_REPORT_TEXT,
        "report_download_url": report_download_path(report) if report and report.is_ready else None,
        "report_scripts": True,
    }


# Under "survey/<token>/" (survey/urls.py).
urlpatterns = roadmap_urlpatterns(
    roadmap=roadmap, pdf=pdf, export=export, milestone=milestone, milestone_delete=milestone_delete
)
