"""A consultant's campaign teams: one per organisation in the workspace, with names, and in the
API (their campaigns only; anyone else's team answers 404)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from consultants.campaigns import campaign_create
from consultants.models import ApiToken
from responses.models import Campaign, Response
from teams.access import Audience, campaign_team_responses
from teams.models import Team
from teams.selectors import team_view_for
from tests.teams.conftest import answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(bank, consultant) -> Campaign:
    return campaign_create(
        owner=consultant, client_name="Acme <b>Corp</b>", note="", bank=bank, closes_on=None
    )


@pytest.fixture
def acme_team(campaign, consultant, spec) -> Team:
    answered(spec, "ada@acme.io", name="Ada Lovelace", campaign=campaign)
    answered(spec, "bo@acme.io", name="Bo Private", campaign=campaign)
    answered(spec, "eve@other.io", name="Eve Other", campaign=campaign)
    client = Client()
    client.force_login(consultant)
    reply = client.post(f"/workspace/campaigns/{campaign.token}/team/", {"organisation": "acme.io"})
    assert reply.status_code == 302
    return Team.objects.get(campaign=campaign, organisation_key="acme.io")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_campaign_page_links_a_team_per_organisation(campaign, consultant, spec):
    answered(spec, "ada@acme.io", campaign=campaign)
    answered(spec, "eve@other.io", campaign=campaign)

    page = signed_in(consultant).get(f"/workspace/campaigns/{campaign.token}/").content.decode()

    assert "Team view of acme.io" in page and "Team view of other.io" in page


def test_the_consultant_sees_the_team_with_every_name(acme_team, consultant):
    page = signed_in(consultant).get(f"/workspace/teams/{acme_team.public_id}/").content.decode()

    assert "Ada Lovelace" in page and "Bo Private" in page
    assert "Eve Other" not in page  # another organisation of the same campaign
    assert "2 completed responses" in page
    assert "Acme &lt;b&gt;Corp&lt;/b&gt;" in page  # typed text is escaped


def test_another_consultant_finds_no_such_team(acme_team, other_consultant, campaign):
    client = signed_in(other_consultant)

    assert client.get(f"/workspace/teams/{acme_team.public_id}/").status_code == 404
    opened = client.post(
        f"/workspace/campaigns/{campaign.token}/team/", {"organisation": "acme.io"}
    )
    assert opened.status_code == 404


def test_an_organisation_without_answers_opens_no_team(campaign, consultant):
    reply = signed_in(consultant).post(
        f"/workspace/campaigns/{campaign.token}/team/", {"organisation": "nobody.io"}, follow=True
    )

    assert "Nobody of that organisation has completed" in reply.content.decode()
    assert not Team.objects.exists()


def api_get(user, path: str):
    _, secret = ApiToken.issue(user=user, name="tests")
    return Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {secret}"})


def test_the_api_gives_a_consultant_their_campaign_team(acme_team, consultant):
    reply = api_get(consultant, f"/teams/{acme_team.public_id}")

    assert reply.status_code == 200
    body = reply.json()
    assert body["id"] == acme_team.public_id and body["members"] == 2
    assert body["organisation"] == "acme.io"
    assert set(body["pillars"]) == {
        "alignment", "team", "segmentation", "playbook",
        "resources", "onboarding", "relationship", "roi",
    }  # fmt: skip
    overall = body["overall"]
    assert overall["lowest"] <= overall["median"] <= overall["highest"]
    # Only acme.io and other.io answered: fewer than K other organisations, nothing shown.
    assert body["peers"] == {"k": 5, "enough_peers": False, "n": None}


def test_the_api_answers_404_for_anyone_elses_team_and_for_link_teams(
    acme_team, other_consultant, consultant, spec
):
    assert api_get(other_consultant, f"/teams/{acme_team.public_id}").status_code == 404
    founder = answered(spec, "zed@zeta.io")
    Client().post(f"/survey/{founder.token}/team/new/")
    link_team = Team.objects.get(created_by=founder)
    assert api_get(consultant, f"/teams/{link_team.public_id}").status_code == 404
    assert api_get(consultant, "/teams/not-a-token").status_code == 404
    assert Client().get(f"/api/v1/teams/{acme_team.public_id}").status_code == 401


def test_the_openapi_document_describes_the_team_endpoint(db):
    document = Client().get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/teams/{team_id}"]["get"]
    assert {"200", "401", "404"} <= set(operation["responses"])
    assert "TeamOut" in document["components"]["schemas"]


def test_the_consultant_gets_a_team_pdf_with_every_name(
    acme_team, consultant, settings, tmp_path, tasks_run_inline, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/workspace/teams/{acme_team.public_id}/pdf/")
    report = acme_team.reports.get()
    assert report.status == "ready", report.error

    reply = client.get(f"/workspace/teams/{acme_team.public_id}/pdf/{report.token}.pdf")

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.getvalue())).pages)
    assert "Ada Lovelace" in text and "Bo Private" in text
    assert (
        f"{team_view_for(team=acme_team, audience=Audience.CONSULTANT).overall.median:.2f}" in text
    )


def test_the_api_compares_the_team_with_other_organisations_only(acme_team, consultant, spec):
    for i in range(5):
        answered(spec, f"peer@org{i}.io")

    peers = api_get(consultant, f"/teams/{acme_team.public_id}").json()["peers"]
    body = api_get(consultant, f"/teams/{acme_team.public_id}").json()

    # other.io and the five: acme.io's own response is in the pool but not among its peers.
    assert peers["enough_peers"] is True and peers["n"] == 6 and peers["k"] == 5
    assert peers["overall"]["team_median"] == body["overall"]["median"]
    assert set(peers["pillars"]) == set(body["pillars"])
    assert 0 <= peers["overall"]["percentile_rank"] <= 100


def test_an_assessment_taken_again_in_the_campaign_counts_its_person_once(
    acme_team, consultant, spec
):
    first = campaign_team_responses(acme_team).first()
    assert first is not None
    before = campaign_team_responses(acme_team).count()
    Client().post(f"/survey/{first.token}/results/again/")
    retake = Response.objects.get(previous_assessment=first)
    answered(spec, first.email, response=retake)

    members = campaign_team_responses(acme_team)
    assert members.count() == before
    assert retake in members and first not in members
