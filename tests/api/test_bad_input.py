"""Every bad submission is refused whole: 4xx naming each problem, nothing stored."""

from __future__ import annotations

import json

import pytest

from responses.models import Response
from tests.api.conftest import submission
from tests.examples import EXAMPLE_A


def refused(api, body, status=400, raw=None):
    reply = api.post("/responses", body, raw=raw)
    assert reply.status_code == status, reply.content
    assert not Response.objects.exists()
    return reply.json()


def test_every_bad_answer_is_named_at_once(api, bank):
    answers: dict[int, object] = dict(EXAMPLE_A)
    answers.update(
        {
            8: "many",  # not a number
            9: -3,  # below the minimum
            10: 301,  # above the maximum
            12: True,  # wrong type
            15: "No such option",  # option text that does not exist
            16: [9999],  # option id that does not exist
            20: ["None of these", "CRM Administration"],  # exclusive combined
            17: ["Customer Success is a Cost Center"],  # a list for a single answer
            3: "not-an-address",
        }
    )
    del answers[2]  # missing required
    body = submission(answers)
    body["answers"]["99"] = "x"  # unknown question number
    body["answers"]["8"] = "many"
    errors = refused(api, body)["errors"]
    assert set(errors) == {"2", "3", "8", "9", "10", "12", "15", "16", "17", "20", "99"}
    assert "cannot be combined" in errors["20"]
    assert "No such option" in errors["15"]
    assert "between 0 and 300" in errors["10"]


def test_unknown_is_refused_where_the_bank_does_not_allow_it(api, bank):
    errors = refused(api, submission({**EXAMPLE_A, 8: None}))["errors"]
    assert errors == {"8": "This question needs a number."}


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b'{"answers": [1]}', "answers"),
        (b'{"answers": {}, "extra": 1}', "extra"),
        (b"\xff\xfe", "body"),
    ],
)
def test_malformed_bodies_are_400_not_500(api, bank, raw, key):
    assert key in refused(api, None, raw=raw)["errors"]


def test_an_oversized_body_is_413(api, bank):
    huge = json.dumps({"answers": {"1": "x" * (70 * 1024)}}).encode()
    assert "KiB" in refused(api, None, status=413, raw=huge)["detail"]


def test_deeply_nested_json_is_refused_not_crashing(api, bank):
    refused(api, None, raw=b'{"answers": {"1": ' + b"[" * 5000 + b"]" * 5000 + b"}}")


def test_a_number_of_thousands_of_digits_is_refused_not_crashing(api, bank):
    raw = b'{"answers": {"8": ' + b"1" * 5000 + b"}}"
    assert "too long" in refused(api, None, raw=raw)["errors"]["body"]


def test_a_nul_character_in_a_text_answer_is_named(api, bank):
    # PostgreSQL cannot keep U+0000 in text or JSON: refused like any other bad answer.
    errors = refused(api, submission({**EXAMPLE_A, 1: "Ada\x00Example"}))["errors"]
    assert errors == {"1": "Remove the invisible NUL character from this answer."}


def test_a_question_number_with_a_leading_zero_is_unknown(api, bank):
    body = submission()
    body["answers"]["08"] = body["answers"].pop("8")
    errors = refused(api, body)["errors"]
    assert "There is no question 08" in errors["08"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"answers": {"1": "Ada \\ud800 Example"}}',  # a text answer
        b'{"answers": {"4": "Europe\\udfff"}}',  # an option's text
        b'{"answers": {"\\ud83d": "x"}}',  # a question number
    ],
)
def test_half_a_utf16_pair_is_refused_not_crashing(api, bank, raw):
    # JSON lets "\ud800" through alone; it is no character and PostgreSQL cannot keep it.
    assert "escape on its own" in refused(api, None, raw=raw)["errors"]["body"]


def test_a_whole_utf16_pair_is_one_character_and_taken(api, bank):
    body = json.dumps(submission({**EXAMPLE_A, 1: "Ada \U0001f600"}))  # "\ud83d\ude00"
    reply = api.post("/responses", None, raw=body.encode())
    assert reply.status_code == 201, reply.content
    assert Response.objects.get().answers["1"] == "Ada \U0001f600"


def test_nesting_deeper_than_any_submission_is_refused(api, bank):
    nested = b'{"answers": {"16": ' + b"[" * 20 + b"]" * 20 + b"}}"
    assert "nested too deeply" in refused(api, None, raw=nested)["errors"]["body"]


def test_a_whole_json_number_written_with_a_point_is_that_number(api, bank):
    reply = api.post("/responses", submission({**EXAMPLE_A, 8: 120.0, 9: 2.0}))
    assert reply.status_code == 201, reply.content
    assert Response.objects.get().answers["8"] == 120
