"""Submitting answers and reading the scored response, as API.md says."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from responses.models import PillarScore, Response, ResponseScore
from scoring.bank import Kind
from tests.api.conftest import ApiClient, submission
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.survey.test_stored_scores import EXPECTED
from tests.survey.test_stored_scores import complete as complete_in_browser


def test_current_bank_needs_no_token_and_lists_options_with_ids(bank):
    reply = ApiClient(None).get("/banks/current")
    assert reply.status_code == 200
    body = reply.json()
    assert (body["bank"], body["version"]) == ("cspi", 1)
    by_number = {q["number"]: q for q in body["questions"]}
    assert by_number[15]["options"][0]["id"] == 1501
    assert by_number[10] == {
        "number": 10,
        "kind": "percent",
        "text": by_number[10]["text"],
        "required": True,
        "min": 0,
        "max": 300,
        "unknown_allowed": True,
    }
    assert "options" not in by_number[1]
    assert by_number[15]["pillar"] == "alignment"


@pytest.mark.parametrize("example", ["A", "B"])
def test_examples_by_option_text_score_as_scoring_md_and_as_the_browser_stores(spec, api, example):
    answers = {"A": EXAMPLE_A, "B": EXAMPLE_B}[example]
    reply = api.post("/responses", submission(answers))
    assert reply.status_code == 201, reply.content
    body = reply.json()
    expected = EXPECTED[example]
    assert body["overall"]["score"] == float(expected["overall"][0])
    pillars = {k: f"{Decimal(str(v['score'])):.2f}" for k, v in body["pillars"].items()}
    assert pillars == {k: v[0] for k, v in expected["pillars"].items()}
    assert tuple(body["profile"].values()) == expected["profile"]
    if example == "A":
        assert body["overall"] == {"score": 14.28, "bucket": "Undeveloped"}
        assert body["kpis"] == {
            "nrr": 96,
            "retention": None,
            "nps": None,
            "customers_per_csm": 60.0,
        }
    api_response = Response.objects.get(public_id=body["id"])
    browser_response = complete_in_browser(answers, spec)
    assert api_response.answers == browser_response.answers
    assert _kept(api_response) == _kept(browser_response)
    assert body["report"]["status"] == "pending"
    assert body["report"]["url"] == f"/api/v1/responses/{body['id']}/report"
    assert api.get(f"/responses/{body['id']}").json() == body


def _kept(response: Response) -> tuple:
    score = ResponseScore.objects.get(response=response)
    pillars = list(
        PillarScore.objects.filter(response_score=score).values_list(
            "pillar_key", "score", "bucket"
        )
    )
    return (
        score.overall,
        score.overall_bucket,
        score.nrr,
        score.retention,
        score.nps,
        score.customers_per_csm,
        pillars,
    )


def test_option_ids_are_accepted_like_texts(spec, api):
    by_id: dict[int, Any] = {}
    for number, value in EXAMPLE_A.items():
        question = spec.question(number)
        texts = {o.text: o.code for o in question.options}
        if question.kind == Kind.SINGLE:
            by_id[number] = texts[value]
        elif question.kind == Kind.MULTI:
            by_id[number] = [texts[v] for v in value or []]
        else:
            by_id[number] = value
    by_id[8], by_id[10] = 120, 96  # numbers as JSON numbers
    reply = api.post("/responses", submission(by_id))
    assert reply.status_code == 201, reply.content
    assert reply.json()["overall"] == {"score": 14.28, "bucket": "Undeveloped"}


def test_submitted_response_belongs_to_the_token_user(api, consultant, bank):
    body = api.post("/responses", submission()).json()
    assert Response.objects.get(public_id=body["id"]).submitted_by == consultant


@pytest.mark.parametrize(
    ("email", "organisation"),
    [("Ada@Example.COM", "example.com"), ("ada.l@GMail.com", "ada.l@gmail.com")],
)
def test_a_scored_response_names_the_organisation_it_counts_for(api, bank, email, organisation):
    reply = api.post("/responses", submission({**EXAMPLE_A, 3: email}))

    assert reply.status_code == 201
    assert reply.json()["organisation"] == organisation
    assert api.get(f"/responses/{reply.json()['id']}").json()["organisation"] == organisation
