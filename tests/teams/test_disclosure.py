"""What a team view must never show: a peer group of fewer than K organisations, and a member's
name (or address) to a member who was not allowed to see it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from benchmarks.selectors import benchmark_k
from teams.access import Audience
from teams.models import Team
from teams.selectors import team_view_for
from tests.teams.conftest import answered, joined_through_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(spec) -> Team:
    """Three colleagues of acme.io: Ada agreed to show her name, Bo did not, Cy looks."""
    founder = answered(spec, "ada@acme.io", name="Ada Lovelace")
    Client().post(f"/survey/{founder.token}/team/new/", {"shows_name": "1"})
    found = Team.objects.get(created_by=founder)
    joined_through_link(Client(), found.token, spec, "bo@acme.io", name="Bo Secret")
    return found


def test_a_member_sees_only_the_names_of_members_who_agreed(team, spec):
    viewer = joined_through_link(Client(), team.token, spec, "cy@acme.io", name="Cy Viewer")

    page = Client().get(f"/survey/{viewer.token}/team/").content.decode()

    assert "Ada Lovelace" in page
    assert "Bo Secret" not in page and "bo@acme.io" not in page
    assert "ada@acme.io" not in page  # a consenting member's name, never their address
    assert re.search(r"<th scope=\"row\">Member [123]</th>", page)
    assert '<th scope="row">You</th>' in page


def test_the_pdf_for_members_names_no_one_who_did_not_agree(team, spec):
    joined_through_link(Client(), team.token, spec, "cy@acme.io", name="Cy Viewer")
    from teams.pdf import team_report_html

    html = team_report_html(team=team, audience=Audience.MEMBERS)

    assert "Ada Lovelace" in html and "Bo Secret" not in html and "Cy Viewer" not in html


def test_withdrawing_consent_hides_the_name_again(team, spec):
    viewer = joined_through_link(Client(), team.token, spec, "cy@acme.io", name="Cy Viewer")
    founder = team.created_by
    assert founder is not None
    Client().post(f"/survey/{founder.token}/team/name/", {"shows_name": "0"})

    page = Client().get(f"/survey/{viewer.token}/team/").content.decode()

    assert "Ada Lovelace" not in page


def _other_organisations(spec, count: int) -> None:
    for i in range(count):
        answered(spec, f"peer{i}@org{i}.io")
    answered(spec, "second@org0.io")  # a colleague at org0: the pool still counts org0 once


def test_fewer_than_k_other_organisations_show_no_peer_figure(team, spec):
    k = benchmark_k()
    _other_organisations(spec, k - 1)
    viewer = joined_through_link(Client(), team.token, spec, "cy@acme.io")

    page = Client().get(f"/survey/{viewer.token}/team/").content.decode()
    view = team_view_for(team=team, audience=Audience.MEMBERS)

    assert f"Fewer than {k} organisations besides the team" in page
    assert 'id="team-peer-table"' not in page
    assert view.peers.n is None and view.peers.rows == ()


def test_k_other_organisations_show_the_team_against_them_without_its_own(team, spec):
    k = benchmark_k()
    _other_organisations(spec, k)
    joined_through_link(Client(), team.token, spec, "cy@acme.io")

    view = team_view_for(team=team, audience=Audience.MEMBERS)

    # acme.io is in the pool too (once), but never among its own team's peers.
    assert view.peers.n == k
    assert view.peers.rows[0].name == "Overall"
    assert view.peers.rows[0].team_median == view.overall.median


def test_a_withdrawn_name_takes_the_members_pdf_with_it(team, spec):
    from teams.models import TeamReport

    joined_through_link(Client(), team.token, spec, "cy@acme.io")
    TeamReport.objects.create(team=team, audience="members", status="ready")
    founder = team.created_by
    assert founder is not None

    Client().post(f"/survey/{founder.token}/team/name/", {"shows_name": "0"})

    assert not TeamReport.objects.filter(team=team).exists()
