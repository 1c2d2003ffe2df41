"""Nothing a respondent gave is lost when a process dies or the mail server is down: the
completion keeps its report, pages are saved, e-mails follow when the server is back."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.test import Client

from benchmarks.models import ResponseBenchmark
from reports import services as report_services
from reports.models import Report
from reports.services import report_render, reports_reconcile
from responses.models import QuestionBank, Response
from responses.selectors import bank_spec_for
from responses.services import response_start
from scoring.bank import BankSpec
from survey import services as survey_services
from survey.services import response_complete
from tests.survey.answering import EXAMPLE_A, form_data, stored_form


class ProcessKilled(BaseException):
    """What the rest of a request sees when its worker process is killed."""


@pytest.mark.django_db
def test_a_process_dying_after_the_completion_leaves_a_report_the_reconciler_sends(
    bank: QuestionBank, spec: BankSpec, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    # Given a fully answered response whose process dies right after the completion commits
    response = response_start(bank=bank)
    Response.objects.filter(pk=response.pk).update(answers=stored_form(spec, EXAMPLE_A))

    def killed(response: Response) -> None:
        raise ProcessKilled

    monkeypatch.setattr(survey_services, "_benchmark_first", killed)
    with pytest.raises(ProcessKilled):
        response_complete(response=response)

    # Then the response is completed, and its report waits in the database
    response.refresh_from_db()
    assert response.is_completed
    report = Report.objects.get(response=response)
    assert report.status == Report.Status.PENDING and report.benchmark is None

    # When the reconciler runs once the queue's grace is over
    settings.REPORT_QUEUE_GRACE_SECONDS = 0
    queued: list[int] = []
    monkeypatch.setattr(report_services, "_enqueue", queued.append)
    assert reports_reconcile() == [report.pk] and queued == [report.pk]

    # Then a worker renders it, with a peer comparison made for it
    assert report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.file
    assert report.benchmark == ResponseBenchmark.objects.get(response=response)


SMTP_DOWN = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 1,  # nothing listens: the connection is refused
    "EMAIL_TIMEOUT": 1,
}


@pytest.mark.django_db
def test_with_the_mail_server_down_a_page_is_saved_and_the_resume_link_sent_later(
    bank: QuestionBank, settings
) -> None:
    # Given a respondent on the first page, and no mail server
    client = Client()
    client.post("/start/")
    response = Response.objects.get()
    for name, value in SMTP_DOWN.items():
        setattr(settings, name, value)

    # When they give their e-mail address and move on
    page = client.post(
        f"/survey/{response.token}/page/1/",
        form_data(bank_spec_for(bank=bank), 1, EXAMPLE_A),
    )

    # Then the page is saved and they go on; the link is not marked sent
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.email and response.resume_link_sent_to == ""

    # When the mail server is back and they save again, the link goes out once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(
        f"/survey/{response.token}/page/1/",
        form_data(bank_spec_for(bank=bank), 1, EXAMPLE_A, nav="save"),
    )
    response.refresh_from_db()
    assert response.resume_link_sent_to == response.email
    assert [mail.to for mail in django_mail.outbox] == [[response.email]]


@pytest.mark.django_db
def test_a_ready_report_whose_email_failed_is_emailed_by_the_reconciler(
    bank: QuestionBank, spec: BankSpec, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    # Given a completed response whose report is rendered while the mail server is down
    monkeypatch.setattr(report_services, "_enqueue", lambda report_id: None)
    response = response_start(bank=bank)
    Response.objects.filter(pk=response.pk).update(
        answers=stored_form(spec, EXAMPLE_A), email="amy@example.com"
    )
    response_complete(response=response)
    report = Report.objects.get(response=response)
    for name, value in SMTP_DOWN.items():
        setattr(settings, name, value)
    assert report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.is_ready and report.emailed_at is None

    # When the mail server is back and the reconciler runs
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REPORT_QUEUE_GRACE_SECONDS = 0
    reports_reconcile()

    # Then the respondent gets the e-mail, once
    report.refresh_from_db()
    assert report.emailed_at is not None
    assert [mail.subject for mail in django_mail.outbox] == ["Your CSPI benchmark report is ready"]
    reports_reconcile()
    assert len(django_mail.outbox) == 1
