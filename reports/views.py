"""The report's progress (for the results page to poll) and its download."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from reports.downloads import report_pdf_download
from reports.models import Report
from reports.selectors import report_for_download, report_latest
from reports.services import WAITING, report_download_path, report_request
from responses.selectors import response_by_token

NO_REPORT_TEXT = gettext_lazy("No PDF report has been asked for.")


@require_GET
@never_cache
def status(request: HttpRequest, token: str) -> JsonResponse:
    response = response_by_token(token=token)
    if response is None or not response.is_completed:
        raise Http404("This survey link is not valid.")
    report = report_latest(response=response)
    if report is None:
        return JsonResponse({"status": "none", "text": str(NO_REPORT_TEXT)})
    return JsonResponse(
        {
            "status": report.status,
            "text": report.status_text,
            "download_url": report_download_path(report) if report.is_ready else None,
        }
    )


@require_POST
def request_report(request: HttpRequest, token: str) -> HttpResponseRedirect:
    """A respondent asks for a report (one completed before reports existed, or one that
    failed); a report already on its way is not asked for twice."""
    response = response_by_token(token=token)
    if response is None or not response.is_completed:
        raise Http404("This survey link is not valid.")
    report_request(response=response, unless_latest=(*WAITING, Report.Status.READY))
    return redirect(reverse("survey:done", args=[token]) + "#report")


@require_GET
def download(request: HttpRequest, token: str, report_token: str) -> FileResponse:
    report = report_for_download(response_token=token, report_token=report_token)
    if report is None or not report.is_downloadable:
        raise Http404("No such report.")
    return report_pdf_download(report)
