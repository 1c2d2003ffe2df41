"""Guessing passwords: after a few wrong ones for one account from one client address, signing in
with it from there is paused (429, a page that says so) until the cool-off has passed, on the
consultants' sign-in page and in Django admin alike."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "long-pass-123"
WRONG = "guess-no-7"


@pytest.fixture(autouse=True)
def three_tries_for_fifteen_minutes(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 0.25  # hours
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def consultant() -> User:
    return User.objects.create_user("jane@acme.com", email="jane@acme.com", password=PASSWORD)


def sign_in(client: Client, email: str, password: str, **extra: Any):
    return client.post(
        LOGIN, {"username": email, "password": password, "next": "/workspace/"}, **extra
    )


def signed_in(client: Client) -> bool:
    return client.get("/workspace/").status_code == 200


def cool_off_passes() -> None:
    """Time travel: every recorded failure happened 16 minutes earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))


def test_wrong_passwords_pause_sign_in_with_a_page_that_says_so(consultant):
    client = Client()
    first_two = [sign_in(client, "jane@acme.com", WRONG).status_code for _ in range(2)]
    assert first_two == [200, 200]

    paused = sign_in(client, "Jane@Acme.com", WRONG)

    assert paused.status_code == 429
    page = paused.content.decode()
    assert "Sign-in paused" in page and "about 15 minutes" in page
    assert 890 <= int(paused["Retry-After"]) <= 900
    # The form comes back with the address and the destination, never the password.
    assert 'value="Jane@Acme.com"' in page and 'value="/workspace/"' in page
    assert WRONG not in page


def test_the_right_password_is_refused_while_paused(consultant):
    client = Client()
    for _ in range(3):
        sign_in(client, "jane@acme.com", WRONG)

    ten_minutes_on = timedelta(minutes=10)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - ten_minutes_on)

    reply = sign_in(client, "jane@acme.com", PASSWORD)

    assert reply.status_code == 429 and "Sign-in paused" in reply.content.decode()
    assert not signed_in(client)
    # Trying during the pause does not lengthen it: it ends 15 minutes after it began.
    assert 290 <= int(reply["Retry-After"]) <= 300
    assert "about 5 minutes" in sign_in(client, "jane@acme.com", WRONG).content.decode()


def test_after_the_cool_off_the_pages_own_form_signs_in(consultant):
    client = Client()
    for _ in range(3):
        paused = sign_in(client, "jane@acme.com", WRONG)
    action = re.search(r'<form method="post" action="([^"]+)"', paused.content.decode())
    assert action is not None

    cool_off_passes()
    reply = client.post(
        action.group(1), {"username": "jane@acme.com", "password": PASSWORD, "next": "/workspace/"}
    )

    assert reply.status_code == 302 and signed_in(client)


def test_a_successful_sign_in_clears_the_count(consultant):
    client = Client()
    for _ in range(2):
        sign_in(client, "jane@acme.com", WRONG)
    assert sign_in(client, "jane@acme.com", PASSWORD).status_code == 302

    later = Client()
    codes = [sign_in(later, "jane@acme.com", WRONG).status_code for _ in range(2)]

    assert codes == [200, 200]  # two fresh failures: the earlier two were forgotten
    assert sign_in(later, "jane@acme.com", PASSWORD).status_code == 302


def test_the_pause_holds_only_that_account_from_that_address(consultant):
    User.objects.create_user("sam@acme.com", email="sam@acme.com", password=PASSWORD)
    for _ in range(3):
        sign_in(Client(), "jane@acme.com", WRONG)

    elsewhere = Client()
    assert sign_in(elsewhere, "jane@acme.com", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302
    colleague = Client()
    assert sign_in(colleague, "sam@acme.com", PASSWORD).status_code == 302


def test_a_forged_x_forwarded_for_does_not_dodge_the_pause(consultant):
    codes = [
        sign_in(Client(), "jane@acme.com", WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n in range(4)
    ]

    assert [reply.status_code for reply in codes] == [200, 200, 429, 429]


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(consultant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        sign_in(Client(), "jane@acme.com", WRONG, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")

    other = Client()
    reply = sign_in(other, "jane@acme.com", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert reply.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


def test_django_admin_sign_in_is_paused_the_same_way():
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client = Client()
    codes = [
        client.post(ADMIN_LOGIN, {"username": "root", "password": WRONG}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]

    refused = client.post(ADMIN_LOGIN, {"username": "root", "password": PASSWORD})

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Sign-in paused" in page and "Username" in page and 'value="root"' in page
    assert client.get("/admin/").status_code == 302  # not signed in
    cool_off_passes()
    assert client.post(ADMIN_LOGIN, {"username": "root", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_unknown_address_is_counted_like_a_real_one():
    # The same answers whether or not an account uses the address: nothing to learn from them.
    codes = [sign_in(Client(), "nobody@acme.com", WRONG).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]


def test_a_request_without_a_readable_client_address_still_gets_an_answer(consultant):
    # A server behind a socket with no proxy set up: no address to count by, never a 500.
    codes = {
        sign_in(Client(), "jane@acme.com", WRONG, REMOTE_ADDR="").status_code for _ in range(4)
    }
    assert codes <= {200, 429}


def test_with_the_cache_unreachable_sign_in_and_its_lockout_still_work(consultant, settings):
    # Given a cache URL where no Redis answers: the lockout keeps its counts in the database
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert sign_in(Client(), "jane@acme.com", PASSWORD).status_code == 302

    codes = [sign_in(Client(), "jane@acme.com", WRONG).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
