"""Taking the assessment again from the results page, and what changed since: example A in March,
taken again as example B. The earlier assessment is reached only through its own private link,
never by typing the same e-mail address."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from django.test import Client

from reports.document import day_text
from responses.history import assessment_history
from responses.models import Response, ResponseScore
from roadmaps.models import Milestone
from tests.reports.test_pdf_document import completed
from tests.survey.answering import CONSENT, EXAMPLE_A, EXAMPLE_B, answer_all_pages, stored_form

pytestmark = pytest.mark.django_db

MARCH = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _rows(markup: str, table_id: str) -> dict[str, list[str]]:
    """A table's body rows by their heading's first word, each the text of its other cells."""
    table = re.search(rf'<table[^>]* id="{table_id}".*?</table>', markup, re.S)
    assert table, f"no table {table_id}"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0).split("<tbody>")[1], re.S):
        cells = [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0].split()[0]] = cells[1:]
    return rows


def _complete(client: Client, spec, answers) -> Response:
    assert client.post("/start/", {"fresh": "1", **CONSENT}).status_code == 302
    response = Response.objects.order_by("-created_at", "-pk").first()
    assert response is not None
    answer_all_pages(client, response.token, spec, answers)
    response.refresh_from_db()
    assert response.is_completed
    return response


def _take_again(client: Client, earlier: Response) -> Response:
    reply = client.post(f"/survey/{earlier.token}/results/again/")
    assert reply.status_code == 302
    token = reply["Location"].split("/")[2]
    return Response.objects.get(token=token)


@pytest.fixture
def march_a(spec) -> Response:
    """Example A, completed on 12 March 2026, with three milestones set on it then."""
    client = Client()
    earlier = _complete(client, spec, EXAMPLE_A)
    Response.objects.filter(pk=earlier.pk).update(completed_at=MARCH)
    earlier.refresh_from_db()
    Milestone.objects.create(
        response=earlier, pillar_key="segmentation", title="Segment by contract value",
        owner="Ada", due_on=date(2026, 6, 30), status=Milestone.Status.DONE,
    )  # fmt: skip
    Milestone.objects.create(
        response=earlier, pillar_key="playbook", title="Write the renewal playbook",
        due_on=date(2026, 5, 1), status=Milestone.Status.PLANNED,
    )  # fmt: skip
    Milestone.objects.create(
        response=earlier, pillar_key="roi", title="Measure baselines",
        due_on=date.today() + timedelta(days=90), status=Milestone.Status.PLANNED,
    )  # fmt: skip
    return earlier


def test_taking_again_prefills_the_profile_and_leaves_every_scored_question_empty(spec, march_a):
    later = _take_again(Client(), march_a)

    assert later.previous_assessment_id == march_a.pk
    assert not later.is_completed and later.email == march_a.email
    scored = {str(q.number) for q in spec.questions if q.is_scored}
    profile = {str(q.number) for q in spec.questions if not q.is_scored}
    assert set(later.answers) == profile & set(march_a.answers)
    assert not scored & set(later.answers)
    assert all(later.answers[key] == march_a.answers[key] for key in later.answers)


def test_taking_again_twice_continues_the_same_draft(march_a):
    client = Client()
    first = _take_again(client, march_a)
    second = _take_again(client, march_a)

    assert first.pk == second.pk
    assert Response.objects.filter(previous_assessment=march_a).count() == 1


def test_the_second_results_page_shows_the_change_since_the_first_and_its_milestones(spec, march_a):
    client = Client()
    later = _take_again(client, march_a)
    answer_all_pages(client, later.token, spec, EXAMPLE_B)

    page = client.get(f"/survey/{later.token}/results/").content.decode()

    section = re.search(r'<section[^>]* id="progress".*?</section>', page, re.S)
    assert section, "no progress section"
    text = _text(section.group(0))
    since = day_text(MARCH)
    assert since == "12 March 2026"
    assert f"Since your assessment of {since}" in text
    before, after = (
        ResponseScore.objects.get(response=response).overall for response in (march_a, later)
    )
    difference = after - before
    assert f"{difference:.2f}" == "46.85"  # 61.13 − 14.28, as kept
    assert (
        f"went up {difference:.2f} points since {since}, from {before:.2f} to {after:.2f}, "
        "and rose from Undeveloped to Expanding" in text
    )
    rows = _rows(section.group(0), "progress-changes")
    assert rows["Overall"] == [
        f"{before:.2f}",
        f"{after:.2f}",
        "▲ +46.85 (up 46.85 points)",
        "rose from Undeveloped to Expanding",
    ]
    assert rows["Team"] == [
        "27.78",
        "80.16",
        "▲ +52.38 (up 52.38 points)",
        "rose from Emerging to Conquering",
    ]
    assert "Into a higher bucket: Overall, Alignment, Team, Segmentation," in text
    assert "<svg" in section.group(0) and 'class="trend-chart"' in section.group(0)
    assert f"{since} 14.28 Undeveloped —" in text  # the trend's table, every assessment
    assert "Done Segment by contract value · Segmentation · Ada · due 30 June 2026" in text
    assert "Planned, overdue Write the renewal playbook" in text
    assert "Planned Measure baselines" in text


def test_the_second_link_does_not_lead_to_the_first_assessments_private_pages(spec, march_a):
    client = Client()
    later = _take_again(client, march_a)
    answer_all_pages(client, later.token, spec, EXAMPLE_B)

    page = client.get(f"/survey/{later.token}/results/").content.decode()

    assert march_a.token not in page
    assert march_a.public_id not in page


def test_typing_the_same_address_shows_no_one_elses_earlier_assessment(spec, march_a):
    # Someone else starts afresh and types the first respondent's address: nothing links them.
    stranger = _complete(Client(), spec, {**EXAMPLE_B, 3: march_a.email})

    page = Client().get(f"/survey/{stranger.token}/results/").content.decode()

    assert stranger.previous_assessment_id is None
    assert "Since your assessment" not in page
    assert "14.28" not in page
    assert "Take the assessment again" in page  # the offer for later, on their own link


def test_taking_again_needs_a_completed_assessments_own_link(spec, march_a):
    client = Client()
    draft = _take_again(client, march_a)

    assert client.post("/survey/not-a-real-token-at-all-0123456789/results/again/").status_code == (
        404
    )
    assert client.post(f"/survey/{march_a.public_id}/results/again/").status_code == 404
    assert client.post(f"/survey/{draft.token}/results/again/").status_code == 404  # unfinished
    assert client.get(f"/survey/{march_a.token}/results/again/").status_code == 405
    assert Response.objects.count() == 2


def test_taking_again_is_a_form_with_a_csrf_token(march_a):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/survey/{march_a.token}/results/").content.decode()
    form = re.search(
        rf'<form method="post" action="/survey/{march_a.token}/results/again/".*?</form>',
        page,
        re.S,
    )
    assert form and 'name="csrfmiddlewaretoken"' in form.group(0)

    assert client.post(f"/survey/{march_a.token}/results/again/").status_code == 403


def test_a_profile_answer_the_bank_no_longer_accepts_is_not_carried(spec, march_a):
    region = next(q for q in spec.questions if q.role == "region")
    answers = {**march_a.answers, str(region.number): 999999}  # an option code that is not there
    Response.objects.filter(pk=march_a.pk).update(answers=answers)

    later = _take_again(Client(), march_a)

    assert str(region.number) not in later.answers
    assert (
        later.answers[str(spec.question_for_role("industry").number)]
        == stored_form(spec, EXAMPLE_A)[str(spec.question_for_role("industry").number)]
    )


def test_every_assessment_of_a_long_chain_is_read_in_three_queries(
    spec, django_assert_max_num_queries
):
    chain = [
        completed(spec, EXAMPLE_A if n % 2 else EXAMPLE_B, "ada@example.com") for n in range(6)
    ]
    for earlier, later in pairwise(chain):
        Response.objects.filter(pk=later.pk).update(previous_assessment=earlier)
    assessment_history(response=chain[-1])  # the bank's spec, cached per process from now on

    with django_assert_max_num_queries(3):
        history = assessment_history(response=chain[-1])

    assert history.response_ids == tuple(response.pk for response in chain)
    assert [str(a.overall) for a in history.assessments] == ["61.13", "14.28"] * 3
