"""What every answer of ours tells browsers and caches."""

from __future__ import annotations

import pytest
from django.test import Client

from responses.models import QuestionBank, Response
from tests.survey.answering import CONSENT


@pytest.mark.django_db
def test_pages_and_api_answers_are_never_kept_by_a_shared_cache(bank: QuestionBank) -> None:
    client = Client()
    client.post("/start/", CONSENT)
    token = Response.objects.get().token
    for path in ("/", f"/survey/{token}/page/1/", "/api/v1/banks/current", "/accounts/login/"):
        reply = client.get(path)
        assert reply.status_code == 200, path
        assert {"private", "no-store"} <= set(reply["Cache-Control"].split(", ")), path


def test_static_files_keep_their_own_caching() -> None:
    reply = Client().get("/static/css/cspi.css")
    assert reply.status_code == 200
    assert "no-store" not in reply["Cache-Control"]
