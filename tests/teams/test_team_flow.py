"""Team assessments through the browser's HTTP: a team link made on the results page, colleagues
joining through it, someone of another organisation joining nothing, leaving, and who may see
the team view."""

from __future__ import annotations

import pytest
from django.test import Client

from responses.models import Response
from teams.models import Team, TeamMember
from tests.teams.conftest import answered, joined_through_link

pytestmark = pytest.mark.django_db


def team_made_by(client: Client, response: Response, *, shows_name: bool = False) -> Team:
    data = {"shows_name": "1"} if shows_name else {}
    reply = client.post(f"/survey/{response.token}/team/new/", data)
    assert reply.status_code == 302 and reply["Location"].endswith("/results/#team")
    return Team.objects.get(created_by=response)


def test_the_results_page_offers_a_team_and_then_its_share_link(spec):
    founder = answered(spec, "ada@acme.io")
    client = Client()
    page = client.get(f"/survey/{founder.token}/results/").content.decode()
    assert "Invite colleagues to a team assessment" in page

    team = team_made_by(client, founder)

    page = client.get(f"/survey/{founder.token}/results/").content.decode()
    assert f"/t/{team.token}/" in page
    assert "1 of 3 colleagues have answered" in page
    assert team.organisation_key == "acme.io"


def test_a_public_mailbox_cannot_start_a_team_and_is_told_why(spec):
    loner = answered(spec, "someone@gmail.com")
    client = Client()

    reply = client.post(f"/survey/{loner.token}/team/new/", follow=True)

    text = reply.content.decode()
    assert "personal mailbox address (gmail.com)" in text
    assert not Team.objects.exists()
    assert "Thank you: here is where you stand" in text  # the results are all still there


def test_the_team_view_opens_after_the_third_colleague(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)
    second = joined_through_link(Client(), team.token, spec, "bo@ACME.io")

    waiting = Client().get(f"/survey/{second.token}/team/")
    assert waiting.status_code == 200
    assert "2 of 3 colleagues have answered" in waiting.content.decode()

    third = joined_through_link(Client(), team.token, spec, "cy@acme.io")
    page = Client().get(f"/survey/{third.token}/team/").content.decode()

    assert "The team per pillar" in page and "3 colleagues at acme.io have answered" in page
    assert "Where the team's answers diverge most" in page
    assert set(TeamMember.objects.values_list("status", flat=True)) == {"joined"}


def test_someone_of_another_organisation_joins_nothing_and_keeps_their_results(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)

    outsider = joined_through_link(Client(), team.token, spec, "eve@other.io")
    page = Client().get(f"/survey/{outsider.token}/results/").content.decode()

    assert "This team belongs to another organisation" in page
    assert "your answers are kept as your own assessment" in page
    assert TeamMember.objects.get(response=outsider).status == "refused"
    assert outsider.is_completed and outsider.score is not None
    assert Client().get(f"/survey/{outsider.token}/team/").status_code == 404


def test_a_member_who_leaves_drops_out_of_the_team_and_keeps_their_answers(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)
    members = [joined_through_link(Client(), team.token, spec, f"m{i}@acme.io") for i in range(3)]
    leaver = members[0]

    reply = Client().post(f"/survey/{leaver.token}/team/leave/", follow=True)

    assert "You left the team" in reply.content.decode()
    assert Client().get(f"/survey/{leaver.token}/team/").status_code == 404
    view = Client().get(f"/survey/{founder.token}/team/").content.decode()
    assert "3 colleagues at acme.io have answered" in view
    assert Response.objects.get(pk=leaver.pk).is_completed


def test_nobody_outside_the_team_opens_its_view(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)
    for i in range(2):
        joined_through_link(Client(), team.token, spec, f"m{i}@acme.io")
    # Same domain typed in, but never joined through the link: addresses are not verified.
    same_domain = answered(spec, "mallory@acme.io")

    assert Client().get(f"/survey/{same_domain.token}/team/").status_code == 404
    assert Client().get(f"/survey/{'x' * 32}/team/").status_code == 404
    assert Client().get(f"/survey/{founder.token}/team/").status_code == 200


def test_a_team_link_that_does_not_exist_answers_404(db):
    assert Client().get(f"/t/{'x' * 32}/").status_code == 404
    assert Client().post(f"/t/{'x' * 32}/start/").status_code == 404


def test_the_invitation_page_says_whose_team_it_is_and_starts_with_csrf(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)
    strict = Client(enforce_csrf_checks=True)

    page = strict.get(f"/t/{team.token}/").content.decode()

    assert "acme.io" in page and "csrfmiddlewaretoken" in page
    assert strict.post(f"/t/{team.token}/start/").status_code == 403


def test_a_team_pdf_the_queue_lost_is_queued_again(spec, monkeypatch, settings):
    from datetime import timedelta

    from django.utils import timezone

    from teams import services
    from teams.models import TeamReport

    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)
    lost = TeamReport.objects.create(team=team, audience="members")
    TeamReport.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(minutes=5))
    TeamReport.objects.create(team=team, audience="members")  # just asked for: not lost yet
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", queued.append)

    assert services.team_reports_reconcile() == [lost.pk]
    assert queued == [lost.pk]

    # A render that kept dying (worker killed each time) is not tried for ever.
    TeamReport.objects.filter(pk=lost.pk).update(attempts=settings.REPORT_MAX_ATTEMPTS)
    assert services.team_reports_reconcile() == []
    assert TeamReport.objects.get(pk=lost.pk).status == TeamReport.Status.FAILED


def test_staff_see_teams_in_admin_without_their_share_link(spec, admin_client):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)

    page = admin_client.get(f"/admin/teams/team/{team.pk}/change/").content.decode()

    assert "acme.io" in page and team.token not in page


def test_answering_twice_through_the_link_counts_once_towards_the_three(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)
    bo = joined_through_link(Client(), team.token, spec, "bo@acme.io")

    again = joined_through_link(Client(), team.token, spec, "ADA@acme.io")

    page = Client().get(f"/survey/{again.token}/team/").content.decode()
    assert "2 of 3 colleagues have answered" in page  # Bo's scores stay out of reach
    assert "The team per pillar" not in page
    assert Client().get(f"/survey/{bo.token}/team/").status_code == 200
    assert Client().get(f"/survey/{founder.token}/team/").status_code == 404  # replaced


def test_a_team_follows_its_organisation_when_an_admin_joins_its_domain(spec):
    from responses.models import OrganisationJoin
    from responses.organisation_keys import organisation_keys_refresh, organisation_rules

    founder = answered(spec, "carol@acme.co.uk")
    team = team_made_by(Client(), founder)
    OrganisationJoin.objects.create(domain="acme.co.uk", joined_into="acme.com")
    organisation_keys_refresh(organisation_rules())

    dave = joined_through_link(Client(), team.token, spec, "dave@acme.co.uk")
    erin = joined_through_link(Client(), team.token, spec, "erin@acme.com")

    statuses = TeamMember.objects.filter(response__in=[dave, erin]).values_list("status", flat=True)
    assert set(statuses) == {"joined"}


def test_the_team_page_follows_its_pdf_through_a_status_only_members_read(spec):
    founder = answered(spec, "ada@acme.io")
    team = team_made_by(Client(), founder)
    joined_through_link(Client(), team.token, spec, "bo@acme.io")
    cy = joined_through_link(Client(), team.token, spec, "cy@acme.io")
    assert Client().get(f"/survey/{cy.token}/team/pdf/status/").status_code == 404  # none asked

    Client().post(f"/survey/{cy.token}/team/pdf/")

    state = Client().get(f"/survey/{cy.token}/team/pdf/status/").json()
    assert state == {"status": "pending", "text": "The team PDF is queued.", "download_url": None}
    page = Client().get(f"/survey/{cy.token}/team/").content.decode()
    assert 'data-status="pending"' in page and "/team/pdf/status/" in page
    outsider = answered(spec, "eve@acme.io")  # same organisation, never joined
    assert Client().get(f"/survey/{outsider.token}/team/pdf/status/").status_code == 404
