"""Nothing a respondent gave is lost when a process dies or the mail server is down: the
completion keeps its report, pages are saved, e-mails follow when the server is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import Task
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from benchmarks.models import ResponseBenchmark
from reports import services as report_services
from reports.models import Report
from reports.services import report_render, reports_reconcile
from responses.models import QuestionBank, Response
from responses.services import response_start
from scoring.bank import BankSpec
from survey import services as survey_services
from survey import tasks as survey_tasks
from survey.services import response_complete
from tests.survey.answering import CONSENT, EXAMPLE_A, answer_all_pages, form_data, stored_form


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


def answer_first_page(client: Client, response: Response, spec: BankSpec, **extra: str):
    return client.post(f"/survey/{response.token}/page/1/", form_data(spec, 1, EXAMPLE_A, **extra))


@pytest.mark.django_db
def test_with_the_mail_server_down_a_page_is_saved_and_the_resume_link_sent_later(
    bank: QuestionBank,
    spec: BankSpec,
    settings,
    tasks_run_inline,
    django_capture_on_commit_callbacks,
) -> None:
    # Given a respondent on the first page, and no mail server
    client = Client()
    client.post("/start/", CONSENT)
    response = Response.objects.get()
    for name, value in SMTP_DOWN.items():
        setattr(settings, name, value)
    retried: list[BaseException] = []

    def retry_later(*, exc: BaseException, countdown: float) -> BaseException:
        retried.append(exc)  # the worker would try again later: below, the reconciler does
        return exc

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(survey_tasks.send_resume_link, "retry", retry_later)

        # When they give their e-mail address and move on
        with django_capture_on_commit_callbacks(execute=True):
            page = answer_first_page(client, response, spec)

    # Then the page is saved and they go on; the worker's send failed and is to be retried,
    # and the link is not marked sent
    assert page.status_code == 302
    assert [type(error) for error in retried] == [survey_services.MailNotSent]
    response.refresh_from_db()
    assert response.email and response.resume_link_sent_to == ""
    assert response.resume_link_claimed_until is None

    # When the mail server is back and the reconciler runs, the link goes out, once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REPORT_QUEUE_GRACE_SECONDS = 0
    assert survey_services.resume_links_reconcile() == 1
    assert survey_services.resume_links_reconcile() == 0
    response.refresh_from_db()
    assert response.resume_link_sent_to == response.email
    assert [mail.to for mail in django_mail.outbox] == [[response.email]]
    assert f"/survey/{response.token}/" in django_mail.outbox[0].body


def broker_down(*args: object, **kwargs: object) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.mark.django_db
def test_with_the_broker_down_a_respondent_saves_finishes_and_sees_results(
    bank: QuestionBank,
    spec: BankSpec,
    monkeypatch: pytest.MonkeyPatch,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    # Given a respondent, and a broker that refuses every task
    monkeypatch.setattr(Task, "apply_async", broker_down)
    client = Client()
    client.post("/start/", CONSENT)
    response = Response.objects.get()

    # When they answer every page (their e-mail address on the first) and submit
    with django_capture_on_commit_callbacks(execute=True):
        last = answer_all_pages(client, response.token, spec, EXAMPLE_A)

    # Then they see their results, and the report and the resume link wait in the database
    assert last.status_code == 302 and last["Location"].endswith("/results/")
    assert client.get(last["Location"]).status_code == 200
    response.refresh_from_db()
    assert response.is_completed
    report = Report.objects.get(response=response)
    assert report.status == Report.Status.PENDING

    # When the broker is back, the reconciler queues the report
    monkeypatch.undo()
    settings.REPORT_QUEUE_GRACE_SECONDS = 0
    queued: list[int] = []
    monkeypatch.setattr(report_services, "_enqueue", queued.append)
    assert reports_reconcile() == [report.pk] and queued == [report.pk]


@pytest.mark.django_db
def test_a_resume_link_whose_worker_died_mid_send_is_sent_by_the_reconciler(
    bank: QuestionBank, settings
) -> None:
    # Given a worker that claimed a respondent's resume link and died before sending it
    response = response_start(bank=bank)
    Response.objects.filter(pk=response.pk).update(
        email="amy@example.com",
        resume_link_claimed_until=timezone.now() + timedelta(seconds=60),
    )
    settings.REPORT_QUEUE_GRACE_SECONDS = 0

    # While its claim holds, no one else sends it
    assert survey_services.resume_links_reconcile() == 0 and django_mail.outbox == []

    # Once the claim has run out, the reconciler sends it
    Response.objects.filter(pk=response.pk).update(
        resume_link_claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert survey_services.resume_links_reconcile() == 1
    assert [mail.to for mail in django_mail.outbox] == [["amy@example.com"]]


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
