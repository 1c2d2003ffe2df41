"""Files handed to a browser or an API client: one answer for every PDF (and ZIP) download."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from reports.models import Report


def attachment(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download that no shared cache keeps and no link leaks onward: the
    URLs that reach these files hold tokens."""
    reply = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    reply["Cache-Control"] = "private, no-store"
    reply["Referrer-Policy"] = "no-referrer"
    return reply


def report_pdf_download(report: Report) -> FileResponse:
    """A ready report's PDF, named by the day it was made."""
    return attachment(
        report.file,
        filename=f"cspi-benchmark-report-{report.finished_at:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )
