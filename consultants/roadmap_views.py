"""The roadmap of a response taken through one of the consultant's campaigns: the same pages as
the respondent's (roadmaps/pages.py). Any other campaign or response answers 404, as one that
does not exist (responses.access decides)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports.selectors import report_latest
from reports.services import WAITING, report_request
from responses.access import campaigns_visible_to, responses_visible_to
from responses.models import Response
from roadmaps.pages import (
    RoadmapPlace,
    milestone_delete_page,
    milestone_page,
    roadmap_export,
    roadmap_page,
    roadmap_urlpatterns,
)


@login_required
@require_http_methods(["GET", "POST"])
def roadmap(request: HttpRequest, token: str, public_id: str) -> HttpResponse:
    return roadmap_page(request, _place(request, token, public_id, with_report=True))


@login_required
@require_http_methods(["GET", "POST"])
def milestone(request: HttpRequest, token: str, public_id: str, milestone_id: str) -> HttpResponse:
    return milestone_page(request, _place(request, token, public_id), milestone_id)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_delete(
    request: HttpRequest, token: str, public_id: str, milestone_id: str
) -> HttpResponse:
    return milestone_delete_page(request, _place(request, token, public_id), milestone_id)


@login_required
@require_GET
def export(request: HttpRequest, token: str, public_id: str, extension: str) -> HttpResponse:
    return roadmap_export(_place(request, token, public_id), extension)


@login_required
@require_POST
def pdf(request: HttpRequest, token: str, public_id: str) -> HttpResponse:
    response = _response_or_404(request, token, public_id)
    report = report_request(response=response, unless_latest=WAITING)
    if report.status in WAITING:
        messages.success(request, _("A new PDF is being made; reload this page in a moment."))
    return redirect(reverse("workspace:roadmap", args=[token, public_id]) + "#report")


def _response_or_404(request: HttpRequest, token: str, public_id: str) -> Response:
    campaign = get_object_or_404(campaigns_visible_to(request.user), token=token)
    readable = responses_visible_to(request.user).filter(campaign=campaign)
    return get_object_or_404(readable.select_related("bank"), public_id=public_id)


def _place(
    request: HttpRequest, token: str, public_id: str, *, with_report: bool = False
) -> RoadmapPlace:
    response = _response_or_404(request, token, public_id)
    report = report_latest(response=response) if with_report else None
    return RoadmapPlace(
        response=response,
        namespace="workspace",
        args=(token, public_id),
        base_template="workspace/layout.html",
        heading=_("Roadmap of %(email)s") % {"email": response.email}
        if response.email
        else _("Roadmap of a respondent"),
        back_url=reverse("workspace:campaign", args=[token]),
        back_text=_("The campaign"),
        context={
            "report": report,
            "report_download_url": reverse("workspace:report", args=[report.token])
            if report and report.is_ready
            else None,
            "report_request_url": reverse("workspace:roadmap-pdf", args=[token, public_id]),
        }
        if with_report
        else {},
    )


# Under "campaigns/<token>/responses/<public_id>/" (consultants/urls.py).
urlpatterns = roadmap_urlpatterns(
    roadmap=roadmap, pdf=pdf, export=export, milestone=milestone, milestone_delete=milestone_delete
)
