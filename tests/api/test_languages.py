"""The API in the reader's language: bank texts and labels follow Accept-Language; answers by
option text are taken in any of the bank's languages, and refused where that is ambiguous."""

from __future__ import annotations

import jsonschema_rs
import pytest
import yaml

from responses.bank_texts import translation_save
from responses.models import ResponseScore
from tests.api.conftest import ApiClient, submission
from tests.conftest import DEFAULT_BANK_FILE
from tests.examples import EXAMPLE_A
from tests.survey.test_stored_scores import EXPECTED


def german_option(number: int, english: str, spec) -> str:
    document = yaml.safe_load(
        (DEFAULT_BANK_FILE.parent / "translations" / "cspi-v1.de.yaml").read_text("utf-8")
    )
    question = spec.question(number)
    place = [option.text for option in question.options].index(english)
    return document["questions"][str(number)]["options"][place]["text"]


def test_the_bank_reads_in_the_asked_language(translated_bank):
    reply = ApiClient(None).get("/banks/current", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert reply.status_code == 200
    assert reply["Content-Language"] == "de"
    body = reply.json()
    by_number = {q["number"]: q for q in body["questions"]}
    assert by_number[1]["text"] == "Ihr Name"
    assert by_number[15]["options"][0]["id"] == 1501  # ids never change with the language
    english = ApiClient(None).get("/banks/current").json()
    assert [p["key"] for p in body["pillars"]] == [p["key"] for p in english["pillars"]]
    assert [p["name"] for p in body["pillars"]] != [p["name"] for p in english["pillars"]]


def test_an_unknown_language_falls_back_to_english(translated_bank):
    reply = ApiClient(None).get("/banks/current", HTTP_ACCEPT_LANGUAGE="xx-YY")
    assert reply.status_code == 200
    assert reply["Content-Language"] == "en"
    assert {q["number"]: q for q in reply.json()["questions"]}[1]["text"] == "Your name"


def test_answers_in_german_words_score_as_the_english_ones(translated_bank, spec, api):
    german = {
        number: (
            [german_option(number, text, spec) for text in value]
            if isinstance(value, list)
            else german_option(number, value, spec)
            if isinstance(value, str) and spec.question(number).options
            else value
        )
        for number, value in EXAMPLE_A.items()
    }
    reply = api.post("/responses", submission(german), HTTP_ACCEPT_LANGUAGE="de")
    assert reply.status_code == 201, reply.json()
    body = reply.json()
    score = ResponseScore.objects.get(response__public_id=body["id"])
    assert (str(score.overall), score.overall_bucket) == EXPECTED["A"]["overall"]
    assert body["profile"]["region"] == "Europe"  # kept in the bank's own words
    assert score.response.language == "de"  # its PDF and e-mails will speak German
    assert body["overall"]["bucket"] != "Undeveloped"  # the label, in German


def test_an_option_text_meaning_different_options_in_two_languages_is_refused(bank, spec, api):
    question = spec.question(2)
    # In this (made-up) German, option 1 reads as the English of option 2.
    texts = [option.text + " (de)" for option in question.options]
    texts[0] = question.options[1].text
    translation_save(bank=bank, language="de", document={"questions": {"2": {"options": texts}}})
    reply = api.post("/responses", submission({**EXAMPLE_A, 2: question.options[1].text}))
    assert reply.status_code == 400
    assert "different options of question 2 in different languages" in reply.json()["errors"]["2"]
    # By id it is clear.
    by_id = api.post("/responses", submission({**EXAMPLE_A, 2: question.options[1].code}))
    assert by_id.status_code == 201, by_id.json()


@pytest.fixture
def translated_bank(bank):
    from responses.bank_texts import translations_load_beside

    translations_load_beside(bank=bank, bank_file=DEFAULT_BANK_FILE)
    return bank


def test_the_published_schema_takes_option_texts_in_every_language(translated_bank, spec):
    document = ApiClient(None).get("/openapi.json").json()
    validator = jsonschema_rs.validator_for(document["components"]["schemas"]["Submission"])
    answers = {
        str(number): german_option(number, value, spec)
        if isinstance(value, str) and spec.question(number).options
        else [german_option(number, text, spec) for text in value]
        if isinstance(value, list)
        else value
        for number, value in EXAMPLE_A.items()
    }
    assert validator.is_valid({"answers": answers})
    assert not validator.is_valid({"answers": {**answers, "4": "Atlantis"}})
