"""How often one client may do a thing on our pages (start a survey, ask for a password link).

Counted by django-ratelimit in fixed windows in the default cache: per process in memory unless
CACHE_URL points every web process at one Redis. A count that cannot be kept never stops anyone
and never fails a request: with the cache unreachable, or a client address that cannot be read,
the pages go on without the limit and the log says so. The sign-in lockout (django-axes) counts
by the same client address (`responses.client_address`), and so does the JSON API.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
# After the cache failed, counting waits this long before trying it again, so that a Redis
# that times out costs one request a wait, not every one.
RETRY_SECONDS = 5.0

Key = str | Callable[[str, HttpRequest], str]


class _CacheDown:
    until = 0.0


def limit_wait(
    request: HttpRequest, *, group: str, rate_setting: str, key: Key = "ip"
) -> int | None:
    """Count this request against `group`'s limit: the rate in settings.<rate_setting> (such as
    "20/hour", read now), per client address unless `key` gives another key (a callable of the
    group and the request). None: it may go ahead; otherwise the seconds until it may again."""
    rate = rate_parse(getattr(settings, rate_setting))
    if rate is None:
        logger.error("%s is not a rate such as 20/hour: the limit is off", rate_setting)
        return None
    if time.monotonic() < _CacheDown.until:
        return None
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    except (RedisError, OSError):
        _CacheDown.until = time.monotonic() + RETRY_SECONDS
        logger.warning("The cache is unreachable: %s goes unlimited for now", group, exc_info=True)
        return None
    except ValueError:  # no client address to count by (see responses.client_address)
        logger.warning("No client address to count %s by: it goes unlimited", group)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def rate_parse(text: str) -> tuple[int, int] | None:
    """ "20/hour" as (20, 3600): a count per s, sec, m, min, h, hour, d or day."""
    count, _, period = str(text).partition("/")
    seconds = PERIODS.get(period.strip().lower())
    if not count.strip().isdigit() or seconds is None:
        return None
    return int(count), seconds


def limits_forget() -> None:
    """Count again at once, as after a restart (the cache keeps its own counts)."""
    _CacheDown.until = 0.0
