"""An id that cannot be an id (a NUL character, which PostgreSQL refuses in a query, or any
character no token has) answers 404 on every route that takes one, never 500."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from consultants.models import ApiToken

NOT_IDS = ["%00", "a%00b", "x%27%3B--", "%F0%9F%98%80"]

PAGES = [
    "/survey/{id}/",
    "/survey/{id}/page/1/",
    "/survey/{id}/saved/",
    "/survey/{id}/results/",
    "/survey/{id}/report/",
    "/survey/{id}/report/{id}.pdf",
    "/c/{id}/",
]
POSTS = ["/survey/{id}/page/1/", "/survey/{id}/report/new/", "/c/{id}/start/"]
WORKSPACE = [
    "/workspace/campaigns/{id}/",
    "/workspace/campaigns/{id}/responses.csv",
    "/workspace/campaigns/{id}/archive/status/",
    "/workspace/archives/{id}.zip",
    "/workspace/reports/{id}.pdf",
]
API = [
    "/api/v1/responses/{id}",
    "/api/v1/responses/{id}/benchmark",
    "/api/v1/responses/{id}/report",
    "/api/v1/responses/{id}/report.pdf",
]


@pytest.mark.django_db
@pytest.mark.parametrize("not_id", NOT_IDS)
def test_a_respondents_page_or_download_with_no_real_id_is_not_found(not_id: str) -> None:
    client = Client(enforce_csrf_checks=False)
    for route in PAGES:
        assert client.get(route.format(id=not_id)).status_code == 404, route
    for route in POSTS:
        assert client.post(route.format(id=not_id), {"step": "1"}).status_code == 404, route


@pytest.mark.django_db
@pytest.mark.parametrize("not_id", NOT_IDS)
def test_a_workspace_page_or_api_call_with_no_real_id_is_not_found(not_id: str) -> None:
    consultant = get_user_model().objects.create_user("c@x.example", "c@x.example", "x")
    client = Client()
    client.force_login(consultant)
    for route in WORKSPACE:
        assert client.get(route.format(id=not_id)).status_code == 404, route
    assert client.post(f"/workspace/campaigns/{not_id}/archive/").status_code == 404
    _, secret = ApiToken.issue(user=consultant, name="tests")
    bearer = {"Authorization": f"Bearer {secret}"}
    for route in API:
        assert client.get(route.format(id=not_id), headers=bearer).status_code == 404, route
    reply = client.post(f"/api/v1/responses/{not_id}/report", headers=bearer)
    assert reply.status_code == 404
