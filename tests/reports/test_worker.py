"""Reports rendered by a real Celery worker process: once, even when a worker is killed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from reports.models import Report
from reports.services import report_request
from tests.benchmarks.test_pool_service import complete
from tests.worker import queue_purge, running_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdfs_in(media: Path) -> list[str]:
    folder = media / "reports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def status_of(report_id: int) -> str:
    return Report.objects.values_list("status", flat=True).get(pk=report_id)


def emailed(report_id: int) -> bool:
    return Report.objects.filter(pk=report_id, emailed_at__isnull=False).exists()


def finished(report_id: int) -> bool:
    """Ready, or failed: either way nothing more will happen to it."""
    return status_of(report_id) in {"ready", "failed"}


def test_a_worker_renders_the_report_of_a_completion_and_mails_the_link(spec, media):
    queue_purge()
    with running_worker(media) as worker:
        response = complete(spec, "me@example.com")
        report = Report.objects.get(response=response)
        assert wait_for(lambda: finished(report.pk)), worker.log_tail()
        # The link is mailed right after the report is marked ready: wait for that too.
        assert wait_for(lambda: emailed(report.pk)), worker.log_tail()

    report.refresh_from_db()
    assert report.status == "ready", report.error
    assert report.attempts == 1 and report.render_ms and report.file.name
    assert report.emailed_at is not None  # the worker sent the link (its own mail backend)
    assert pdfs_in(media) == [f"{report.token}.pdf"]
    text = "".join(page.extract_text() for page in PdfReader(report.file.path).pages)
    assert "14.28" in text or "Overall" in text


def test_a_worker_killed_mid_render_leaves_one_pdf_after_another_worker_finishes(spec, media):
    response = complete(spec, "me@example.com")
    report = Report.objects.get(response=response)
    queue_purge()
    lease = "2"  # seconds a render holds its report
    with running_worker(media, REPORT_LEASE_SECONDS=lease) as first:
        from reports.tasks import render_report

        render_report.delay(report.pk)
        assert wait_for(lambda: status_of(report.pk) == "rendering", interval=0.01), (
            first.log_tail()
        )
        first.kill()
    assert status_of(report.pk) == "rendering"  # its worker is gone; the lease runs out

    with running_worker(media, REPORT_LEASE_SECONDS=lease) as second:
        from reports.services import reports_reconcile

        assert wait_for(lambda: reports_reconcile() == [report.pk], timeout=10)
        assert wait_for(lambda: finished(report.pk)), second.log_tail()

    report.refresh_from_db()
    assert report.status == "ready", report.error
    assert report.attempts == 2
    assert pdfs_in(media) == [f"{report.token}.pdf"]  # no second copy, no partial file
    assert Report.objects.filter(response=response).count() == 1


def test_the_same_task_sent_twice_at_once_renders_once(spec, media):
    response = complete(spec, "me@example.com")
    report = Report.objects.get(response=response)
    queue_purge()
    with running_worker(media, concurrency=2) as worker:
        from reports.tasks import render_report

        render_report.delay(report.pk)
        render_report.delay(report.pk)
        assert wait_for(lambda: finished(report.pk)), worker.log_tail()
        assert wait_for(lambda: worker.log_tail().count("succeeded") >= 2, timeout=20)

    report.refresh_from_db()
    assert report.status == "ready", report.error
    assert report.attempts == 1  # one claim won; the other task found it taken
    assert pdfs_in(media) == [f"{report.token}.pdf"]


def test_regenerating_keeps_the_earlier_file(spec, media):
    queue_purge()
    with running_worker(media) as worker:
        response = complete(spec, "me@example.com")
        first = Report.objects.get(response=response)
        assert wait_for(lambda: finished(first.pk)), worker.log_tail()
        second = report_request(response=response)
        assert wait_for(lambda: finished(second.pk)), worker.log_tail()

    assert {status_of(first.pk), status_of(second.pk)} == {"ready"}
    assert pdfs_in(media) == sorted([f"{first.token}.pdf", f"{second.token}.pdf"])
