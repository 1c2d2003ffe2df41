"""A report's life in the database: claimed once, retried, given up on, found again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from reports.models import Report
from reports.services import (
    report_attempt_failed,
    report_claim,
    report_request,
    report_requeue,
    reports_reconcile,
)
from reports.storage import file_store_atomically
from tests.benchmarks.test_pool_service import complete


@pytest.fixture
def report(spec) -> Report:
    response = complete(spec, "me@example.com")
    return Report.objects.get(response=response)


def test_completing_a_response_asks_for_one_pending_report(report):
    assert report.status == Report.Status.PENDING
    assert report.generation == 1 and report.benchmark is not None


def test_only_one_claim_wins_and_a_live_lease_is_not_taken(report):
    first = report_claim(report_id=report.pk)
    second = report_claim(report_id=report.pk)

    assert first is not None and first.attempt == 1
    assert second is None


def test_a_lease_that_ran_out_can_be_claimed_again_and_the_old_claim_cannot_finish(report):
    first = report_claim(report_id=report.pk)
    Report.objects.filter(pk=report.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    second = report_claim(report_id=report.pk)

    assert first is not None and second is not None and second.attempt == 2
    finished_by_first = Report.objects.filter(pk=report.pk, claim=first.claim).update(
        status=Report.Status.READY
    )
    assert finished_by_first == 0


def test_transient_errors_go_back_to_the_queue_until_attempts_run_out(report, settings):
    settings.REPORT_MAX_ATTEMPTS = 2
    report_claim(report_id=report.pk)
    assert (
        report_attempt_failed(report_id=report.pk, error="OperationalError()", transient=True)
        is False
    )
    report.refresh_from_db()
    assert report.status == Report.Status.PENDING and report.error == "OperationalError()"

    report_claim(report_id=report.pk)
    assert report_attempt_failed(report_id=report.pk, error="OperationalError()", transient=True)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.attempts == 2


def test_a_bug_fails_at_once_and_staff_can_queue_it_again(report):
    report_claim(report_id=report.pk)
    assert report_attempt_failed(report_id=report.pk, error="KeyError('x')", transient=False)

    assert report_requeue(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == (Report.Status.PENDING, 0, "")
    assert not report_requeue(report_id=report.pk)  # only failed ones


def test_reconciler_finds_lost_and_forgotten_reports_and_gives_up_after_the_last_attempt(
    report, settings
):
    settings.REPORT_MAX_ATTEMPTS = 2
    assert reports_reconcile() == []  # just asked for: a worker has time to pick it up
    Report.objects.filter(pk=report.pk).update(requested_at=timezone.now() - timedelta(hours=1))
    assert reports_reconcile() == [report.pk]

    report_claim(report_id=report.pk)
    Report.objects.filter(pk=report.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert reports_reconcile() == [report.pk]  # its worker died: queued again
    report_claim(report_id=report.pk)
    Report.objects.filter(pk=report.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert reports_reconcile() == []
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and "stopped answering" in report.error


def test_regenerating_makes_a_new_report_and_keeps_the_old(report):
    again = report_request(response=report.response)
    assert again.generation == 2 and again.pk != report.pk
    assert Report.objects.filter(response=report.response).count() == 2


def test_a_file_is_replaced_whole_and_leaves_no_temporary_file(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    file_store_atomically("reports/x.pdf", b"%PDF-first")
    file_store_atomically("reports/x.pdf", b"%PDF-second")

    assert default_storage.open("reports/x.pdf").read() == b"%PDF-second"
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["x.pdf"]


def test_status_and_download_need_the_respondents_link(spec, report, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    status = client.get(f"/survey/{report.response.token}/report/").json()
    assert status["status"] == "pending" and status["download_url"] is None
    assert client.get("/survey/not-a-token/report/").status_code == 404

    file_store_atomically(f"reports/{report.token}.pdf", b"%PDF-1.7 test")
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY, file=f"reports/{report.token}.pdf", finished_at=timezone.now()
    )
    status = client.get(f"/survey/{report.response.token}/report/").json()
    assert status["status"] == "ready"
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.getvalue() == b"%PDF-1.7 test"

    other = complete(spec, "other@example.com")
    wrong = f"/survey/{other.token}/report/{report.token}.pdf"
    assert client.get(wrong).status_code == 404


def test_a_respondent_without_a_report_can_ask_for_one_once(spec):
    response = complete(spec, "me@example.com")
    Report.objects.filter(response=response).delete()  # completed before reports existed
    client = Client()
    page = client.get(f"/survey/{response.token}/results/").content.decode()
    assert "Create my PDF report" in page

    for _ in range(2):  # a double click
        reply = client.post(f"/survey/{response.token}/report/new/")
        assert reply.status_code == 302 and reply["Location"].endswith("/results/#report")

    assert Report.objects.filter(response=response).count() == 1
    page = client.get(f"/survey/{response.token}/results/").content.decode()
    assert "Your PDF report is queued." in page and "Create my PDF report" not in page

    # A failed one can be asked for again; a ready one is not made twice.
    Report.objects.filter(response=response).update(status=Report.Status.FAILED)
    client.post(f"/survey/{response.token}/report/new/")
    assert Report.objects.filter(response=response).count() == 2
    Report.objects.filter(response=response).update(status=Report.Status.READY)
    client.post(f"/survey/{response.token}/report/new/")
    assert Report.objects.filter(response=response).count() == 2


def test_staff_render_a_new_report_after_a_rescore_and_the_old_one_stays(spec, admin_client):
    response = complete(spec, "me@example.com")
    first = Report.objects.get(response=response)

    page = admin_client.post(
        "/admin/responses/response/",
        {"action": "new_reports", "_selected_action": [response.pk]},
        follow=True,
    )

    assert "Queued 1 new report(s)." in page.content.decode()
    reports = list(Report.objects.filter(response=response).order_by("generation"))
    assert reports[0].pk == first.pk and reports[1].generation == 2
    assert reports[1].benchmark_id != first.benchmark_id  # compared again with today's pool


def test_in_an_object_store_a_report_file_is_replaced_through_the_storage_api():
    from django.core.files.storage import InMemoryStorage

    storage = InMemoryStorage()
    file_store_atomically("reports/x.pdf", b"%PDF-first", storage)
    name = file_store_atomically("reports/x.pdf", b"%PDF-second", storage)

    assert name == "reports/x.pdf" and storage.open(name).read() == b"%PDF-second"


def test_setting_a_bucket_alone_moves_report_files_to_s3(monkeypatch):
    import importlib

    import cspi.settings

    monkeypatch.setenv("MEDIA_BUCKET", "cspi-reports")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.com")
    try:
        configured = importlib.reload(cspi.settings).STORAGES["default"]
    finally:
        monkeypatch.delenv("MEDIA_BUCKET")
        importlib.reload(cspi.settings)
    from storages.backends.s3 import S3Storage

    assert configured["BACKEND"] == f"{S3Storage.__module__}.{S3Storage.__name__}"
    assert configured["OPTIONS"]["bucket_name"] == "cspi-reports"
    assert configured["OPTIONS"]["default_acl"] is None
