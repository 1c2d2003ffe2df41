"""Checking one question's raw input and turning it into the value we store.

Stored values, by question kind: text and e-mail as strings; integer and percent as numbers
(`None` when the respondent chose "unknown"); single as one option code; multi as a list of
option codes in the bank's order. The browser pages and the API share these checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from scoring.bank import BankSpec, Kind, QuestionSpec

AnswerValue = str | int | float | list[int] | None
EMAIL_MAX_LENGTH = 254
TEXT_MAX_LENGTH = 2000
GROUPED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$")


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    """The outcome for one question: a value to store, nothing given, or an error to show."""

    value: AnswerValue = None
    given: bool = False
    error: str | None = None


NOT_GIVEN = ParsedAnswer()


def answer_parse(question: QuestionSpec, raw: Sequence[str], unknown: bool) -> ParsedAnswer:
    """Check the raw form values of one question. A missing required answer is an error."""
    values = [value.strip() for value in raw if value.strip()]
    if question.kind in (Kind.SINGLE, Kind.MULTI):
        parsed = _choice(question, values)
    elif question.kind in (Kind.INTEGER, Kind.PERCENT):
        parsed = _number(question, values[0] if values else "", unknown)
    elif len(values) > 1:
        parsed = ParsedAnswer(error="Give one answer.")
    else:
        parsed = _text(question, values[0] if values else "")
    if not parsed.given and parsed.error is None and question.required:
        return ParsedAnswer(error=_missing_message(question))
    return parsed


def answers_unanswered(spec: BankSpec, answers: Mapping[str, AnswerValue]) -> list[QuestionSpec]:
    """Required questions without an answer (an explicit "unknown" counts as answered)."""
    return [q for q in spec.questions if q.required and str(q.number) not in answers]


def answers_count(spec: BankSpec, answers: Mapping[str, AnswerValue]) -> int:
    return sum(1 for q in spec.questions if str(q.number) in answers)


def _missing_message(question: QuestionSpec) -> str:
    if question.kind == Kind.SINGLE:
        return "Choose one option."
    if question.kind == Kind.MULTI:
        return "Choose at least one option."
    if question.unknown_allowed:
        return "Enter a number, or tick “Unknown / prefer not to say”."
    if question.kind in (Kind.INTEGER, Kind.PERCENT):
        return "Enter a number."
    return "This answer is required."


def _choice(question: QuestionSpec, values: list[str]) -> ParsedAnswer:
    if not values:
        return NOT_GIVEN
    codes = []
    for value in values:
        option = (
            question.option_by_code(int(value)) if value.isascii() and value.isdigit() else None
        )
        if option is None:
            return ParsedAnswer(error="Choose one of the options listed.")
        codes.append(option.code)
    if question.kind == Kind.SINGLE:
        if len(set(codes)) > 1:
            return ParsedAnswer(error="Choose only one option.")
        return ParsedAnswer(value=codes[0], given=True)
    chosen = [option for option in question.options if option.code in set(codes)]
    exclusive = next((option for option in chosen if option.exclusive), None)
    if exclusive is not None and len(chosen) > 1:
        return ParsedAnswer(
            error=f"“{exclusive.text}” cannot be combined with other options. "
            "Untick it, or untick the others."
        )
    return ParsedAnswer(value=[option.code for option in chosen], given=True)


def _number(question: QuestionSpec, value: str, unknown: bool) -> ParsedAnswer:
    if unknown and not question.unknown_allowed:
        return ParsedAnswer(error="This question needs a number.")
    if unknown and value:
        return ParsedAnswer(error="Enter a number or tick “Unknown”, not both.")
    if unknown:
        return ParsedAnswer(value=None, given=True)
    if not value:
        return NOT_GIVEN
    number = _read_number(value, allow_fraction=question.kind == Kind.PERCENT)
    if number is None:
        expected = "a whole number" if question.kind == Kind.INTEGER else "a number"
        return ParsedAnswer(error=f"“{value[:40]}” is not {expected}. Enter {expected}.")
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"{number_text(low) or 'any'} and {number_text(high) or 'any'}"
        return ParsedAnswer(error=f"Enter a number between {bounds}.")
    stored: int | float = int(number) if number == number.to_integral_value() else float(number)
    return ParsedAnswer(value=stored, given=True)


def _read_number(value: str, allow_fraction: bool) -> Decimal | None:
    text = value.replace(" ", "").replace("\u00a0", "").replace("_", "")
    if allow_fraction:
        text = text.removesuffix("%")
        if DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
    if GROUPED_THOUSANDS.match(text):
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?\d+(\.\d{1,2})?" if allow_fraction else r"[+-]?\d+", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def number_text(number: Decimal | None) -> str:
    """A bank's number as people write it: 300, not 300.00 or 3E+2; empty when there is none."""
    return "" if number is None else f"{number.normalize():f}"


def _text(question: QuestionSpec, value: str) -> ParsedAnswer:
    if not value:
        return NOT_GIVEN
    if "\x00" in value:  # no database text type can keep it
        return ParsedAnswer(error="Remove the invisible NUL character from this answer.")
    if question.kind == Kind.EMAIL:
        if len(value) > EMAIL_MAX_LENGTH:
            return ParsedAnswer(error="That e-mail address is too long.")
        try:
            validate_email(value)
        except ValidationError:
            return ParsedAnswer(error="Enter a valid e-mail address, like name@company.com.")
        return ParsedAnswer(value=value, given=True)
    limit = question.max_length or TEXT_MAX_LENGTH
    if len(value) > limit:
        return ParsedAnswer(error=f"Keep this under {limit} characters (it has {len(value)}).")
    return ParsedAnswer(value=value, given=True)
