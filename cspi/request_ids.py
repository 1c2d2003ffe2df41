"""One id per request, on every log line it causes: in the web process, and in the worker tasks
it queues (the id travels in the task message's headers). The reply carries it back in
X-Request-ID, so a respondent's "it failed" can be matched to the logs.

A proxy of ours may set X-Request-ID; an id that is not a short plain token is replaced.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


def request_id_from(header_value: str | None) -> str:
    if header_value and WELL_FORMED.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Kept until the request is finished (request_id_forget), not just until the reply
        # leaves this middleware: Django logs 4xx and 5xx replies after every middleware ran.
        request_id = request_id_from(request.headers.get(HEADER))
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def request_id_forget(**_: Any) -> None:
    """Django's request_finished: what this thread logs next belongs to no request."""
    current_request_id.set("")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def task_message_stamp(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """Celery's before_task_publish: the queuing request's id goes into the message."""
    if headers is not None and (request_id := current_request_id.get()):
        headers["request_id"] = request_id


def task_request_id_adopt(task: Any = None, **_: Any) -> None:
    """Celery's task_prerun: a task logs under the id of the request that queued it."""
    request_id = getattr(getattr(task, "request", None), "request_id", None) or ""
    current_request_id.set(str(request_id))
