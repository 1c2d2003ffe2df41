"""Idempotency-Key on POST /api/v1/responses, as API.md says: the same key and body again answer
the first call's status and body and store nothing new; the key with another body answers 422."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import requests
from celery import Task
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from api.idempotency import CLAIM_WAIT_SECONDS, request_hash
from api.models import IdempotentReply
from api.submissions import response_start
from api.tasks import purge_idempotent_replies
from consultants.models import ApiToken
from cspi.celery import app
from reports.models import Report
from responses.models import Response
from responses.task_queue import task_queue_forget
from tests.api.conftest import ApiClient, submission, user
from tests.examples import EXAMPLE_A, EXAMPLE_B


def post(api: ApiClient, body: Any, key: str, raw: bytes | None = None) -> Any:
    return api.post("/responses", body, raw=raw, HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_call_again_answers_the_first_reply_and_stores_nothing_new(api, bank):
    first = post(api, submission(), "import-2026-12-04-row-1")
    assert first.status_code == 201, first.content
    Report.objects.update(status=Report.Status.READY)  # the world moves on after the first call

    # The same body, written another way (keys in another order, other spacing)
    body = submission()
    shuffled = {"answers": dict(reversed(list(body["answers"].items())))}
    again = post(api, None, "import-2026-12-04-row-1", raw=json.dumps(shuffled, indent=2).encode())

    assert again.status_code == 201
    assert again.content == first.content
    assert again.json()["report"]["status"] == "pending"  # what the first call answered
    assert Response.objects.count() == 1
    assert Report.objects.count() == 1


def test_the_same_key_with_another_body_answers_422_and_stores_nothing(api, bank):
    assert post(api, submission(EXAMPLE_A), "k-1").status_code == 201

    reply = post(api, submission(EXAMPLE_B), "k-1")

    assert reply.status_code == 422
    assert "different body" in reply.json()["errors"]["Idempotency-Key"]
    assert Response.objects.count() == 1


def test_a_key_belongs_to_its_token(api, bank, consultant):
    mine = post(api, submission(), "shared-key")
    _, secret = ApiToken.issue(user=consultant, name="another script")
    theirs = post(ApiClient(secret), submission(), "shared-key")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert Response.objects.count() == 2


def test_without_a_key_every_call_stores_a_response(api, bank):
    assert [api.post("/responses", submission()).status_code for _ in range(2)] == [201, 201]
    assert Response.objects.count() == 2


@pytest.mark.parametrize(
    "key",
    ["", "x" * 201, "tab\tinside", "new\nline", "caf\u00e9", "del\x7f"],
    ids=["empty", "201 characters", "tab", "newline", "not ASCII", "DEL"],
)
def test_a_bad_key_answers_400_and_stores_nothing(api, bank, key):
    reply = post(api, submission(), key)

    assert reply.status_code == 400
    assert reply.json() == {
        "errors": {"Idempotency-Key": "Give 1 to 200 printable ASCII characters."}
    }
    assert not Response.objects.exists()


@pytest.mark.parametrize("key", ["x" * 200, "a", "Order #42 / retry ~1"])
def test_keys_of_1_to_200_printable_characters_are_taken(api, bank, key):
    assert post(api, submission(), key).status_code == 201


def test_a_refused_submission_keeps_nothing_so_the_corrected_one_may_use_the_key(api, bank):
    wrong = submission({**EXAMPLE_A, 10: 301})
    refused = post(api, wrong, "row-7")
    assert refused.status_code == 400 and "10" in refused.json()["errors"]
    assert not IdempotentReply.objects.exists()

    corrected = post(api, submission(), "row-7")

    assert corrected.status_code == 201
    assert post(api, submission(), "row-7").content == corrected.content


def test_a_call_that_died_after_storing_is_finished_by_the_next_call_with_its_key(api, bank):
    # Given a first call that stored the response and claimed its key, then died
    token = ApiToken.objects.get()
    started = response_start(bank=bank, answers=submission()["answers"], submitted_by=token.user)
    stored = started.response
    assert stored is not None
    IdempotentReply.objects.create(
        token=token,
        key="lost-reply",
        request_hash=request_hash(submission()),
        response=stored,
        created_at=timezone.now() - timedelta(seconds=CLAIM_WAIT_SECONDS + 1),
    )

    # When the script sends the call again
    reply = post(api, submission(), "lost-reply")

    # Then that response is completed and answered, and no other is stored
    assert reply.status_code == 201
    assert reply.json()["id"] == stored.public_id
    assert Response.objects.get().is_completed
    assert Report.objects.count() == 1


def test_twenty_identical_calls_at_once_store_one_response_and_queue_one_report(
    live_server, bank, monkeypatch
):
    # Given a script that sends one submission twenty times at once, with one key
    _, secret = ApiToken.issue(user=user("burst@example.com"), name="burst")
    queued: list[tuple[Any, ...]] = []
    lock = threading.Lock()

    def queue(task: Task, args: Any = (), kwargs: Any = None, **options: Any) -> None:
        with lock:  # in the server's threads, instead of the broker
            queued.append((task.name, *args, connection.in_atomic_block))

    monkeypatch.setattr(Task, "apply_async", queue)
    task_queue_forget()  # whatever the broker did in earlier tests

    def send(_: int) -> requests.Response:
        return requests.post(
            f"{live_server.url}/api/v1/responses",
            json=submission(),
            headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "burst-1"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(send, range(20)))

    # Then every call answers the same 201, and one response and one report exist
    assert [reply.status_code for reply in replies] == [201] * 20, replies[0].text
    assert len({reply.content for reply in replies}) == 1
    assert Response.objects.count() == 1
    (report,) = Report.objects.all()
    # queued once, after the completion's transaction committed (with the pool's new snapshot)
    assert queued == [
        ("benchmarks.tasks.refresh_pool_snapshot", False),
        ("reports.tasks.render_report", report.pk, False),
    ]


def test_replies_kept_past_their_time_are_purged_by_the_beat_task(api, bank):
    post(api, submission(EXAMPLE_A), "old")
    post(api, submission(EXAMPLE_B), "recent")
    hours = django_settings.API_IDEMPOTENCY_HOURS
    assert hours >= 24
    IdempotentReply.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=hours, minutes=1)
    )
    IdempotentReply.objects.filter(key="recent").update(
        created_at=timezone.now() - timedelta(hours=hours, minutes=-1)
    )

    assert purge_idempotent_replies() == 1

    assert list(IdempotentReply.objects.values_list("key", flat=True)) == ["recent"]
    assert Response.objects.count() == 2  # the responses stay; only the replies go
    # Once forgotten, the key stores a new submission.
    assert post(api, submission(EXAMPLE_B), "old").status_code == 201
    schedule = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "api.tasks.purge_idempotent_replies" in schedule
    assert "api.tasks.purge_idempotent_replies" in app.tasks
