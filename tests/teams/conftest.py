"""Helpers for team assessments: responses completed through the survey's own service."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from responses.models import Campaign, QuestionBank, Response
from responses.services import response_start
from scoring.bank import BankSpec
from survey.services import response_complete
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.survey.answering import stored_form


def answered(
    spec: BankSpec,
    email: str,
    *,
    name: str = "",
    response: Response | None = None,
    campaign: Campaign | None = None,
) -> Response:
    """Complete `response` (or a new one) with a mix of examples A and B, seeded by the address,
    as if answered page by page."""
    rng = random.Random(email)
    answers: dict[int, Any] = {
        number: (EXAMPLE_A if rng.random() < 0.5 else EXAMPLE_B)[number] for number in EXAMPLE_A
    }
    answers.update({1: name or email.split("@")[0].title(), 3: email})
    if response is None:
        bank = QuestionBank.objects.get(key=spec.key, version=spec.version)
        response = response_start(bank=bank, campaign=campaign)
    Response.objects.filter(pk=response.pk).update(answers=stored_form(spec, answers), email=email)
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def joined_through_link(
    client: Client,
    team_token: str,
    spec: BankSpec,
    email: str,
    *,
    shows_name: bool = False,
    name: str = "",
) -> Response:
    """A colleague opens the team link, starts, and completes the survey."""
    data = {"consent": "yes", **({"shows_name": "1"} if shows_name else {})}
    reply = client.post(f"/t/{team_token}/start/", data)
    assert reply.status_code == 302, reply.content
    token = reply["Location"].rstrip("/").split("/")[-1]
    response = Response.objects.get(token=token)
    return answered(spec, email, response=response, name=name)


@pytest.fixture
def consultant(db: None) -> User:
    return User.objects.create_user("c@consult.example", "c@consult.example", "pw-c-123456")


@pytest.fixture
def other_consultant(db: None) -> User:
    return User.objects.create_user("d@consult.example", "d@consult.example", "pw-d-123456")
