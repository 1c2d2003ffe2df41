"""The results page says when its comparison was made and, once the pool has grown meaningfully
since, offers "Compare with today's peers": a POST that keeps a new comparison (earlier ones and
their PDFs stay as they were) and comes back with a message saying what changed."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from benchmarks.models import ResponseBenchmark
from benchmarks.selectors import benchmark_latest
from reports.models import Report
from reports.selectors import report_latest
from responses.models import QuestionBank, Response
from responses.services import response_start
from scoring.bank import BankSpec
from survey import comparison_views
from survey.comparison_views import comparison_refresh_offer
from survey.services import response_complete
from tests.examples import EXAMPLE_A
from tests.survey.answering import stored_form

pytestmark = pytest.mark.django_db
OTHER_INDUSTRY = "Financial Services"
MY_INDUSTRY = str(EXAMPLE_A[5])


@pytest.fixture(autouse=True)
def small_pool(settings):
    settings.BENCHMARK_K = 2  # "All respondents" needs 2 more peers (10 % of a few, at least K)
    settings.SURVEY_COMPARE_AGAIN_LIMIT = "10/hour"
    settings.TRUSTED_PROXY_COUNT = 0


def complete(spec: BankSpec, email: str, industry: str = MY_INDUSTRY) -> Response:
    response = response_start(bank=QuestionBank.objects.get(key=spec.key, version=spec.version))
    answers = stored_form(spec, {**EXAMPLE_A, 3: email, 5: industry})
    Response.objects.filter(pk=response.pk).update(answers=answers, email=email)
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def mine_among_peers(spec: BankSpec, peers: int = 3) -> Response:
    for n in range(peers):
        complete(spec, f"cs@peer{n}.example", industry=OTHER_INDUSTRY)
    return complete(spec, "me@me.example")


def include_for(response: Response) -> str:
    offer = comparison_refresh_offer(
        response=response,
        benchmark=benchmark_latest(response=response),
        report=report_latest(response=response),
    )
    request = RequestFactory().get("/")
    context = {"comparison_date": offer}
    return render_to_string("survey/includes/comparison_date.html", context, request=request)


def compare_again(response: Response, client: Client | None = None):
    return (client or Client()).post(f"/survey/{response.token}/results/compare/")


def told(reply) -> str:
    return " ".join(str(message) for message in get_messages(reply.wsgi_request))


def test_the_offer_appears_only_once_the_pool_has_grown_meaningfully(spec):
    mine = mine_among_peers(spec)
    page = include_for(mine)
    assert "with 3 peer organisations" in page and "Compare with today" not in page

    complete(spec, "new1@new1.example", industry=OTHER_INDUSTRY)
    assert "Compare with today" not in include_for(mine)  # one more: not yet

    complete(spec, "new2@new2.example", industry=OTHER_INDUSTRY)
    page = include_for(mine)
    assert "Compare with today" in page and "it now holds 5 organisations" in page
    assert f'action="/survey/{mine.token}/results/compare/"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_group_withheld_then_and_large_enough_now_is_offered(spec):
    mine = mine_among_peers(spec, peers=4)
    # my industry had no peer; now still 1 < K
    complete(spec, "same.industry@same.industry.example")
    assert "Compare with today" not in include_for(mine)

    complete(spec, "same.industry.2@same.industry.2.example")
    page = include_for(mine)
    assert "Compare with today" in page
    assert f"Industry: {MY_INDUSTRY} now has enough peers to be shown" in page


def test_comparing_again_keeps_a_new_comparison_and_says_what_changed(spec):
    mine = mine_among_peers(spec)
    earlier = ResponseBenchmark.objects.get(response=mine)
    complete(spec, "new1@new1.example")
    complete(spec, "new2@new2.example")

    reply = compare_again(mine)

    assert reply.status_code == 302
    assert reply["Location"] == f"/survey/{mine.token}/results/#peers"
    latest = benchmark_latest(response=mine)
    assert latest is not None and latest.benchmark_id != earlier.pk
    assert latest.pool_size == 5 and ResponseBenchmark.objects.filter(response=mine).count() == 2
    day = latest.computed_at
    assert f"Compared with 5 peers as of {day.day} {day:%B %Y}." in told(reply)
    assert "Your earlier comparison" in told(reply) and "counted 3" in told(reply)
    assert f"Industry: {MY_INDUSTRY}" in told(reply)  # shown now, withheld before
    assert "Compare with today" not in include_for(mine)  # the new one is today's


def test_without_meaningful_growth_no_new_comparison_is_made(spec):
    mine = mine_among_peers(spec)
    complete(spec, "new1@new1.example", industry=OTHER_INDUSTRY)

    reply = compare_again(mine)

    assert "has not grown enough" in told(reply)
    assert ResponseBenchmark.objects.filter(response=mine).count() == 1


def test_a_response_that_cannot_be_compared_is_told_so(spec, monkeypatch):
    mine = mine_among_peers(spec)
    complete(spec, "new1@new1.example")
    complete(spec, "new2@new2.example")
    monkeypatch.setattr("benchmarks.refresh.benchmark_compute", lambda response: None)

    reply = compare_again(mine)

    assert "cannot be compared with today's pool" in told(reply)
    assert ResponseBenchmark.objects.filter(response=mine).count() == 1


def test_comparing_again_needs_the_forms_csrf_token(spec):
    mine = mine_among_peers(spec, peers=0)
    reply = compare_again(mine, Client(enforce_csrf_checks=True))
    assert reply.status_code == 403


def test_comparing_again_is_limited_per_client(spec, settings):
    settings.SURVEY_COMPARE_AGAIN_LIMIT = "2/hour"
    mine = mine_among_peers(spec, peers=0)
    asked = [told(compare_again(mine)) for _ in range(3)]
    assert all("has not grown" in text for text in asked[:2])
    assert "Please try again in" in asked[2]
    assert "has not grown" in told(compare_again(mine, Client(REMOTE_ADDR="10.0.0.2")))


def test_only_a_completed_response_through_its_own_link(spec, bank):
    draft = response_start(bank=bank)
    assert compare_again(draft).status_code == 404
    assert Client().post("/survey/nosuchtoken00000000000000/results/compare/").status_code == 404
    mine = mine_among_peers(spec, peers=0)
    assert Client().get(f"/survey/{mine.token}/results/compare/").status_code == 405


def test_an_unreachable_database_answers_the_outage_page(spec, monkeypatch):
    mine = mine_among_peers(spec, peers=0)

    def down(*, response: Response) -> None:
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(comparison_views, "benchmark_refresh", down)
    reply = Client(raise_request_exception=False).post(f"/survey/{mine.token}/results/compare/")
    assert reply.status_code == 503 and reply["Retry-After"]


def test_a_pdf_asked_for_after_comparing_again_prints_the_new_comparison(spec):
    mine = mine_among_peers(spec)
    printed = Report.objects.get(response=mine)
    Report.objects.filter(pk=printed.pk).update(status=Report.Status.READY)
    complete(spec, "new1@new1.example")
    complete(spec, "new2@new2.example")
    compare_again(mine)
    page = include_for(mine)
    assert "Your PDF report shows an earlier comparison" in page
    request_url = reverse("reports:request", args=[mine.token])
    assert f'action="{request_url}"' in page

    Client().post(request_url)

    newest = report_latest(response=mine)
    assert newest is not None and newest.pk != printed.pk
    assert newest.benchmark_id == benchmark_latest(response=mine).benchmark_id  # type: ignore[union-attr]
    assert Report.objects.get(pk=printed.pk).benchmark_id == printed.benchmark_id
