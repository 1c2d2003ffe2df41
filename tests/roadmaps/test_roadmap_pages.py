"""The roadmap through the private link and the consultant's workspace: the rules as a person
meets them (a clear message, nothing typed lost), foreign ids, hostile text, the exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from responses.erasure import responses_erase
from responses.models import Campaign, Erasure
from responses.services import response_start
from roadmaps.models import Milestone, PillarTarget
from roadmaps.services import milestone_add
from tests.roadmaps.conftest import completed

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = '<script>alert(1)</script> =HYPERLINK("http://evil.example","x")'
HOSTILE_OWNER = '=HYPERLINK("http://evil.example")'


def roadmap_url(response, suffix: str = "", *more: str) -> str:
    return reverse(f"survey:roadmap{suffix}", args=[response.token, *more])


def milestone_post(pillar: str = "team", **fields: str) -> dict[str, str]:
    data = {"title": "Hire an operations lead", "owner": "", "due_on": "", "status": "planned"}
    data.update(fields)
    return {"action": "add", "new-pillar": pillar, **{f"new-{k}": v for k, v in data.items()}}


def test_target_below_the_current_bucket_is_refused_with_the_rule(client, example_a):
    page = client.post(
        roadmap_url(example_a),
        {"action": "target", "pillar": "team", "team-target": "undeveloped"},
    )

    assert page.status_code == 200
    assert "Your Team score is Emerging already; choose Emerging or higher." in page.text
    assert not PillarTarget.objects.filter(response=example_a).exists()


def test_target_above_proposes_milestones_once(client, example_a):
    data = {"action": "target", "pillar": "team", "team-target": "expanding"}

    first = client.post(roadmap_url(example_a), data)
    client.post(roadmap_url(example_a), data)  # the same target again proposes nothing more

    assert first.status_code == 302
    titles = list(Milestone.objects.filter(response=example_a).values_list("title", flat=True))
    # Example A's Team path raises Q18 twice: one milestone, for the option it ends on.
    assert titles == ["Q18: choose “CS team that includes operations roles”"]
    assert PillarTarget.objects.get(response=example_a, pillar_key="team").bucket_key == (
        "expanding"
    )
    page = client.get(roadmap_url(example_a))
    assert "Target Expanding: 22.22 points to go" in page.text


def test_holding_the_current_bucket_proposes_nothing(client, example_a):
    client.post(
        roadmap_url(example_a),
        {"action": "target", "pillar": "team", "team-target": "emerging"},
    )

    assert not Milestone.objects.filter(response=example_a).exists()
    assert "Target Emerging: hold" in client.get(roadmap_url(example_a)).text


def test_past_due_date_is_refused_and_the_form_keeps_what_was_typed(client, example_a):
    yesterday = timezone.localdate() - timedelta(days=1)
    data = milestone_post(
        pillar="segmentation", title="Segment by objectives", owner="Ana", due_on=str(yesterday)
    )

    page = client.post(roadmap_url(example_a), data)

    assert page.status_code == 200
    assert "is in the past; choose today or a later day." in page.text
    assert 'value="Segment by objectives"' in page.text
    assert 'value="Ana"' in page.text
    assert f'value="{yesterday.isoformat()}"' in page.text
    assert '<option value="segmentation" selected>' in page.text
    assert not Milestone.objects.filter(response=example_a).exists()


def test_an_overdue_milestone_can_still_be_marked_done(client, example_a):
    milestone = milestone_add(response=example_a, pillar_key="team", title="Kick-off")
    overdue = timezone.localdate() - timedelta(days=3)
    Milestone.objects.filter(pk=milestone.pk).update(due_on=overdue)
    data = {
        "pillar": "team",
        "title": "Kick-off",
        "owner": "",
        "due_on": str(overdue),
        "status": "done",
    }

    reply = client.post(roadmap_url(example_a, "-milestone", milestone.public_id), data)

    assert reply.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.due_on) == ("done", overdue)


def test_another_responses_milestone_is_not_found_through_my_link(client, spec, example_a):
    other = completed(spec)
    theirs = milestone_add(response=other, pillar_key="team", title="Theirs")
    data = {"pillar": "team", "title": "Mine now", "owner": "", "due_on": "", "status": "done"}

    for suffix in ("-milestone", "-milestone-delete"):
        assert client.get(roadmap_url(example_a, suffix, theirs.public_id)).status_code == 404
        assert client.post(roadmap_url(example_a, suffix, theirs.public_id), data).status_code == (
            404
        )

    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_a_consultant_reaches_only_their_own_campaigns_roadmaps(client, spec, bank):
    owner = User.objects.create_user("a@example.com", "a@example.com", "pw-a-123456")
    stranger = User.objects.create_user("b@example.com", "b@example.com", "pw-b-123456")
    campaign = Campaign.objects.create(owner=owner, client_name="Acme", bank=bank)
    response = completed(spec, campaign=campaign)
    milestone = milestone_add(response=response, pillar_key="team", title="Kick-off")
    args = [campaign.token, response.public_id]
    page = reverse("workspace:roadmap", args=args)
    edit = reverse("workspace:roadmap-milestone", args=[*args, milestone.public_id])

    client.force_login(stranger)
    assert client.get(page).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.get(reverse("workspace:roadmap-export", args=[*args, "csv"])).status_code == 404

    client.force_login(owner)
    assert client.get(page).status_code == 200
    reply = client.post(
        edit, {"pillar": "team", "title": "Kick-off", "owner": "Bo", "due_on": "", "status": "done"}
    )
    assert reply.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.owner, milestone.status) == ("Bo", "done")
    # Not the respondent's private link: it stays theirs.
    assert response.token not in client.get(page).text


def test_hostile_text_is_shown_literally_and_kept_out_of_formulas(client, example_a):
    due = timezone.localdate() + timedelta(days=10)
    client.post(
        roadmap_url(example_a),
        milestone_post(title=HOSTILE_TITLE, owner=HOSTILE_OWNER, due_on=str(due)),
    )

    page = client.get(roadmap_url(example_a)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    exported = client.get(roadmap_url(example_a, "-export", "csv"))
    assert exported["Content-Disposition"] == 'attachment; filename="cspi-roadmap.csv"'
    assert "no-store" in exported["Cache-Control"]
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows == [
        ["Pillar", "Title", "Owner", "Due date", "Status"],
        ["Team", HOSTILE_TITLE, "'" + HOSTILE_OWNER, due.isoformat(), "Planned"],
    ]

    calendar = client.get(roadmap_url(example_a, "-export", "ics"))
    assert calendar["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(calendar.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == HOSTILE_TITLE
    assert HOSTILE_OWNER in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == due
    milestone = Milestone.objects.get(response=example_a)
    assert str(event["UID"]).startswith(milestone.public_id)
    assert b"PRODID:-//CSPI Benchmark//Roadmap//EN" in calendar.content


def test_erasing_a_response_erases_its_roadmap(example_a):
    PillarTarget.objects.create(response=example_a, pillar_key="team", bucket_key="expanding")
    milestone_add(response=example_a, pillar_key="team", title="Kick-off")

    responses_erase(
        responses=type(example_a).objects.filter(pk=example_a.pk), reason=Erasure.Reason.ADMIN
    )

    assert not Milestone.objects.exists()
    assert not PillarTarget.objects.exists()


def test_an_unfinished_survey_leads_back_to_its_questions(client, bank):
    draft = response_start(bank=bank)

    reply = client.get(roadmap_url(draft))

    assert reply.status_code == 302
    assert reply["Location"] == reverse("survey:resume", args=[draft.token])
    assert client.get(roadmap_url(draft, "-export", "csv")).status_code == 404
