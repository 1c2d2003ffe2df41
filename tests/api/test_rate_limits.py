"""Rate limits: per token, per client address without one; X-Forwarded-For cannot be forged."""

from __future__ import annotations

import os
import secrets

import pytest
import redis
from django.test import Client

from api.base import rate_shares_forget
from tests.api.conftest import ApiClient


def test_a_token_over_its_limit_gets_429_with_retry_after(api, bank, settings):
    settings.API_RATE_LIMIT_TOKEN = "3/min"
    codes = [api.get("/responses/x").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    reply = api.get("/responses/x")
    assert reply.status_code == 429
    assert 1 <= int(reply["Retry-After"]) <= 60


def test_anonymous_calls_are_limited_per_address(bank, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = "2/min"
    client = ApiClient(None)
    assert [client.get("/banks/current").status_code for _ in range(3)] == [200, 200, 429]
    # Token guesses count against the address too.
    guesser = ApiClient("wrong")
    assert guesser.get("/responses/x").status_code == 429
    other = ApiClient(None)
    assert other.get("/banks/current", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_x_forwarded_for_is_ignored_without_trusted_proxies(bank, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = "2/min"
    settings.TRUSTED_PROXY_COUNT = 0
    client = ApiClient(None)
    codes = [
        client.get("/banks/current", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_behind_one_trusted_proxy_only_the_address_it_appended_counts(bank, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = "2/min"
    settings.TRUSTED_PROXY_COUNT = 1
    client = ApiClient(None)
    # The client forges the left part; our proxy appended the real address 198.51.100.7.
    codes = [
        client.get("/banks/current", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert client.get("/banks/current", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def redis_url() -> str:
    """A Redis this machine runs (CI does), or the test is skipped: a laptop may have none."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {url}")
    return url


def test_with_redis_every_process_counts_in_one_window(bank, settings):
    url = redis_url()
    prefix = f"test-{secrets.token_hex(4)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.API_RATE_LIMIT_ANONYMOUS = "2/min"
    client = ApiClient(None)
    assert [client.get("/banks/current").status_code for _ in range(3)] == [200, 200, 429]
    # The window lives in Redis, where another web process would count too, and expires.
    server = redis.Redis.from_url(url)
    (key,) = server.keys(f"{prefix}:*api-rate:address:127.0.0.1:*")
    assert int(server.get(key) or 0) == 3
    assert 0 < server.ttl(key) <= 61
    server.delete(key)
    assert client.get("/banks/current").status_code == 200

    # A high limit is taken ten calls at a time, and that window expires too.
    settings.API_RATE_LIMIT_ANONYMOUS = "1000/min"
    client.get("/banks/current", REMOTE_ADDR="10.1.1.1")
    (shared,) = server.keys(f"{prefix}:*api-rate:address:10.1.1.1:*")
    assert int(server.get(shared) or 0) == 10 and 0 < server.ttl(shared) <= 61


def test_the_openapi_document_and_docs_are_limited_per_address_too(db, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = "2/min"
    client = ApiClient(None)
    codes = [client.get(path).status_code for path in ("/openapi.json", "/docs", "/openapi.json")]
    assert codes == [200, 200, 429]
    reply = client.get("/docs")
    assert reply.status_code == 429 and 1 <= int(reply["Retry-After"]) <= 60


def test_a_high_limit_is_counted_in_shares_and_never_exceeded(api, bank, settings):
    from django.core.cache import cache

    # 1,000 a minute: each process takes 10 calls at a time from the shared count.
    settings.API_RATE_LIMIT_TOKEN = "1000/min"
    assert api.get("/responses/x").status_code == 404
    (key,) = [k for k in cache._cache if ":api-rate:token:" in k]  # type: ignore[attr-defined]
    window = key.split(":", 2)[2]
    assert cache.get(window) == 10
    for _ in range(9):
        assert api.get("/responses/x").status_code == 404
    assert cache.get(window) == 10  # spent from the share, without asking the cache
    assert api.get("/responses/x").status_code == 404
    assert cache.get(window) == 20

    # Other processes have taken all but 5 of the window: only those 5 more get through.
    rate_shares_forget()
    cache.set(window, 995)
    codes = [api.get("/responses/x").status_code for _ in range(7)]
    assert codes == [404] * 5 + [429] * 2


def test_with_redis_unreachable_the_api_answers_and_limits_per_process(bank, settings):
    # Given a cache URL where no Redis answers, and a low anonymous limit
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.API_RATE_LIMIT_ANONYMOUS = "2/min"
    client = Client()

    # When the anonymous bank is asked for three times
    codes = [client.get("/api/v1/banks/current").status_code for _ in range(3)]

    # Then it is served, never a 500, and the limit still holds in this process
    assert codes == [200, 200, 429]
