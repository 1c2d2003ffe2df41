"""Scores stored when a response completes, exactly as SCORING.md's worked examples; rescoring."""

import copy
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from responses.models import PillarScore, Response, ResponseScore
from scoring.bank import Kind
from tests.conftest import DEFAULT_BANK_FILE
from tests.survey.answering import CONSENT, EXAMPLE_A, EXAMPLE_B, Answers, answer_all_pages

pytestmark = pytest.mark.django_db

EXPECTED: dict[str, dict[str, Any]] = {
    "A": {
        "answers": EXAMPLE_A,
        "pillars": {
            "alignment": ("3.03", "undeveloped"),
            "team": ("27.78", "emerging"),
            "segmentation": ("0.00", "undeveloped"),
            "playbook": ("33.33", "emerging"),
            "resources": ("15.00", "undeveloped"),
            "onboarding": ("25.00", "emerging"),
            "relationship": ("5.00", "undeveloped"),
            "roi": ("5.13", "undeveloped"),
        },
        "overall": ("14.28", "undeveloped"),
        "kpis": {"nrr": "96", "retention": None, "nps": None, "customers_per_csm": "60"},
        "profile": ("Europe", "Software and SaaS", "$1M – $5M"),
    },
    "B": {
        "answers": EXAMPLE_B,
        "pillars": {
            "alignment": ("59.60", "expanding"),
            "team": ("80.16", "conquering"),
            "segmentation": ("61.90", "expanding"),
            "playbook": ("83.33", "conquering"),
            "resources": ("41.25", "emerging"),
            "onboarding": ("58.33", "expanding"),
            "relationship": ("58.33", "expanding"),
            "roi": ("46.15", "emerging"),
        },
        "overall": ("61.13", "expanding"),
        "kpis": {"nrr": "112", "retention": "91", "nps": "38", "customers_per_csm": "80"},
        "profile": ("North America", "Financial Services", "$100M – $500M"),
    },
}


def complete(answers: Answers, spec) -> Response:
    client = Client()
    client.post("/start/", CONSENT)
    response = Response.objects.order_by("-pk").first()
    assert response is not None
    last = answer_all_pages(client, response.token, spec, answers)
    assert last["Location"].endswith("/results/"), last
    response.refresh_from_db()
    return response


def stored_pillars(response: Response) -> dict[str, tuple[str, str]]:
    return {
        row.pillar_key: (str(row.score), row.bucket)
        for row in PillarScore.objects.filter(response_score__response=response)
    }


@pytest.mark.parametrize("example", ["A", "B"])
def test_worked_examples_are_stored_exactly_through_the_survey(spec, example):
    expected = EXPECTED[example]
    response = complete(expected["answers"], spec)
    score = ResponseScore.objects.get(response=response)
    assert stored_pillars(response) == expected["pillars"]
    assert (str(score.overall), score.overall_bucket) == expected["overall"]
    kpis = {name: getattr(score, name) for name in expected["kpis"]}
    assert kpis == {
        name: None if value is None else Decimal(value) for name, value in expected["kpis"].items()
    }
    assert (response.region, response.industry, response.arr_band) == expected["profile"]
    assert score.bank_id == response.bank_id


def all_answers_at(spec, best: bool) -> dict[int, str | list[str] | None]:
    """Every scored question answered with its lowest (or highest) scoring options."""
    answers = dict(EXAMPLE_A)
    for question in spec.questions:
        if not question.is_scored:
            continue
        ranked = sorted(question.options, key=lambda o: o.points)
        if question.kind == Kind.SINGLE:
            answers[question.number] = (ranked[-1] if best else ranked[0]).text
        elif best:
            answers[question.number] = [o.text for o in question.options if not o.exclusive]
        else:
            zero = next((o for o in question.options if o.exclusive), ranked[0])
            answers[question.number] = [zero.text]
    return answers


@pytest.mark.parametrize(
    ("best", "score", "bucket"), [(False, "0.00", "undeveloped"), (True, "100.00", "conquering")]
)
def test_lowest_and_highest_answers_score_0_and_100(spec, best, score, bucket):
    response = complete(all_answers_at(spec, best), spec)
    stored = ResponseScore.objects.get(response=response)
    assert (str(stored.overall), stored.overall_bucket) == (score, bucket)
    assert set(stored_pillars(response).values()) == {(score, bucket)}


def publish_changed_version(tmp_path: Path) -> None:
    """Version 2: 'No manager' now earns a point on Q15 (Alignment)."""
    document = yaml.safe_load(DEFAULT_BANK_FILE.read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    changed["version"] = 2
    q15 = next(q for q in changed["questions"] if q["number"] == 15)
    q15["options"][0]["points"] = 1
    path = tmp_path / "cspi-v2.yaml"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), "utf-8")
    call_command("load_bank", str(path), publish=True, stdout=StringIO())


def test_publishing_a_new_version_leaves_old_scores_and_rescore_changes_them(spec, tmp_path):
    a = complete(EXAMPLE_A, spec)
    b = complete(EXAMPLE_B, spec)
    publish_changed_version(tmp_path)
    assert stored_pillars(a)["alignment"] == ("3.03", "undeveloped")

    dry = StringIO()
    call_command("rescore", dry_run=True, stdout=dry)
    assert "Scored 2 responses against cspi v2: 2 would change." in dry.getvalue()
    assert stored_pillars(a)["alignment"] == ("3.03", "undeveloped")

    out = StringIO()
    call_command("rescore", stdout=out)
    # Q15 ÷ 3 = 1/3 more on one of Alignment's three questions: +11.11 for A.
    assert stored_pillars(a)["alignment"] == ("14.14", "undeveloped")
    assert stored_pillars(b)["alignment"] == ("59.60", "expanding")
    assert "2 changed" in out.getvalue()
    assert "largest change, alignment: 11.11" in out.getvalue()
    assert ResponseScore.objects.get(response=a).bank.version == 2

    again = StringIO()
    call_command("rescore", stdout=again)
    assert "0 changed" in again.getvalue()


def test_rescore_reports_a_response_it_cannot_score_and_keeps_its_scores(spec, tmp_path):
    a = complete(EXAMPLE_A, spec)
    Response.objects.filter(pk=a.pk).update(answers={**a.answers, "16": [1699]})
    err, out = StringIO(), StringIO()
    call_command("rescore", stdout=out, stderr=err)
    assert "Question 16" in err.getvalue() or "question 16" in err.getvalue()
    assert "Scored 0 responses" in out.getvalue()
    assert stored_pillars(a)["alignment"] == ("3.03", "undeveloped")


def test_results_page_shows_scores_buckets_and_unknown_kpis_without_peer_statistics_alone(spec):
    response = complete(EXAMPLE_A, spec)
    page = Client().get(f"/survey/{response.token}/results/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert '<span id="overall-score">14.28</span>' in main
    assert '<span class="overall-bucket bucket-name">Undeveloped</span>' in main
    assert "Unknown" in main
    peers = main[main.index('id="peers"') : main.index('id="figures"')]
    assert "when the pool held fewer than 5 organisations" in peers
    assert "median" not in peers.lower() and "higher than" not in peers
    assert "<svg" in main and "<table" in main
    assert "Segmentation" in main and "To reach Emerging" in main
