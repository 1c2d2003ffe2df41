"""API tokens in the workspace: shown once, stored as a hash, revoked by their owner only."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from consultants.models import ApiToken, api_token_hash


@pytest.fixture
def signed_in(db) -> tuple[Client, User]:
    user = User.objects.create_user("a@example.com", "a@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client, user


def test_a_new_token_is_shown_once_and_opens_the_api(signed_in, bank):
    client, user = signed_in
    page = client.post("/workspace/tokens/", {"name": "CRM <import>"}).content.decode()
    secret = re.search(r'id="new-token"[^>]*value="([^"]+)"', page)
    assert secret is not None
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == api_token_hash(secret.group(1)) and secret.group(1) not in str(
        ApiToken.objects.values_list().get()
    )
    assert "CRM &lt;import&gt;" in page
    assert secret.group(1) not in client.get("/workspace/tokens/").content.decode()

    api = Client().get("/api/v1/responses/nope", HTTP_AUTHORIZATION=f"Bearer {secret.group(1)}")
    assert api.status_code == 404  # authenticated: the response simply does not exist


def test_revoking_shuts_the_api_and_only_the_owner_can(signed_in, bank):
    client, user = signed_in
    token, secret = ApiToken.issue(user=user, name="script")
    other = Client()
    other.force_login(User.objects.create_user("b@example.com", "b@example.com", "pw"))

    assert other.post(f"/workspace/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/workspace/tokens/{token.pk}/revoke/").status_code == 302

    api = Client().get("/api/v1/responses/nope", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
    assert "Revoked" in client.get("/workspace/tokens/").content.decode()


def test_an_empty_name_is_refused(signed_in):
    client, _ = signed_in
    page = client.post("/workspace/tokens/", {"name": ""}).content.decode()
    assert "This field is required" in page and not ApiToken.objects.exists()
