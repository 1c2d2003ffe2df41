"""Writes for reports: asking for one, rendering it exactly once, giving up on it, re-queuing."""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benchmarks.models import ResponseBenchmark
from benchmarks.selectors import benchmark_kept_latest
from benchmarks.services import benchmark_compute
from reports.models import Report
from reports.selectors import report_latest
from reports.storage import file_store_atomically
from responses.languages import language_override
from responses.links import link_base
from responses.models import Response
from responses.task_queue import task_send

logger = logging.getLogger(__name__)


WAITING = (Report.Status.PENDING, Report.Status.RENDERING)
# "Your report is ready" e-mails a mail outage left unsent, sent again per reconciler run.
MAX_EMAILS_PER_RECONCILE = 200


def report_request(
    *,
    response: Response,
    benchmark: ResponseBenchmark | None = None,
    unless_latest: Collection[str] = (),
    queued: bool = True,
) -> Report:
    """A new report of the response (the first, or a regeneration: earlier files stay), queued
    for a worker once this transaction commits. When the latest report's status is one of
    `unless_latest`, that report is returned instead (not a ready one of an earlier
    comparison): decided under the same lock, so two requests at once queue one render.

    `queued=False` only writes the pending row, in the caller's transaction: the caller queues
    it (`report_queue`) when it has more to give it; should that process die first, the
    reconciler queues the row all the same."""
    with transaction.atomic():
        Response.objects.select_for_update().filter(pk=response.pk).first()  # one at a time
        latest = report_latest(response=response)
        printing = benchmark or benchmark_kept_latest(response=response)
        if (
            latest is not None
            and latest.status in unless_latest
            and not _printed_earlier(latest, printing)
        ):
            return latest
        report = Report.objects.create(
            response=response,
            generation=(latest.generation if latest else 0) + 1,
            benchmark=printing,
        )
        if queued:
            transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _printed_earlier(report: Report, printing: ResponseBenchmark | None) -> bool:
    """A ready report of an earlier comparison does not stand in for one of the latest: the
    response was compared again since (benchmarks/refresh.py), and keeps both PDFs."""
    return report.is_ready and printing is not None and report.benchmark_id != printing.pk


def report_queue(*, report: Report, benchmark: ResponseBenchmark | None) -> None:
    """Give a pending report the comparison to print, then hand it to a worker."""
    if benchmark is not None:
        Report.objects.filter(pk=report.pk, benchmark__isnull=True).update(benchmark=benchmark)
    _enqueue(report.pk)


def _enqueue(report_id: int) -> None:
    """Hand the report to a worker. If the broker is down the report stays pending in the
    database, and the reconciler queues it once the broker is back."""
    from reports.tasks import render_report

    task_send(render_report, report_id, what=f"report {report_id}")


@dataclass(frozen=True, slots=True)
class Claim:
    report_id: int
    claim: str
    attempt: int


def report_claim(*, report_id: int) -> Claim | None:
    """Take the report for one render attempt, or None when it is not this worker's to render
    (another holds a live lease, or it is already ready or failed)."""
    now = timezone.now()
    claim = uuid.uuid4().hex
    taken = Report.objects.filter(
        Q(status=Report.Status.PENDING) | Q(status=Report.Status.RENDERING, lease_until__lt=now),
        pk=report_id,
    ).update(
        status=Report.Status.RENDERING,
        claim=claim,
        attempts=F("attempts") + 1,
        started_at=now,
        lease_until=now + timedelta(seconds=settings.REPORT_LEASE_SECONDS),
    )
    if not taken:
        return None
    attempt = Report.objects.values_list("attempts", flat=True).get(pk=report_id)
    return Claim(report_id, claim, attempt)


def report_render(*, report_id: int, request_base_url: str = "") -> bool:
    """Render the report if it is ours to render. True when this call finished it."""
    claim = report_claim(report_id=report_id)
    if claim is None:
        return False
    # WeasyPrint is heavy to import; only workers that render need it.
    from reports.pdf import report_pdf

    report = Report.objects.select_related("response", "benchmark").get(pk=report_id)
    started = time.perf_counter()
    printed = _comparison_to_print(report)
    pdf = report_pdf(response=report.response, benchmark=printed)
    name = file_store_atomically(f"reports/{report.token}.pdf", pdf)
    render_ms = round(1000 * (time.perf_counter() - started))
    finished = Report.objects.filter(
        pk=report_id, status=Report.Status.RENDERING, claim=claim.claim
    ).update(
        status=Report.Status.READY,
        benchmark=printed,
        file=name,
        error="",
        finished_at=timezone.now(),
        render_ms=render_ms,
        lease_until=None,
    )
    if finished:
        logger.info("Report %s ready, rendered in %d ms", report_id, render_ms)
        report_ready_email(report_id=report_id, request_base_url=request_base_url)
    elif not Report.objects.filter(pk=report_id).exists():
        default_storage.delete(name)  # its response was erased while it rendered: no copy stays
    return bool(finished)


def _comparison_to_print(report: Report) -> ResponseBenchmark | None:
    """The comparison the report was asked with; one whose asker died before attaching it
    takes the response's latest, or one made now."""
    if report.benchmark is not None:
        return report.benchmark
    return benchmark_kept_latest(response=report.response) or benchmark_compute(
        response=report.response
    )


def report_attempt_failed(*, report_id: int, error: str, transient: bool) -> bool:
    """A render raised. A transient error goes back to the queue while attempts remain; anything
    else, or the last attempt, is `failed` with the reason kept. True when it is final."""
    attempts = Report.objects.filter(pk=report_id).values_list("attempts", flat=True).first()
    final = not transient or (attempts or 0) >= settings.REPORT_MAX_ATTEMPTS
    Report.objects.filter(pk=report_id, status=Report.Status.RENDERING).update(
        status=Report.Status.FAILED if final else Report.Status.PENDING,
        error=error[:2000],
        claim="",
        lease_until=None,
        finished_at=timezone.now() if final else None,
    )
    return final


def report_requeue(*, report_id: int) -> bool:
    """Staff give a failed report another round of attempts."""
    requeued = Report.objects.filter(pk=report_id, status=Report.Status.FAILED).update(
        status=Report.Status.PENDING, attempts=0, error="", finished_at=None
    )
    if requeued:
        transaction.on_commit(lambda: _enqueue(report_id))
    return bool(requeued)


def reports_reconcile() -> list[int]:
    """Queue again what the queue lost: reports pending for longer than a worker needs to pick
    them up, and renders whose worker died (lease run out). Past the last attempt, `failed`.
    Also send the "ready" e-mails a mail outage left unsent. Returns the ids queued again."""
    now = timezone.now()
    lost = Report.objects.filter(status=Report.Status.RENDERING, lease_until__lt=now)
    lost.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS).update(
        status=Report.Status.FAILED,
        error="The worker rendering it stopped answering on every attempt.",
        claim="",
        lease_until=None,
        finished_at=now,
    )
    waiting = Report.objects.filter(
        Q(
            status=Report.Status.PENDING,
            requested_at__lt=now - timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS),
        )
        | Q(status=Report.Status.RENDERING, lease_until__lt=now)
    )
    report_ids = list(waiting.values_list("pk", flat=True))
    for report_id in report_ids:
        _enqueue(report_id)
    unsent = Report.objects.filter(
        status=Report.Status.READY,
        emailed_at__isnull=True,
        finished_at__lt=now - timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS),
    ).exclude(response__email="")
    for report_id in unsent.values_list("pk", flat=True)[:MAX_EMAILS_PER_RECONCILE]:
        report_ready_email(report_id=report_id)
    return report_ids


def report_download_path(report: Report) -> str:
    return reverse("reports:download", args=[report.response.token, report.token])


def report_ready_email(*, report_id: int, request_base_url: str = "") -> bool:
    """Tell the respondent their report is ready, once, in the language they answered in. Marked
    sent before sending, so two workers never both send it; a failed send takes the mark back,
    and the reconciler tries again."""
    report = Report.objects.select_related("response").get(pk=report_id)
    response = report.response
    if not response.email:
        return False
    if not Report.objects.filter(pk=report_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    ):
        return False
    base = link_base(request_base_url)
    with language_override(response.language):
        subject = _("Your CSPI benchmark report is ready")
        body = render_to_string(
            "reports/email/ready.txt",
            {
                "download_url": base + report_download_path(report),
                "results_url": base + reverse("survey:done", args=[response.token]),
            },
        )
    try:
        send_mail(subject, body, None, [response.email])
    except (OSError, smtplib.SMTPException):
        Report.objects.filter(pk=report_id).update(emailed_at=None)
        logger.warning("Report %s ready, e-mail not sent yet", report_id, exc_info=True)
        return False
    return True
