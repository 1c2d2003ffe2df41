"""A completion is never left without its report, whatever happens to the process after the
completion commits."""

from __future__ import annotations

import pytest

from benchmarks.models import ResponseBenchmark
from reports import services as report_services
from reports.models import Report
from reports.services import report_render, reports_reconcile
from responses.models import QuestionBank, Response
from responses.services import response_start
from scoring.bank import BankSpec
from survey import services as survey_services
from survey.services import response_complete
from tests.survey.answering import EXAMPLE_A, stored_form


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
