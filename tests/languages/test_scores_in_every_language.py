"""SCORING.md's worked examples A and B, answered on the survey pages as they read in each
language, store exactly the same scores, KPIs and (English) profile as in English."""

import html
import re
from decimal import Decimal

import pytest
import yaml
from django.test import Client

from responses.models import Response, ResponseScore
from scoring.bank import BankSpec, Kind
from survey.pages import survey_pages
from tests.conftest import DEFAULT_BANK_FILE
from tests.survey.answering import CONSENT, Answers
from tests.survey.test_stored_scores import EXPECTED, stored_pillars

pytestmark = pytest.mark.django_db

OPTION = re.compile(
    r'<input[^>]*name="q(\d+)"[^>]*id="([^"]+)"[^>]*value="(\d+)"[^>]*>'
    r'<label class="form-check-label" for="\2">([^<]*)</label>'
)


def translated_option_texts(language: str) -> dict[int, list[str]]:
    """Each question's option texts in the shipped translation file, in the bank's order."""
    path = DEFAULT_BANK_FILE.parent / "translations" / f"cspi-v1.{language}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        int(number): [option["text"] for option in question.get("options", [])]
        for number, question in document["questions"].items()
    }


def page_choices(page_html: str) -> dict[int, dict[str, str]]:
    """What the page offers: by question, each option's label as read, with its value."""
    found: dict[int, dict[str, str]] = {}
    for number, _id, value, label in OPTION.findall(page_html):
        found.setdefault(int(number), {})[html.unescape(label)] = value
    return found


def answer_as_read(
    client: Client, token: str, spec: BankSpec, answers: Answers, language: str
) -> object:
    """Every page answered by choosing, among the labels the page shows, the translation of
    the example's option (the file's text at the English option's place)."""
    texts = translated_option_texts(language) if language != "en" else None
    last = None
    for page in survey_pages(spec):
        shown = client.get(f"/survey/{token}/page/{page.number}/")
        assert shown.status_code == 200
        offered = page_choices(shown.content.decode())
        data: dict[str, object] = {"step": str(page.number), "nav": "next"}
        for question in page.questions:
            if question.number not in answers:
                continue
            value = answers[question.number]
            key = f"q{question.number}"
            if value is None:
                data[f"{key}_unknown"] = "1"
                continue
            if question.kind not in (Kind.SINGLE, Kind.MULTI):
                data[key] = str(value)
                continue
            chosen = value if isinstance(value, list) else [value]
            english = [option.text for option in question.options]
            labels = [
                texts[question.number][english.index(text)] if texts else text for text in chosen
            ]
            values = [offered[question.number][label] for label in labels]
            data[key] = values if question.kind == Kind.MULTI else values[0]
        last = client.post(f"/survey/{token}/page/{page.number}/", data)
    return last


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
@pytest.mark.parametrize("example", ["A", "B"])
def test_examples_score_the_same_in_every_language(translated_bank, spec, language, example):
    expected = EXPECTED[example]
    client = Client(HTTP_ACCEPT_LANGUAGE=f"{language};q=1, en;q=0.5")
    client.post("/start/", CONSENT)
    response = Response.objects.order_by("-pk").first()
    assert response is not None and response.language == language

    last = answer_as_read(client, response.token, spec, expected["answers"], language)

    assert last["Location"].endswith("/results/"), last  # type: ignore[index]
    response.refresh_from_db()
    score = ResponseScore.objects.get(response=response)
    assert stored_pillars(response) == expected["pillars"]
    assert (str(score.overall), score.overall_bucket) == expected["overall"]
    assert {name: getattr(score, name) for name in expected["kpis"]} == {
        name: None if value is None else Decimal(value) for name, value in expected["kpis"].items()
    }
    # Peer groups are formed by the bank's own words, whatever language the answers came in.
    assert (response.region, response.industry, response.arr_band) == expected["profile"]
