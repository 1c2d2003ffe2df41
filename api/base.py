"""What every route of the JSON API v1 shares: token auth, rate limits, the error shapes and
the reading of JSON bodies. The API's root is `api/root.py`; the routes are in `api/`, one
module per area.

Rate limits count requests per token, and per client address for calls without a valid token
(failed token guesses included), in fixed windows in Django's cache. The client address is
REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many proxies of ours append to
X-Forwarded-For; anything further left in that header was written by the client and is ignored.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema
from ninja.errors import HttpError, Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle
from redis.commands.core import Script
from redis.exceptions import RedisError

from consultants.models import ApiToken
from responses.client_address import client_address  # one home, every limit
from responses.page_limits import rate_parse

MAX_BODY_BYTES = 64 * 1024
MAX_BODY_NESTING = 10  # a submission needs 3 levels: the body, its answers, a list of options
logger = logging.getLogger(__name__)


class Detail(Schema):
    detail: str


class Errors(Schema):
    errors: dict[str, str]


# What any route may answer besides its own: 429 over its rate limit (with Retry-After), and
# 503 while the database or cache cannot be reached (cspi/outages.py).
ANY_ROUTE: dict[int, type[Schema]] = {429: Detail, 503: Detail}
# ... and, on the routes that need a token, 401 without a valid one.
TOKEN_ROUTE: dict[int, type[Schema]] = {401: Detail, **ANY_ROUTE}


class SubmissionRejected(Exception):
    """A request body that cannot be taken: 400 with every problem named."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _parse_rate(rate: str) -> tuple[int, int]:
    parsed = rate_parse(rate)  # one reading of "120/min" for the API's limits and the pages'
    if parsed is None:
        raise ImproperlyConfigured(f"{rate!r} is not a rate such as 120/min.")
    return parsed


# A process takes a share of a window's allowance at a time and spends it without asking the
# cache again: one cache call per share instead of one per request. Never more calls than the
# limit get through; what a process holds unspent when its window ends can make others refuse
# early, at most (processes - 1) x share calls. So a share is a hundredth of the limit, at most
# MAX_SHARE: limits under 200 per window (the defaults among them) are counted call by call.
SHARE_OF_LIMIT = 100
MAX_SHARE = 20


class _Windows:
    """Fixed-window counters in the cache (right across processes with Redis), spent in shares."""

    _waits = threading.local()  # the throttle objects are shared by every request thread
    _lock = threading.Lock()
    _held: dict[str, tuple[float, int]] = {}  # window -> (its end, calls still held here)
    _pruned_at = 0.0

    @classmethod
    def hit(cls, key: str, rate: str) -> bool:
        limit, period = _parse_rate(rate)
        now = time.time()
        window = f"api-rate:{key}:{int(now // period)}"
        cls._waits.seconds = math.ceil(period - now % period)
        with cls._lock:
            ends, held = cls._held.get(window, (0.0, 0))
            if held > 0:
                cls._held[window] = (ends, held - 1)
                return True
        share = max(1, min(MAX_SHARE, limit // SHARE_OF_LIMIT))
        counted = _window_count(window, period + 1, share)
        granted = min(share, limit - (counted - share))  # the part of the share under the limit
        if granted <= 0:
            return False
        if granted > 1:
            with cls._lock:
                cls._forget_ended(now)
                _, held = cls._held.get(window, (0.0, 0))  # another thread may hold some too
                cls._held[window] = (now - now % period + period, held + granted - 1)
        return True

    @classmethod
    def _forget_ended(cls, now: float) -> None:
        if now - cls._pruned_at < 1:  # at most once a second: it walks every window held
            return
        cls._pruned_at = now
        for window in [w for w, (ends, _) in cls._held.items() if ends <= now]:
            del cls._held[window]

    @classmethod
    def forget(cls) -> None:
        """Drop the shares this process holds (the cache's counts stay)."""
        with cls._lock:
            cls._held.clear()

    @classmethod
    def wait(cls) -> float | None:
        return getattr(cls._waits, "seconds", None)


def rate_shares_forget() -> None:
    """Drop what this process holds of rate windows: unspent shares, and the counts it kept
    while the cache was unreachable (the cache's own counts stay)."""
    _Windows.forget()
    _Fallback.counts.clear()
    _Fallback.until = 0.0


def _after_fork_in_child() -> None:
    # A new lock too: another thread of the parent may have held the old one at the fork.
    _Windows._lock = threading.Lock()
    _Windows._held = {}


os.register_at_fork(after_in_child=_after_fork_in_child)  # a child starts with no shares

# Counts and opens a window in one round trip. Django's RedisCache.incr takes two (EXISTS, then
# INCR) and a window's first call a third.
_REDIS_COUNT = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _window_count(key: str, lifetime: int, amount: int = 1) -> int:
    """Add `amount` to the window `key` (which expires `lifetime` seconds after it opens) and
    return its count, this amount included. With Redis unreachable, the count is kept in this
    process for a while (each process then allows the limit on its own), never an error."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        if time.monotonic() >= _Fallback.until:
            try:
                return _redis_count(backend, key, lifetime, amount)
            except RedisError:
                _Fallback.start()
        backend = _Fallback.counts
    try:
        return backend.incr(key, amount)
    except ValueError:  # the window's first call; another process may open it first
        opened = backend.add(key, amount, timeout=lifetime)
        return amount if opened else backend.incr(key, amount)


class _Fallback:
    """Counts of this process while the shared cache cannot be reached; Redis is tried again
    after RETRY_SECONDS."""

    RETRY_SECONDS = 5.0
    counts = LocMemCache("api-rate-fallback", {})
    until = 0.0

    @classmethod
    def start(cls) -> None:
        cls.until = time.monotonic() + cls.RETRY_SECONDS
        logger.warning(
            "The cache is unreachable: API rate limits are counted per process for %.0f s",
            cls.RETRY_SECONDS,
            exc_info=True,
        )


def _redis_count(backend: RedisCache, key: str, lifetime: int, amount: int) -> int:
    counter = _redis_counters.get(backend)
    if counter is None:
        # The cache's own client: its servers, database, password and pool options.
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        counter = _redis_counters[backend] = client.register_script(_REDIS_COUNT)
    return int(counter(keys=[backend.make_and_validate_key(key)], args=[lifetime, amount]))


_redis_counters: weakref.WeakKeyDictionary[RedisCache, Script] = weakref.WeakKeyDictionary()


class TokenThrottle(BaseThrottle):
    """Per token; calls without one are counted by TokenAuth per address."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        return _Windows.hit(f"token:{token.pk}", settings.API_RATE_LIMIT_TOKEN)

    def wait(self) -> float | None:
        return _Windows.wait()


class AddressThrottle(BaseThrottle):
    """Per client address, for the endpoints that need no token."""

    def allow_request(self, request: HttpRequest) -> bool:
        key = f"address:{client_address(request)}"
        return _Windows.hit(key, settings.API_RATE_LIMIT_ANONYMOUS)

    def wait(self) -> float | None:
        return _Windows.wait()


def address_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The anonymous per-address limit for views outside the API's routes (its OpenAPI document
    and docs page): 429 with Retry-After, like every route."""

    @functools.wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not AddressThrottle().allow_request(request):
            reply = JsonResponse({"detail": "Too many requests."}, status=429)
            reply["Retry-After"] = str(math.ceil(_Windows.wait() or 1))
            return reply
        return view(request, *args, **kwargs)

    return limited


class TokenAuth(HttpBearer):
    """Bearer tokens. `lookup` finds the token a secret opens; a route may give one that reads
    what it needs in the same query (see api/benchmarks.py)."""

    def __init__(self, lookup: Callable[[HttpRequest, str], ApiToken | None] | None = None):
        super().__init__()
        self._lookup = lookup or (lambda request, secret: ApiToken.for_secret(secret))

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        token = super().__call__(request)
        if token is None and not AddressThrottle().allow_request(request):
            raise Throttled(wait=_Windows.wait())  # type: ignore[arg-type]
        return token

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = self._lookup(request, token)
        if found is not None:
            found.used_now()
        return found


def api_token(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object, read by us so that size and syntax errors get our answers."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        raise HttpError(413, f"The body is larger than {MAX_BODY_BYTES // 1024} KiB.")
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise SubmissionRejected({"body": "The body is not valid JSON."}) from None
    except ValueError:  # an integer of thousands of digits: Python refuses to convert it
        raise SubmissionRejected({"body": "The body holds a number too long to read."}) from None
    if not isinstance(data, dict):
        raise SubmissionRejected({"body": "The body must be a JSON object."})
    problem = _unusable(data)
    if problem:
        raise SubmissionRejected({"body": problem})
    return data


def _unusable(data: dict[str, Any]) -> str | None:
    """What makes JSON unusable as a body: nesting deeper than any body needs (later steps walk
    it recursively), or a string with half of a UTF-16 pair ("\\ud800" alone), which JSON
    lets through but is no character, and PostgreSQL refuses to store."""
    waiting: list[tuple[object, int]] = [(data, 1)]
    while waiting:
        value, depth = waiting.pop()
        if depth > MAX_BODY_NESTING:
            return "The body is nested too deeply."
        if isinstance(value, dict):
            waiting.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            waiting.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError:
                return "The body holds a \\ud800–\\udfff escape on its own, which is no character."
    return None
