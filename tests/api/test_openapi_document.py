"""The OpenAPI document states what validation enforces: every answer the document allows is
taken, and every answer it refuses is refused, held equal question by question on the default
bank with a validator of the same kind a client would use (jsonschema_rs, as schemathesis)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest

from api.openapi import number_text_pattern, submission_schema
from api.submissions import submission_parse
from scoring.bank import BankSpec, Kind, QuestionSpec
from tests.api.conftest import ApiClient
from tests.examples import EXAMPLE_A

MISSING = object()  # the answer left out

# White space Python strips that JavaScript-style `\s` does not know, and the reverse (U+FEFF).
SPACES = ["", " ", "\t", "\x1c", "\x85", "\u3000", "\ufeff"]


def values_to_try(question: QuestionSpec) -> list[Any]:
    common: list[Any] = [MISSING, None, True, 7, 2.5, [], {}, "", " ", "\x1c \x85"]
    if question.kind == Kind.EMAIL:
        # A valid address with white space around it is taken too, which format "email" does
        # not say; the generators never write one.
        local = "x" * 64
        too_long = f"{local}@{'y' * 63}.{'z' * 63}.{'w' * 58}.com"  # 255 characters
        return [*common, "ada@example.com", "no at sign", "a@b@c.com", "ü", too_long]
    if question.kind == Kind.TEXT:
        limit = question.max_length or 2000
        texts = ["Ada", "a@example.com", "no at sign", "x" * limit, "x" * (limit + 1)]
        texts += [f"{space}Ada{space}" for space in SPACES]
        texts += [" " + "x" * limit + " ", "Ada\x00", "\x00", "ü", "\ufeff"]
        return common + texts
    if question.kind in (Kind.SINGLE, Kind.MULTI):
        first, last = question.options[0], question.options[-1]
        chosen: list[Any] = [first.text, first.code, "No such option", 99999, float(first.code)]
        lists = [[first.text], [first.code], [first.text, last.code], [first.code, first.text]]
        lists += [[option.text] for option in question.options if option.exclusive]
        lists += [[option.code, first.code] for option in question.options if option.exclusive]
        lists += [[None], [True], ["No such option"], [[first.code]]]
        return common + chosen + lists
    return common + [str(n) for n in range(-120, 320, 7)] + numbers_to_try(question)


def numbers_to_try(question: QuestionSpec) -> list[Any]:
    low, high = int(question.min_value or 0), int(question.max_value or 0)
    edges = [low - 1, low, low + 1, high - 1, high, high + 1]
    values: list[Any] = edges + [float(n) for n in edges] + [n + 0.25 for n in edges]
    values += [f"{n}" for n in edges] + [f"{n}.5" for n in edges] + [f"{n}.125" for n in edges]
    values += [f"+{low}", f"00{abs(high)}", "-0", "-0.0", f" {high} ", f"\u3000{low}\x1c"]
    return [*values, "1e3", "12.", ".5", "NaN", "abc", float("inf")]


def answers_with(question: QuestionSpec, value: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {str(number): given for number, given in EXAMPLE_A.items()}
    answers.pop(str(question.number), None)
    if value is not MISSING:
        answers[str(question.number)] = value
    return answers


def test_every_answer_the_document_allows_is_taken_and_no_other(spec: BankSpec) -> None:
    validator = jsonschema_rs.validator_for(submission_schema(spec), validate_formats=True)
    disagreements = []
    for question in spec.questions:
        for value in values_to_try(question):
            answers = answers_with(question, value)
            documented = validator.is_valid({"answers": answers})
            _, errors = submission_parse(spec, answers)
            if documented != (not errors):
                disagreements.append((question.number, value, documented, errors))
    assert disagreements == []


@pytest.mark.parametrize(
    ("low", "high", "decimals"),
    [(0, 300, 2), (-100, 100, 0), (1, 100_000_000, 0), (-7, -3, 2), (5, 5, 0), (3, 1234, 2)],
)
def test_numbers_in_text_match_exactly_between_their_bounds(low, high, decimals):
    import re

    from responses.answers import answer_parse

    kind = Kind.INTEGER if decimals == 0 else Kind.PERCENT
    question = QuestionSpec(
        number=1, kind=kind, text="n", min_value=Decimal(low), max_value=Decimal(high)
    )
    pattern = re.compile(number_text_pattern(Decimal(low), Decimal(high), decimals=decimals))
    texts = {
        f"{sign}{zeros}{n}{tail}"
        for n in range(0, 1300)
        for sign in ("", "-", "+")
        for zeros in ("", "0")
        for tail in ("", ".0", ".00", ".5", ".25", ".125")
    }
    texts |= {"100000000", "100000001", "99999999", "-0", "+0", "00"}
    wrong = [
        text
        for text in texts
        if bool(pattern.fullmatch(text)) != (answer_parse(question, [text], False).error is None)
    ]
    assert wrong == []


def test_the_published_document_states_the_bank_and_integer_bounds(bank):
    document = ApiClient(None).get("/openapi.json").json()
    answers = document["components"]["schemas"]["Submission"]["properties"]["answers"]
    assert answers["additionalProperties"] is False
    assert "1" in answers["required"] and "13" not in answers["required"]
    nrr = answers["properties"]["10"]["anyOf"][0]
    assert (nrr["minimum"], nrr["maximum"]) == (0, 300)
    assert isinstance(nrr["maximum"], int)  # 300, not 300.0
    post = document["paths"]["/api/v1/responses"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Submission"
    }
    (key,) = post["parameters"]
    assert key["name"] == "Idempotency-Key" and key["schema"]["maxLength"] == 200


def test_without_a_published_bank_the_document_says_answers_are_keyed_by_number(db):
    document = ApiClient(None).get("/openapi.json").json()
    answers = document["components"]["schemas"]["Submission"]["properties"]["answers"]
    assert answers["type"] == "object" and answers["additionalProperties"] is True


def test_every_operation_states_its_error_answers(bank):
    document = ApiClient(None).get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"429", "503"} <= statuses, (method, path)
            if operation.get("security"):
                assert "401" in statuses, (method, path)
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert "application/json" in answer["content"], (method, path, status)
