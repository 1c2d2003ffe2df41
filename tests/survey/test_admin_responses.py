"""The responses list in Django admin: scores and profile shown, filters, and taking responses
out of the benchmarks (and back) with the peer pool kept in step."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.models import PoolEntry
from responses.models import QuestionBank, Response, ResponseScore
from responses.services import response_start
from scoring.bank import BankSpec
from survey.services import response_complete
from tests.survey.answering import EXAMPLE_A, EXAMPLE_B, Answers, stored_form

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/responses/response/"


def complete(bank: QuestionBank, spec: BankSpec, answers: Answers, email: str) -> Response:
    """A real (not demo) response, completed through the survey's own service."""
    response = response_start(bank=bank)
    stored = stored_form(spec, {**answers, 3: email})
    Response.objects.filter(pk=response.pk).update(answers=stored, email=email)
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def listed(admin_client: Client, query: dict[str, Any] | None = None) -> set[str]:
    page = admin_client.get(CHANGELIST, query or {})
    assert page.status_code == 200
    changelist = page.context["cl"]
    assert changelist.result_count <= changelist.list_per_page, "keep the test on one page"
    return {response.email for response in changelist.result_list}


def active_pool_entry(email: str) -> PoolEntry | None:
    """The active pool entry of the address's organisation (here: its domain)."""
    organisation = email.rpartition("@")[2].lower()
    return PoolEntry.objects.filter(organisation_key=organisation, removed_seq__isnull=True).first()


def act(admin_client: Client, action: str, responses: list[Response]) -> str:
    page = admin_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [response.pk for response in responses]},
        follow=True,
    )
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def seeded(bank: QuestionBank) -> None:
    call_command("seed_demo", responses=40, seed=3, stdout=StringIO())


def test_the_list_shows_score_bucket_and_profile(bank, spec, admin_client):
    complete(bank, spec, EXAMPLE_B, "b@b.example")
    response_start(bank=bank)  # in progress: no score yet

    page = admin_client.get(CHANGELIST).content.decode()

    for column, shown in {
        "overall_score": "61.13",
        "overall_bucket": "Expanding",
        "industry": "Financial Services",
        "arr_band": "$100M – $500M",
        "region": "North America",
    }.items():
        assert f'<td class="field-{column}">{shown}</td>' in page
    assert page.count('<td class="field-overall_score">') == 2


def test_the_demo_filter_separates_demo_from_real_responses(bank, spec, seeded, admin_client):
    complete(bank, spec, EXAMPLE_A, "real@real.example")

    assert listed(admin_client, {"is_demo__exact": "0"}) == {"real@real.example"}
    demo = listed(admin_client, {"is_demo__exact": "1"})
    assert len(demo) == 40 and "real@real.example" not in demo


def test_the_bucket_filter_lists_responses_by_overall_bucket(spec, seeded, admin_client):
    page = admin_client.get(CHANGELIST).content.decode()
    for bucket in spec.buckets:
        assert f"?bucket={bucket.key}" in page

    for bucket in spec.buckets:
        expected = set(
            ResponseScore.objects.filter(overall_bucket=bucket.key).values_list(
                "response__email", flat=True
            )
        )
        assert listed(admin_client, {"bucket": bucket.key}) == expected
    assert listed(admin_client, {"bucket": "expanding"})  # the seed reaches it


def test_profile_filters_list_the_banks_options(spec, seeded, admin_client):
    band = "$10M – $50M"
    expected = set(Response.objects.filter(arr_band=band).values_list("email", flat=True))

    assert expected and listed(admin_client, {"arr_band": band}) == expected
    page = admin_client.get(CHANGELIST).content.decode()
    assert "Healthcare and Life Sciences" in page and "Asia-Pacific" in page


def test_excluding_takes_the_response_out_of_the_peer_pool_and_including_brings_it_back(
    bank, spec, admin_client
):
    response = complete(bank, spec, EXAMPLE_B, "b@b.example")
    other = complete(bank, spec, EXAMPLE_A, "a@a.example")
    assert active_pool_entry("b@b.example") is not None

    message = act(admin_client, "exclude_from_benchmarks", [response])

    assert "Excluded 1 response(s) from benchmarks." in message
    response.refresh_from_db()
    assert response.excluded_from_benchmarks
    assert active_pool_entry("b@b.example") is None
    assert listed(admin_client, {"excluded_from_benchmarks__exact": "1"}) == {"b@b.example"}
    entry = active_pool_entry("a@a.example")
    assert entry is not None and entry.response_id == other.pk

    message = act(admin_client, "include_in_benchmarks", [response, other])

    assert "Included 1 response(s) in benchmarks again." in message
    response.refresh_from_db()
    assert not response.excluded_from_benchmarks
    entry = active_pool_entry("b@b.example")
    assert entry is not None and entry.response_id == response.pk
    assert listed(admin_client, {"excluded_from_benchmarks__exact": "1"}) == set()


def test_excluding_someones_latest_response_brings_back_their_previous_one(
    bank, spec, admin_client
):
    earlier = complete(bank, spec, EXAMPLE_A, "Pat@PAT.example")
    latest = complete(bank, spec, EXAMPLE_B, "pat@pat.example")
    entry = active_pool_entry("pat@pat.example")
    assert entry is not None and entry.response_id == latest.pk

    act(admin_client, "exclude_from_benchmarks", [latest])

    entry = active_pool_entry("pat@pat.example")
    assert entry is not None and entry.response_id == earlier.pk


def test_a_response_cannot_be_edited_by_hand(bank, spec, admin_client):
    response = complete(bank, spec, EXAMPLE_B, "b@b.example")
    url = f"{CHANGELIST}{response.pk}/change/"

    page = admin_client.get(url)
    posted = admin_client.post(url, {"excluded_from_benchmarks": "on", "email": "x@x.example"})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    response.refresh_from_db()
    assert (response.email, response.excluded_from_benchmarks) == ("b@b.example", False)
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_the_list_takes_the_same_queries_for_many_responses(bank, admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(captured)

    call_command("seed_demo", responses=3, seed=1, stdout=StringIO())
    few = queries()
    call_command("seed_demo", responses=60, seed=2, stdout=StringIO())

    assert queries() == few
