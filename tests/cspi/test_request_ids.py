"""Each request has an id, on its reply and on every log line it causes, in the web process and
in the worker tasks it queued."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from cspi.request_ids import RequestIdFilter
from reports.models import Report
from responses.models import QuestionBank, Response
from scoring.bank import BankSpec
from tests.survey.answering import CONSENT, EXAMPLE_A, answer_all_pages
from tests.worker import queue_purge, running_worker, wait_for


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the configured console handler writes (JSON lines with the request id)."""
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in handler.filters)
    )
    assert isinstance(console, logging.StreamHandler)
    kept = console.stream
    console.setStream(io.StringIO())
    yield console.stream
    console.setStream(kept)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


@pytest.mark.django_db
def test_a_reply_carries_its_request_id_and_so_do_the_log_lines_of_its_request(
    bank: QuestionBank, log_lines: io.StringIO
) -> None:
    missing = Client().get("/survey/" + "x" * 43 + "/")
    request_id = missing["X-Request-ID"]
    assert missing.status_code == 404 and len(request_id) == 32
    logged = [r for r in records(log_lines) if r["logger"] == "django.request"]
    assert [r["request_id"] for r in logged] == [request_id]
    assert "Not Found" in str(logged[0]["message"])


@pytest.mark.django_db
def test_a_proxy_given_id_is_kept_and_a_malformed_one_replaced(bank: QuestionBank) -> None:
    client = Client()
    given = client.get("/", headers={"X-Request-ID": "edge-7f3a9c21"})
    assert given["X-Request-ID"] == "edge-7f3a9c21"
    forged = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.django_db(transaction=True)
def test_the_report_a_request_queued_logs_under_its_id_in_the_worker(
    spec: BankSpec, tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path
    queue_purge()
    request_id = "probe-0123456789"
    client = Client(headers={"X-Request-ID": request_id})
    with running_worker(tmp_path, LOG_FORMAT="json") as worker:
        client.post("/start/", CONSENT)
        response = Response.objects.get()
        answer_all_pages(client, response.token, spec, EXAMPLE_A)
        report = Report.objects.get(response=response)
        ready = f"Report {report.pk} ready"
        assert wait_for(lambda: ready in worker.log.read_text(), timeout=90), worker.log_tail()

    lines = [json.loads(line) for line in worker.log.read_text().splitlines() if ready in line]
    assert [line["request_id"] for line in lines] == [request_id]
