"""Tokens (hashed, revocable, last use recorded) and who sees which response."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consultants.models import ApiToken
from reports.models import Report
from responses.models import Campaign, Response
from tests.api.conftest import ApiClient, submission, user

ENDPOINTS = [
    ("get", "/responses/{id}"),
    ("get", "/responses/{id}/benchmark"),
    ("get", "/responses/{id}/report"),
    ("post", "/responses/{id}/report"),
    ("get", "/responses/{id}/report.pdf"),
]


def token_for(someone) -> ApiClient:
    _, secret = ApiToken.issue(user=someone, name="t")
    return ApiClient(secret)


def test_command_prints_the_secret_once_and_stores_only_its_hash(consultant, bank):
    out = StringIO()
    call_command(
        "create_api_token", consultant.email, "--name", "CRM import", stdout=out, stderr=StringIO()
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=consultant)
    assert token.name == "CRM import"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert secret.startswith(token.prefix)
    assert ApiClient(secret).post("/responses", submission()).status_code == 201
    token.refresh_from_db()
    assert token.last_used_at is not None
    token.revoke()
    assert ApiClient(secret).post("/responses", submission()).status_code == 401


def test_command_refuses_unknown_users(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "nobody@example.com", stdout=StringIO())


def test_last_use_is_written_at_most_once_a_minute(consultant, bank):
    token, secret = ApiToken.issue(user=consultant, name="t")
    client = ApiClient(secret)
    client.get("/responses/nope")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get("/responses/nope")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/responses/nope")
    later = ApiToken.objects.get(pk=token.pk).last_used_at
    assert later is not None and later > first


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong", "Token abc", "Basic eDp5"])
@pytest.mark.parametrize(("method", "path"), [("post", "/responses"), *ENDPOINTS])
def test_without_a_valid_token_every_endpoint_but_the_bank_is_401(bank, header, method, path):
    client = ApiClient(None)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    reply = getattr(client, method)(path.format(id="x"), **extra)
    assert reply.status_code == 401
    assert reply["WWW-Authenticate"] == "Bearer"
    assert not Response.objects.exists()


def test_an_inactive_users_token_is_401(consultant, bank):
    client = token_for(consultant)
    consultant.is_active = False
    consultant.save()
    assert client.post("/responses", submission()).status_code == 401


@pytest.fixture
def world(consultant, bank):
    """Consultant A submits one response and owns a campaign with another; B and an admin."""
    a = token_for(consultant)
    submitted = a.post("/responses", submission()).json()["id"]
    b_user = user("b@consult.example")
    b = token_for(b_user)
    by_b = b.post("/responses", submission()).json()["id"]
    campaign = Campaign.objects.create(owner=consultant, client_name="Acme", bank=bank)
    Response.objects.filter(public_id=by_b).update(campaign=campaign)  # B answered A's link
    own_b = b.post("/responses", submission()).json()["id"]
    admin = token_for(user("root@example.com", superuser=True))
    return {
        "a": a,
        "b": b,
        "admin": admin,
        "a_submitted": submitted,
        "in_a_campaign": by_b,
        "does-not-exist": "no-such-id",
        "b_own": own_b,
    }


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_scope_matrix(world, method, path):
    def status(who, which):
        reply = getattr(world[who], method)(path.format(id=world[which]))
        return reply.status_code

    seen = {200, 202, 409}  # 409: report.pdf while the report is pending
    assert status("a", "a_submitted") in seen
    assert status("a", "in_a_campaign") in seen
    assert status("a", "b_own") == 404
    assert status("b", "a_submitted") == 404
    assert status("b", "b_own") in seen
    assert status("b", "in_a_campaign") in seen  # B submitted it
    for which in ("a_submitted", "in_a_campaign", "b_own"):
        assert status("admin", which) in seen
    assert status("a", "does-not-exist") == 404
    assert getattr(ApiClient(None), method)(path.format(id=world["a_submitted"])).status_code == 401


def test_someone_elses_id_answers_exactly_like_a_missing_one(world):
    other = world["a"].get(f"/responses/{world['b_own']}")
    missing = world["a"].get("/responses/nothing-here")
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())


def test_someone_elses_report_is_not_requested(world):
    before = Report.objects.count()
    assert world["a"].post(f"/responses/{world['b_own']}/report").status_code == 404
    assert Report.objects.count() == before


def test_tokens_issued_in_the_admin_are_listed_without_secrets(admin_client, consultant):
    reply = admin_client.post(
        "/admin/consultants/apitoken/add/",
        {"user": consultant.pk, "name": "From admin"},
        follow=True,
        HTTP_HOST="localhost",
    )
    token = ApiToken.objects.get(name="From admin")
    page = reply.content.decode()
    assert token.prefix in page
    assert ApiToken.objects.count() == 1
    revoke = admin_client.post(
        "/admin/consultants/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        HTTP_HOST="localhost",
    )
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()
