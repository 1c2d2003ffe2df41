"""The consent step: no survey starts until the box that links the privacy notice is ticked (on
the start page, a campaign's, an invitation's and a team's); the start says why and keeps what
was chosen; the moment of consent is kept with the response."""

from __future__ import annotations

import pytest
from django.test import Client

from consultants.invitations import invitations_add
from responses.models import Campaign, Invitation, Response
from tests.survey.answering import CONSENT
from tests.teams.conftest import answered
from tests.teams.test_team_flow import team_made_by

pytestmark = pytest.mark.django_db

MISSING = "Tick the box to agree to the privacy notice before you start."


@pytest.fixture
def campaign(bank, django_user_model) -> Campaign:
    owner = django_user_model.objects.create_user("c@consult.example", "c@consult.example", "x")
    return Campaign.objects.create(owner=owner, client_name="Acme", bank=bank)


def test_every_start_page_links_the_privacy_notice_in_its_consent_box(bank, campaign):
    pages = ["/", f"/c/{campaign.token}/"]
    (invitation,) = [
        Invitation.objects.get(email=address)
        for address in invitations_add(campaign=campaign, pasted="ana@acme.example").invited
    ]
    pages.append(f"/i/{invitation.token}/")
    for path in pages:
        html = Client().get(path).content.decode()
        assert 'name="consent" value="yes"' in html, path
        assert 'I have read the <a href="/privacy/"' in html, path


def test_no_start_without_consent_and_the_reason_is_given(bank, campaign):
    (invitation,) = [
        Invitation.objects.get(email=address)
        for address in invitations_add(campaign=campaign, pasted="ana@acme.example").invited
    ]
    for path in ["/start/", f"/c/{campaign.token}/start/", f"/i/{invitation.token}/start/"]:
        page = Client().post(path)
        assert page.status_code == 200, path
        html = page.content.decode()
        assert MISSING in html and 'aria-invalid="true"' in html, path
    assert not Response.objects.exists()


def test_a_start_with_consent_keeps_when_it_was_given(bank):
    started = Client().post("/start/", CONSENT)

    response = Response.objects.get(token=started["Location"].strip("/").split("/")[-1])
    assert response.consented_at is not None


def test_a_team_start_without_consent_keeps_the_name_choice(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)

    page = Client().post(f"/t/{team.token}/start/", {"shows_name": "1"})

    html = page.content.decode()
    assert MISSING in html and 'id="shows-name" checked' in html
    assert Response.objects.count() == 1  # the founder's only
