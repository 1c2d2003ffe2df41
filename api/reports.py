"""API routes of reports: a response's PDF report, its state, asking for a new one."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from api.base import TOKEN_ROUTE, Detail
from api.responses import response_for
from reports.downloads import report_pdf_download
from reports.models import Report
from reports.selectors import report_latest
from reports.services import WAITING, report_request
from responses.models import Response

router = Router(tags=["reports"])


class ReportState(Schema):
    status: str
    pdf_url: str | None


class ReportNotReady(Schema):
    status: str
    detail: str


def _state(response: Response, report: Report) -> dict[str, Any]:
    pdf_url = reverse("api-v1:response_report_pdf", args=[response.public_id])
    return {"status": report.status, "pdf_url": pdf_url if report.is_ready else None}


@router.get(
    "/responses/{id}/report",
    response={200: ReportState, 404: Detail, **TOKEN_ROUTE},
    url_name="response_report",
)
def report_get(request: HttpRequest, id: str) -> dict[str, Any]:
    response = response_for(request, id)
    report = report_latest(response=response)
    if report is None:
        raise Http404("No report has been asked for.")
    return _state(response, report)


@router.post("/responses/{id}/report", response={202: ReportState, 404: Detail, **TOKEN_ROUTE})
def report_post(request: HttpRequest, id: str) -> Status[dict[str, Any]]:
    """Queue a new render, unless one is already pending or rendering: then that one answers."""
    response = response_for(request, id)
    return Status(202, _state(response, report_request(response=response, unless_latest=WAITING)))


@router.get(
    "/responses/{id}/report.pdf",
    response={200: None, 404: Detail, 409: ReportNotReady, **TOKEN_ROUTE},
    url_name="response_report_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF report",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_pdf(request: HttpRequest, id: str) -> Any:
    response = response_for(request, id)
    report = report_latest(response=response)
    if report is None:
        raise Http404("No report has been asked for.")
    if not report.is_downloadable:
        return Status(409, {"status": report.status, "detail": "The report is not ready."})
    return report_pdf_download(report)
