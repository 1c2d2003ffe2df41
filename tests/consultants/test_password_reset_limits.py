"""Password links: at most a few per e-mail address and per client address. Over a limit the
page answers exactly as when a link goes out, and no e-mail is sent, so the answers never tell
whether an account uses an address."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"
SENT = "/accounts/password-reset/sent/"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = "2/hour"
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = "4/hour"
    settings.TRUSTED_PROXY_COUNT = 0


def ask(email: str, **extra: Any):
    return Client().post(RESET, {"email": email}, **extra)


def account(email: str) -> User:
    return User.objects.create_user(email, email=email, password="long-pass-123")


def test_one_address_gets_at_most_its_limit_of_links_from_anywhere():
    account("sam@acme.com")
    replies = [
        ask(address, REMOTE_ADDR=f"10.0.0.{n}")
        for n, address in enumerate(["sam@acme.com", "Sam@Acme.com", "sam@acme.com"])
    ]

    assert len(mail.outbox) == 2
    assert [(r.status_code, r["Location"]) for r in replies] == [(302, SENT)] * 3


def test_one_client_address_gets_at_most_its_limit_of_links():
    for n in range(6):
        account(f"user{n}@acme.com")
    replies = [ask(f"user{n}@acme.com") for n in range(6)]

    assert len(mail.outbox) == 4
    assert [(r.status_code, r["Location"]) for r in replies] == [(302, SENT)] * 6
    # Another client is not held back by this one.
    ask("user5@acme.com", REMOTE_ADDR="10.9.9.9")
    assert len(mail.outbox) == 5 and mail.outbox[-1].to == ["user5@acme.com"]


def test_over_the_limit_an_address_with_an_account_looks_like_one_without():
    account("sam@acme.com")
    for _ in range(2):
        ask("sam@acme.com")
        ask("nobody@acme.com")

    known = Client().post(RESET, {"email": "sam@acme.com"}, follow=True, REMOTE_ADDR="10.0.0.8")
    unknown = Client().post(
        RESET, {"email": "nobody@acme.com"}, follow=True, REMOTE_ADDR="10.0.0.8"
    )

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert "Check your e-mail" in known.content.decode()
    assert len(mail.outbox) == 2


def test_a_forged_x_forwarded_for_does_not_dodge_the_client_limit():
    for n in range(6):
        account(f"user{n}@acme.com")
    for n in range(6):
        ask(f"user{n}@acme.com", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert len(mail.outbox) == 4


def test_with_the_cache_unreachable_links_still_go_out(settings):
    # Given a cache URL where no Redis answers
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    account("sam@acme.com")

    # When a link is asked for more often than the limit
    replies = [ask("sam@acme.com") for _ in range(3)]

    # Then the page works (the limit is off while nothing can count it), never a 500
    assert [r.status_code for r in replies] == [302] * 3
    assert len(mail.outbox) == 3
