"""With the database restarting, pages and the API answer a 503 that says to try again, and a
respondent's saved answers stay as they were."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from responses.models import QuestionBank
from responses.selectors import bank_spec_for
from responses.services import response_start
from tests.survey.answering import CONSENT, EXAMPLE_A, form_data


def database_restarts(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", refused)
    monkeypatch.setattr(CursorWrapper, "executemany", refused)


@pytest.mark.django_db
def test_survey_pages_say_to_come_back_in_a_minute(
    bank: QuestionBank, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a respondent half way through, when the database restarts
    response = response_start(bank=bank)
    answers = form_data(bank_spec_for(bank=bank), 1, EXAMPLE_A)
    client = Client(raise_request_exception=False)
    database_restarts(monkeypatch)

    # Then every page, read or save, answers 503 with a time to come back and no error details
    for reply in (
        client.get(f"/survey/{response.token}/page/1/"),
        client.post(f"/survey/{response.token}/page/1/", answers),
        client.post("/start/", CONSENT),
    ):
        assert reply.status_code == 503
        assert reply["Retry-After"] == "30"
        page = reply.content.decode()
        assert "We are back in a minute" in page and "Everything you saved before is safe" in page
        assert "Traceback" not in page and "OperationalError" not in page

    # And once it is back, the response is as it was, ready to be answered
    monkeypatch.undo()
    response.refresh_from_db()
    assert response.answers == {} and not response.is_completed
    assert client.get(f"/survey/{response.token}/page/1/").status_code == 200


@pytest.mark.django_db
def test_the_api_answers_503_in_json(bank: QuestionBank, monkeypatch: pytest.MonkeyPatch) -> None:
    database_restarts(monkeypatch)
    reply = Client(raise_request_exception=False).get("/api/v1/banks/current")
    assert reply.status_code == 503 and reply["Retry-After"] == "30"
    assert reply.json() == {"detail": "The service is briefly unavailable. Try again in a minute."}


@pytest.mark.django_db
def test_other_failures_still_answer_500(
    bank: QuestionBank, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    client = Client(raise_request_exception=False)
    assert client.get("/api/v1/banks/current").status_code == 500
    page = client.post("/start/", CONSENT)
    assert page.status_code == 500 and "Something went wrong" in page.content.decode()
