"""What a request that hit an unreachable dependency answers: a 503 that says so and when to
try again, never a 500. The database restarting is the usual case: the connection a process
kept is gone, the request fails, Django drops that connection, and the next request reconnects.

Django turns every uncaught exception (in a view or a middleware) into a call of handler500,
with the exception still in hand; this is that handler.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER_SECONDS = 30
# A database that is restarting or unreachable, a closed kept connection, a cache that is down.
OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGES):
        return _unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    return HttpResponse(render_to_string("500.html"), status=500)


def _unavailable(request: HttpRequest) -> HttpResponse:
    reply: HttpResponse
    if request.path.startswith("/api/"):
        reply = JsonResponse(
            {"detail": "The service is briefly unavailable. Try again in a minute."}, status=503
        )
    else:
        page = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        reply = HttpResponse(page, status=503)
    reply["Retry-After"] = str(RETRY_AFTER_SECONDS)
    reply["Cache-Control"] = "no-store"
    return reply
