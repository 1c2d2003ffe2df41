"""Health probes for orchestrators and load balancers: GET /health/live and GET /health/ready.

The first middleware answers them itself, before host validation, the HTTPS redirect, sessions
and CSRF: probes come over plain HTTP from inside the network, with Host: localhost or an IP.

- live: the process answers. It touches nothing else, so an outage of the database never gets
  healthy web processes restarted.
- ready: the database, the cache, the Celery broker, the default storage and a recent worker
  heartbeat, checked side by side, each given HEALTH_CHECK_TIMEOUT seconds. 200 with each
  check's status, or 503 naming the checks that failed and why.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from kombu import Connection

from cspi.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

LIVE_PATH = "/health/live"
READY_PATH = "/health/ready"
PROBE_BYTES = b"cspi health probe"
CREDENTIALS_IN_URL = re.compile(r"(\w+://)[^/@\s]*@")


class CheckFailed(Exception):
    """A dependency answered, but not as it should."""


def worker_heartbeat_record(*, worker: str) -> None:
    """One statement (an upsert), so two workers taking heartbeats at once never collide."""
    WorkerHeartbeat.objects.bulk_create(
        [WorkerHeartbeat(pk=WorkerHeartbeat.SINGLE_ROW_ID, beat_at=timezone.now(), worker=worker)],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["beat_at", "worker"],
    )


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # this thread's own connection: it ends with the check
    return "reachable"


def cache_check(cache: BaseCache) -> str:
    key = f"health-probe:{uuid4().hex}"
    cache.set(key, "ok", timeout=30)
    if cache.get(key) != "ok":
        raise CheckFailed("a value written could not be read back")
    cache.delete(key)
    return "written and read back"


def broker_check() -> str:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "max_retries": 0,  # one try: a probe reports, it does not wait for a comeback
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
    }
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options
    ) as broker:
        _, waiting, _ = broker.default_channel.queue_declare(queue=queue)
    return f"{waiting} task(s) waiting"


def storage_check() -> str:
    name = default_storage.save(f"health-probe-{uuid4().hex}.txt", ContentFile(PROBE_BYTES))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != PROBE_BYTES:
                raise CheckFailed("a file written came back different")
    finally:
        default_storage.delete(name)
    return "written, read back and deleted"


def worker_check() -> str:
    limit = settings.HEALTH_WORKER_STALE_SECONDS
    if limit <= 0:
        return "not checked (HEALTH_WORKER_STALE_SECONDS is 0)"
    try:
        heartbeat = WorkerHeartbeat.objects.filter(pk=WorkerHeartbeat.SINGLE_ROW_ID).first()
    finally:
        connection.close()
    if heartbeat is None:
        raise CheckFailed("no worker has recorded a heartbeat yet (are worker and beat running?)")
    age = (timezone.now() - heartbeat.beat_at).total_seconds()
    if age > limit:
        raise CheckFailed(
            f"last heartbeat {age:.0f} s ago, from {heartbeat.worker} (limit {limit} s)"
        )
    return f"last heartbeat {age:.0f} s ago, from {heartbeat.worker}"


def readiness_checks() -> dict[str, Callable[[], str]]:
    # The cache object is this request thread's own: the check borrows it rather than open
    # a new connection pool in its thread on every probe.
    cache = caches["default"]
    return {
        "database": database_check,
        "cache": lambda: cache_check(cache),
        "broker": broker_check,
        "storage": storage_check,
        "worker": worker_check,
    }


# A check that hangs (a black-holed host) is not started again by the next probes: they wait on
# the same one, so each process runs at most one thread per check.
_running: dict[str, Future[tuple[str, float]]] = {}
_running_lock = threading.Lock()


def _check_started(name: str, check: Callable[[], str]) -> Future[tuple[str, float]]:
    with _running_lock:
        future = _running.get(name)
        if future is None or future.done():
            future = _running[name] = Future()
            thread = threading.Thread(
                target=_check_run, args=(check, future), name=f"health-{name}", daemon=True
            )
            thread.start()
    return future


def _check_run(check: Callable[[], str], future: Future[tuple[str, float]]) -> None:
    started = time.monotonic()
    try:
        detail = check()
    except BaseException as error:
        future.set_exception(error)
    else:
        future.set_result((detail, (time.monotonic() - started) * 1000))


def readiness() -> dict[str, dict[str, Any]]:
    """Every check's outcome, within HEALTH_CHECK_TIMEOUT seconds however the checks behave."""
    timeout = settings.HEALTH_CHECK_TIMEOUT
    futures = {name: _check_started(name, check) for name, check in readiness_checks().items()}
    wait(futures.values(), timeout=timeout)
    outcomes: dict[str, dict[str, Any]] = {}
    for name, future in futures.items():
        if not future.done():
            outcomes[name] = {"status": "fail", "detail": f"no answer within {timeout:g} s"}
        elif (error := future.exception()) is not None:
            outcomes[name] = {"status": "fail", "detail": failure_reason(error)}
        else:
            detail, elapsed_ms = future.result()
            outcomes[name] = {"status": "ok", "detail": detail, "ms": round(elapsed_ms, 1)}
    return outcomes


def failure_reason(error: BaseException) -> str:
    """A short line for the probe's answer: the error's kind and first line, with no secret."""
    lines = str(error).strip().splitlines()
    text = CREDENTIALS_IN_URL.sub(r"\1***@", lines[0] if lines else "")
    for secret in _configured_secrets():
        text = text.replace(secret, "***")
    reason = text if isinstance(error, CheckFailed) else f"{type(error).__name__}: {text}"
    return reason.rstrip(": ")[:200]


def _configured_secrets() -> set[str]:
    storage_options = settings.STORAGES["default"].get("OPTIONS", {})
    urls = [settings.CELERY_BROKER_URL, str(settings.CACHES["default"].get("LOCATION", ""))]
    candidates = {
        settings.SECRET_KEY,
        settings.DATABASES["default"].get("PASSWORD") or "",
        storage_options.get("secret_key") or "",
        storage_options.get("access_key") or "",
        *(urlsplit(url).password or "" for url in urls),
    }
    return {secret for secret in candidates if len(secret) >= 4}


def live_answer() -> HttpResponse:
    return _no_store(JsonResponse({"status": "ok"}))


def ready_answer() -> HttpResponse:
    checks = readiness()
    failed = [name for name, outcome in checks.items() if outcome["status"] != "ok"]
    if not failed:
        return _no_store(JsonResponse({"status": "ok", "checks": checks}))
    reasons = "; ".join(f"{name}: {checks[name]['detail']}" for name in failed)
    logger.warning("Not ready on %s: %s", socket.gethostname(), reasons)
    body = {"status": "fail", "failed": failed, "checks": checks}
    reply = _no_store(JsonResponse(body, status=503))
    # Logged above as a warning: without this Django logs every failing probe as an error,
    # and error reporting would turn each one into an event.
    reply._has_been_logged = True  # type: ignore[attr-defined]
    return reply


def _no_store(reply: HttpResponse) -> HttpResponse:
    reply["Cache-Control"] = "no-store"
    return reply


PROBES: dict[str, Callable[[], HttpResponse]] = {LIVE_PATH: live_answer, READY_PATH: ready_answer}


class HealthProbeMiddleware:
    """First in MIDDLEWARE: answers the two probe paths, and passes every other request on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            reply = JsonResponse({"detail": "Use GET."}, status=405)
            reply["Allow"] = "GET, HEAD"
            return reply
        return probe()
