"""A client's progress in the workspace: a response after its organisation's earlier assessments
in the consultant's other campaigns, and only what the consultant may already read."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from consultants.campaigns import campaign_create
from responses.models import Campaign, Response
from tests.consultants.test_campaigns import answered_through
from tests.examples import EXAMPLE_A, EXAMPLE_B

pytestmark = pytest.mark.django_db

MARCH = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


def _campaign(owner, bank, name: str) -> Campaign:
    return campaign_create(owner=owner, client_name=name, note="", bank=bank, closes_on=None)


def _in_march(response: Response) -> Response:
    Response.objects.filter(pk=response.pk).update(completed_at=MARCH)
    response.refresh_from_db()
    return response


def _page(client: Client, response: Response):
    assert response.campaign is not None
    url = f"/workspace/campaigns/{response.campaign.token}/responses/{response.public_id}/progress/"
    return client.get(url)


def _text(reply) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", reply.content.decode())).split())


@pytest.fixture
def consultants(db) -> dict[str, User]:
    return {
        "a": User.objects.create_user("a@example.com", "a@example.com", "pw-a-123456"),
        "b": User.objects.create_user("b@example.com", "b@example.com", "pw-b-123456"),
    }


@pytest.fixture
def rounds(bank, spec, consultants):
    """Consultant a's client Acme: Ada and her colleague Bo answer in March, Ada again in
    December; consultant b also has an Acme response from March."""
    march = _campaign(consultants["a"], bank, "Acme, March")
    december = _campaign(consultants["a"], bank, "Acme, December")
    others = _campaign(consultants["b"], bank, "Acme, elsewhere")
    ada_march = _in_march(answered_through(Client(), march, spec, {**EXAMPLE_A, 3: "ada@acme.com"}))
    bo_march = _in_march(answered_through(Client(), march, spec, {**EXAMPLE_B, 3: "bo@acme.com"}))
    _in_march(answered_through(Client(), others, spec, {**EXAMPLE_B, 3: "ada@acme.com"}))
    ada_december = answered_through(Client(), december, spec, {**EXAMPLE_B, 3: "Ada@acme.com"})
    return {"ada_march": ada_march, "bo_march": bo_march, "ada_december": ada_december}


def test_the_consultant_sees_the_organisation_since_its_earlier_campaign(rounds, consultants):
    client = Client()
    client.force_login(consultants["a"])

    text = _text(_page(client, rounds["ada_december"]))

    assert "Since their assessment of 12 March 2026" in text
    # Ada's own March answers (example A), not her colleague Bo's (example B), nor the
    # response in consultant b's campaign.
    assert "went up 46.85 points since 12 March 2026, from 14.28 to 61.13" in text
    assert "Take the assessment again" not in text


def test_colleagues_of_one_campaign_are_a_team_not_a_history(rounds, consultants):
    client = Client()
    client.force_login(consultants["a"])

    reply = _page(client, rounds["bo_march"])

    assert reply.status_code == 200
    assert "Since their assessment" not in _text(reply)
    assert "No earlier assessment of this organisation" in _text(reply)


def test_another_consultant_reaches_nothing(rounds, consultants):
    client = Client()
    client.force_login(consultants["b"])

    assert _page(client, rounds["ada_december"]).status_code == 404
    assert _page(Client(), rounds["ada_december"]).status_code == 302  # to sign in


def test_the_campaign_table_links_a_completed_response_to_its_progress(rounds, consultants):
    client = Client()
    client.force_login(consultants["a"])
    december = rounds["ada_december"]

    page = client.get(f"/workspace/campaigns/{december.campaign.token}/").content.decode()

    assert f"/responses/{december.public_id}/progress/" in page


def test_taking_again_from_a_campaign_response_stays_in_the_open_campaign(rounds):
    march = rounds["ada_march"]

    reply = Client().post(f"/survey/{march.token}/results/again/")

    later = Response.objects.get(token=reply["Location"].split("/")[2])
    assert later.campaign_id == march.campaign_id
    assert later.previous_assessment_id == march.pk
