"""A response's page in Django admin reads as the respondent answered: question and option texts,
numbers with their units, the kept scores with bucket names and the kept comparison."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from benchmarks.services import benchmark_compute
from responses.models import Option, QuestionBank, Response, ResponseScore
from responses.selectors import bank_spec_for
from responses.services import response_start
from scoring.kpis import KPIS
from survey.services import response_complete
from tests.survey.answering import EXAMPLE_B, Answers, stored_form

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def completed(bank: QuestionBank, answers: Answers, email: str = "bo@b.example") -> Response:
    spec = bank_spec_for(bank=bank)
    response = response_start(bank=bank)
    Response.objects.filter(pk=response.pk).update(
        answers=stored_form(spec, {**answers, 3: email}), email=email
    )
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def page_of(client: Client, response: Response) -> str:
    page = client.get(f"/admin/responses/response/{response.pk}/change/")
    assert page.status_code == 200
    return page.content.decode()


def test_answers_read_as_question_and_option_texts(bank, admin_client):
    html = page_of(admin_client, completed(bank, EXAMPLE_B))

    assert "What is the highest level of management on your customer success team?" in html
    assert "Director or VP who serves on the company&#x27;s leadership team" in html
    assert "<li>Customer Training</li>" in html  # a multi-choice answer, as a list
    assert "<li>Account Management</li>" in html
    assert "1504" not in html  # no raw option codes


def test_numbers_show_their_units_and_unknown_reads_unknown(bank, admin_client):
    response = completed(bank, {**EXAMPLE_B, 12: None})  # NPS: "unknown"

    html = page_of(admin_client, response)

    assert f"<td>112{NBSP}%</td>" in html  # net revenue retention, a percent question
    assert "<td>2,400</td>" in html  # number of customers
    assert "<td>unknown</td>" in html


def test_kept_kpis_are_shown_with_labels_and_units(bank, admin_client):
    response = completed(bank, EXAMPLE_B)
    score = ResponseScore.objects.get(response=response)

    html = page_of(admin_client, response)

    nrr = KPIS["nrr"]
    assert f"<tr><th>{nrr.label}</th><td>{nrr.shown(score.nrr)}</td></tr>" in html
    per_csm = KPIS["customers_per_csm"]
    assert f"<th>{per_csm.label}</th><td>{per_csm.shown(score.customers_per_csm)}</td>" in html


def test_kept_scores_show_overall_and_pillars_with_bucket_names(bank, admin_client):
    response = completed(bank, EXAMPLE_B)
    score = ResponseScore.objects.get(response=response)
    team = score.pillars.get(pillar_key="team")

    html = page_of(admin_client, response)

    assert f"<tr><th>Overall</th><td>{score.overall}</td><td>Expanding</td></tr>" in html
    assert f"<tr><th>Team</th><td>{team.score}</td><td>" in html


def test_the_kept_comparison_shows_its_date_pool_k_and_medians(bank, admin_client, settings):
    settings.BENCHMARK_INCLUDE_DEMO = True
    call_command("seed_demo", responses=12, seed=5, stdout=StringIO())
    response = completed(bank, EXAMPLE_B)
    kept = benchmark_compute(response=response)
    assert kept is not None and kept.pool_size

    html = page_of(admin_client, response)

    assert (
        f"Computed {kept.computed_at:%Y-%m-%d %H:%M}; pool: {kept.pool_size} peers; K = 5" in html
    )
    assert f"All respondents: {kept.pool_size} peers" in html
    assert "Median of all respondents" in html
    overall_median = kept.comparison["groups"][0]["overall"]["median"]
    assert f"<tr><th>Overall score</th><td>{overall_median}</td></tr>" in html


def test_an_uncompleted_response_says_it_is_not_scored(bank, admin_client):
    response = response_start(bank=bank)

    html = page_of(admin_client, response)

    assert "Not scored: the response is not completed." in html
    assert "No comparison kept." in html
    assert "<em>not answered</em>" in html


def test_hostile_text_in_answers_and_options_is_escaped(bank, admin_client):
    hostile = "<script>alert(1)</script>"
    Option.objects.filter(question__bank=bank, question__number=15, position=0).update(
        text=f"Boss {hostile}"
    )
    spec = bank_spec_for(bank=bank)
    first = spec.question(15).options[0].text  # type: ignore[union-attr]
    response = completed(bank, {**EXAMPLE_B, 1: f"Bo {hostile}", 15: first})

    html = page_of(admin_client, response)

    assert hostile not in html
    assert "Bo &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Boss &lt;script&gt;alert(1)&lt;/script&gt;" in html
