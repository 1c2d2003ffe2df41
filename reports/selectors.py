"""Reads for reports: a respondent's latest report, a report to download."""

from __future__ import annotations

from reports.models import Report
from responses.models import Response


def report_latest(*, response: Response) -> Report | None:
    return Report.objects.filter(response=response).order_by("-generation").first()


def report_for_download(*, response_token: str, report_token: str) -> Report | None:
    """A ready report, only through the link that holds both its response's and its own token."""
    return (
        Report.objects.select_related("response")
        .filter(token=report_token, response__token=response_token, status=Report.Status.READY)
        .first()
    )
