"""Test helpers that answer survey questions by option text, as a respondent would read them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from scoring.bank import BankSpec, Kind
from survey.pages import survey_pages
from tests.examples import EXAMPLE_A, EXAMPLE_B, Answers  # noqa: F401 (re-exported for tests)

# What a start form sends once the respondent ticked the privacy notice's box.
CONSENT = {"consent": "yes"}


def option_code(spec: BankSpec, number: int, text: str) -> str:
    question = spec.question(number)
    assert question is not None
    return str(next(o.code for o in question.options if o.text == text))


def form_data(spec: BankSpec, page_number: int, answers: Answers, nav: str = "next") -> dict:
    """The POST body a browser sends for one page, given answers by option text."""
    data: dict[str, object] = {"step": str(page_number), "nav": nav}
    page = survey_pages(spec)[page_number - 1]
    for question in page.questions:
        if question.number not in answers:
            continue
        value = answers[question.number]
        key = f"q{question.number}"
        if value is None:
            data[f"{key}_unknown"] = "1"
        elif question.kind == Kind.MULTI:
            data[key] = [option_code(spec, question.number, text) for text in value]
        elif question.kind == Kind.SINGLE:
            data[key] = option_code(spec, question.number, str(value))
        else:
            data[key] = str(value)
    return data


def stored_form(spec: BankSpec, answers: Answers) -> dict[str, object]:
    """What the database should hold for those answers."""
    stored: dict[str, object] = {}
    for number, value in answers.items():
        question = spec.question(number)
        assert question is not None
        if value is None:
            stored[str(number)] = None
        elif question.kind == Kind.MULTI:
            stored[str(number)] = [int(option_code(spec, number, text)) for text in value]
        elif question.kind == Kind.SINGLE:
            stored[str(number)] = int(option_code(spec, number, str(value)))
        elif question.kind in (Kind.INTEGER, Kind.PERCENT):
            stored[str(number)] = int(str(value))
        else:
            stored[str(number)] = value
    return stored


def answer_all_pages(client: Client, token: str, spec: BankSpec, answers: Answers) -> Any:
    """Post every page in order; returns the last HTTP response."""
    replies = [
        client.post(f"/survey/{token}/page/{page.number}/", form_data(spec, page.number, answers))
        for page in survey_pages(spec)
    ]
    return replies[-1]
