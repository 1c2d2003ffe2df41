"""The health probes: /health/live says the process answers, /health/ready checks every
dependency within a bounded time and names the one that is down, and both answer the
orchestrator's plain-HTTP call under production host and HTTPS settings.

Readiness runs its checks in threads of their own, which see only committed rows: the tests
that need a heartbeat commit for real (django_db(transaction=True))."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

from cspi.models import WorkerHeartbeat
from cspi.tasks import record_worker_heartbeat
from tests.worker import queue_purge, running_worker, wait_for

transactional = pytest.mark.django_db(transaction=True)
CHECKS = {"database", "cache", "broker", "storage", "worker"}


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that takes connections and never answers (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()  # the connections waiting in its backlog are reset: hung checks end


@pytest.fixture(autouse=True)
def dependencies_up(settings, tmp_path: Path) -> None:
    """Media in a folder of this test; the broker as the environment says (its folders made)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for folder in ("queue", "control"):
        (Path(settings.BROKER_DIR) / folder).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def heartbeat() -> None:
    record_worker_heartbeat()


def ready(**headers: str) -> tuple[int, dict[str, Any]]:
    reply = Client().get("/health/ready", headers=headers)
    assert reply["Content-Type"] == "application/json" and reply["Cache-Control"] == "no-store"
    return reply.status_code, reply.json()


def failed_checks(body: dict[str, Any]) -> set[str]:
    return {name for name, check in body["checks"].items() if check["status"] != "ok"}


@transactional
def test_ready_answers_200_with_each_check_when_everything_is_up(heartbeat: None) -> None:
    status, body = ready()
    assert status == 200, body
    assert body["status"] == "ok" and set(body["checks"]) == CHECKS
    assert failed_checks(body) == set()
    assert "last heartbeat 0 s ago" in body["checks"]["worker"]["detail"]


@pytest.mark.django_db
def test_an_unreachable_database_fails_ready_while_live_stays_200(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # New connections go nowhere (a SQLite file in a missing folder, or a closed port) and
    # this test's own open connection fails every query, as after a database restart.
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "gone" / "db"))
    else:
        monkeypatch.setitem(connection.settings_dict, "PORT", closed_port())

    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", refused)

    status, body = ready()
    assert status == 503 and body["status"] == "fail"
    assert "database" in body["failed"]
    assert "OperationalError" in body["checks"]["database"]["detail"]
    live = Client().get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}


@transactional
def test_an_unreachable_cache_fails_ready(heartbeat: None, settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    status, body = ready()
    assert status == 503 and body["failed"] == ["cache"]
    assert "Connection refused" in body["checks"]["cache"]["detail"]


@transactional
def test_an_unreachable_broker_fails_ready_without_showing_its_password(
    heartbeat: None, settings
) -> None:
    settings.CELERY_BROKER_URL = f"redis://:broker-pass-4821@127.0.0.1:{closed_port()}/0"
    reply = Client().get("/health/ready")
    assert reply.status_code == 503 and reply.json()["failed"] == ["broker"]
    assert "Connection refused" in reply.json()["checks"]["broker"]["detail"]
    assert b"broker-pass-4821" not in reply.content


@transactional
def test_a_storage_that_cannot_be_written_fails_ready(
    heartbeat: None, settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    status, body = ready()
    assert status == 503 and body["failed"] == ["storage"]


@pytest.mark.django_db
def test_no_heartbeat_yet_fails_ready_and_says_what_to_start() -> None:
    status, body = ready()
    assert status == 503 and body["failed"] == ["worker"]
    assert "no worker has recorded a heartbeat" in body["checks"]["worker"]["detail"]


@transactional
def test_a_stale_heartbeat_fails_ready(heartbeat: None, settings) -> None:
    settings.HEALTH_WORKER_STALE_SECONDS = 300
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=301))
    status, body = ready()
    assert status == 503 and body["failed"] == ["worker"]
    assert "(limit 300 s)" in body["checks"]["worker"]["detail"]


@pytest.mark.django_db
def test_readiness_can_leave_the_workers_out(settings) -> None:
    settings.HEALTH_WORKER_STALE_SECONDS = 0
    status, body = ready()
    assert status == 200, body
    assert "not checked" in body["checks"]["worker"]["detail"]


@transactional
def test_a_hung_dependency_is_reported_within_the_time_limit_by_one_thread(
    heartbeat: None, settings, silent_server: int
) -> None:
    # A cache that accepts the connection and never answers, with no socket timeout of its own.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{silent_server}/0",
        }
    }
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    for _ in range(3):
        started = time.monotonic()
        status, body = ready()
        assert time.monotonic() - started < 1.5
        assert status == 503 and body["failed"] == ["cache"]
        assert body["checks"]["cache"]["detail"] == "no answer within 0.5 s"
    # The later probes waited on the check the first one started instead of adding threads.
    assert sum(t.name == "health-cache" for t in threading.enumerate()) == 1


@transactional
def test_probes_answer_localhost_over_http_under_production_host_and_https_settings(
    heartbeat: None, settings
) -> None:
    settings.ALLOWED_HOSTS = ["cspi.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client(raise_request_exception=False)
    # Pages still refuse another host and redirect plain HTTP...
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/", headers={"Host": "cspi.example.com"}).status_code == 301
    # ...while the probes answer the orchestrator's call, by name or by address.
    for host in ("localhost", "10.1.2.3:8000"):
        live = client.get("/health/live", headers={"Host": host})
        assert live.status_code == 200 and live.json() == {"status": "ok"}
        status, body = ready(Host=host)
        assert status == 200, body
    assert client.post("/health/ready").status_code == 405


@transactional
def test_the_heartbeat_a_real_worker_records_makes_ready_pass(settings, tmp_path: Path) -> None:
    # Given beat's schedule, and no heartbeat yet: not ready
    sent_by_beat = settings.CELERY_BEAT_SCHEDULE["record-worker-heartbeat"]
    assert sent_by_beat["task"] == record_worker_heartbeat.name
    assert sent_by_beat["schedule"] <= settings.HEALTH_WORKER_STALE_SECONDS / 2
    assert ready()[0] == 503
    queue_purge()
    with running_worker(tmp_path) as worker:
        # When beat's heartbeat task is queued and a worker process runs it
        record_worker_heartbeat.delay()
        assert wait_for(WorkerHeartbeat.objects.exists, timeout=60), worker.log_tail()
    # Then every web process reads it: ready
    status, body = ready()
    assert status == 200, body
    assert "from celery@" in body["checks"]["worker"]["detail"]
