"""The team PDF: asked for on the team page, rendered by the worker's task with WeasyPrint, read
back as text: it holds the team's medians."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from teams.access import Audience
from teams.models import Team, TeamReport
from teams.selectors import team_view_for
from tests.teams.conftest import answered, joined_through_link

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_member_asks_for_the_team_pdf_and_downloads_the_medians(
    spec, settings, tmp_path, tasks_run_inline, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    founder = answered(spec, "ada@acme.io")
    Client().post(f"/survey/{founder.token}/team/new/")
    team = Team.objects.get(created_by=founder)
    for email in ("bo@acme.io", "cy@acme.io"):
        joined_through_link(Client(), team.token, spec, email)
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/survey/{founder.token}/team/pdf/").status_code == 302

    report = TeamReport.objects.get(team=team)
    assert report.status == "ready", report.error
    page = client.get(f"/survey/{founder.token}/team/").content.decode()
    download = f"/survey/{founder.token}/team/pdf/{report.token}.pdf"
    assert download in page
    reply = client.get(download)
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    text = text_of(reply.getvalue())

    view = team_view_for(team=team, audience=Audience.MEMBERS)
    assert "Team assessment: acme.io" in text
    assert f"{view.overall.median:.2f}" in text
    for pillar in view.pillars:
        assert f"{pillar.name} {pillar.spread.median:.2f}" in text
    # Someone else's private link does not fetch it.
    stranger = answered(spec, "x@elsewhere.io")
    assert client.get(f"/survey/{stranger.token}/team/pdf/{report.token}.pdf").status_code == 404
