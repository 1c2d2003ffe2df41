"""The request body of `POST /api/v1/responses` in the OpenAPI document: the answers the
published bank takes, stated as `api/submissions.py` checks them (which answers are required,
each one's type, options, bounds and length), so that the document says what a submission must
be and a client can check one before sending it. Without a published bank it says only that
answers are keyed by question number.

Numbers are stated as JSON numbers and as the same number in text ("96", "96.5"); the bounds
are the bank's, written as integers where the bank's are whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from responses.answers import EMAIL_MAX_LENGTH, TEXT_MAX_LENGTH
from scoring.bank import BankSpec, Kind, OptionSpec, QuestionSpec

JsonSchema = dict[str, Any]
NULL: JsonSchema = {"type": "null"}
# The white space Python's str.strip() drops around an answer, spelled out: `\s` means other
# characters in other regular-expression engines (JavaScript's lacks U+001C-U+001F and U+0085).
SPACE_CHARACTERS = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
SPACE = f"[{SPACE_CHARACTERS}]"
BLANK = f"^{SPACE}*$"


# Option texts in every language of the bank, by question number: the codes each names
# (responses.bank_texts.option_texts_for).
OtherTexts = Mapping[int, Mapping[str, set[int]]]


def submission_schema(spec: BankSpec | None, other_texts: OtherTexts | None = None) -> JsonSchema:
    """The body of a submission: `answers` by question number, nothing else. An option may be
    given by its id or its text in any of the bank's languages (`other_texts`)."""
    answers: JsonSchema = {
        "type": "object",
        "description": "Answers keyed by question number, as `GET /api/v1/banks/current` lists "
        "the questions: an option by its text or id, a multi answer as a list, an allowed "
        "unknown as null.",
    }
    if spec is None:
        answers["additionalProperties"] = True
    else:
        answers["properties"] = {
            str(q.number): answer_schema(q, other_texts or {}) for q in spec.questions
        }
        answers["required"] = [str(q.number) for q in spec.questions if q.required]
        answers["additionalProperties"] = False
    return {
        "title": "Submission",
        "type": "object",
        "properties": {"answers": answers},
        "required": ["answers"],
        "additionalProperties": False,
    }


def answer_schema(question: QuestionSpec, other_texts: OtherTexts | None = None) -> JsonSchema:
    others = other_texts or {}
    if question.kind == Kind.SINGLE:
        schema: JsonSchema = {"enum": _option_values(question, question.options, others)}
    elif question.kind == Kind.MULTI:
        schema = _multi(question, others)
    elif question.kind in (Kind.INTEGER, Kind.PERCENT):
        return {"description": question.text, "anyOf": _number(question)}
    elif question.kind == Kind.EMAIL:
        schema = {"type": "string", "format": "email", "maxLength": EMAIL_MAX_LENGTH}
    else:
        schema = {"type": "string", "pattern": _text_pattern(question)}
    if not question.required:  # left out, or given as null (or blank text): not answered
        blank = [{"type": "string", "pattern": BLANK}] if question.kind == Kind.EMAIL else []
        schema = {"anyOf": [schema, *blank, NULL]}
    return {"description": question.text, **schema}


def _option_values(
    question: QuestionSpec, options: tuple[OptionSpec, ...], other_texts: OtherTexts
) -> list[str | int]:
    texts = [option.text for option in options]
    codes = {option.code for option in options}
    texts += [
        text
        for text, named in other_texts.get(question.number, {}).items()
        if named & codes and text not in texts
    ]
    return [*texts, *(option.code for option in options)]


def _multi(question: QuestionSpec, other_texts: OtherTexts) -> JsonSchema:
    """A list of options, by text or id; an exclusive option ("None of these") only alone."""
    fewest = 1 if question.required else 0
    combinable = [option for option in question.options if not option.exclusive]
    lists: list[JsonSchema] = [
        {
            "type": "array",
            "items": {"enum": _option_values(question, tuple(combinable), other_texts)},
        }
    ]
    lists += [
        {"type": "array", "items": {"enum": _option_values(question, (option,), other_texts)}}
        for option in question.options
        if option.exclusive
    ]
    for schema in lists:
        schema["minItems"] = fewest
    return lists[0] if len(lists) == 1 else {"anyOf": lists}


def _text_pattern(question: QuestionSpec) -> str:
    """1 to the question's limit of characters once surrounding white space is dropped (none
    required when the question is optional), and no NUL, which no database text can keep."""
    limit = question.max_length or TEXT_MAX_LENGTH
    visible = rf"[^{SPACE_CHARACTERS}\u0000]"
    text = visible if limit == 1 else rf"{visible}(?:[^\u0000]{{0,{limit - 2}}}{visible})?"
    return rf"^{SPACE}*{text}{SPACE}*$" if question.required else rf"^{SPACE}*(?:{text})?{SPACE}*$"


def _number(question: QuestionSpec) -> list[JsonSchema]:
    low, high = question.min_value, question.max_value
    whole = question.kind == Kind.INTEGER
    given: JsonSchema = {"type": "integer"} if whole else {"type": "number", "multipleOf": 0.01}
    if low is not None:
        given["minimum"] = _json_number(low)
    if high is not None:
        given["maximum"] = _json_number(high)
    text = number_text_pattern(low, high, decimals=0 if whole else 2)
    if not question.required:
        text = f"{BLANK}|{text}"
    return [given, {"type": "string", "pattern": text}] + (
        [NULL] if question.unknown_allowed else []
    )


def _json_number(bound: Decimal) -> int | float:
    """A bound as JSON writes it: 300, not 300.0, when it is whole."""
    return int(bound) if bound == bound.to_integral_value() else float(bound)


def number_text_pattern(low: Decimal | None, high: Decimal | None, *, decimals: int) -> str:
    """Numbers from `low` to `high` as text ("96", "+7", "-3", "96.5" with up to `decimals`
    decimals), exactly: a text outside the bounds does not match. Bounds that are not whole
    numbers, or missing, leave that check to the server (the pattern then takes any number)."""
    fraction = rf"(?:\.[0-9]{{1,{decimals}}})?" if decimals else ""
    if not _whole(low) or not _whole(high):
        return rf"^{SPACE}*[+-]?[0-9]+{fraction}{SPACE}*$"
    assert low is not None and high is not None
    lowest, highest = int(low), int(high)
    signed = []
    if highest >= 0:  # zero and up: magnitudes max(low, 0)..high
        signed.append(r"\+?" + _magnitudes(max(lowest, 0), highest, decimals))
    if lowest <= 0:  # below zero (and "-0"): magnitudes max(-high, 0)..-low
        signed.append("-" + _magnitudes(max(-highest, 0), -lowest, decimals))
    return rf"^{SPACE}*(?:{'|'.join(signed)}){SPACE}*$"


def _whole(bound: Decimal | None) -> bool:
    return bound is not None and bound == bound.to_integral_value()


def _magnitudes(smallest: int, largest: int, decimals: int) -> str:
    """Unsigned numbers from `smallest` to `largest` (whole), leading zeros allowed: any
    fraction below `largest`, none (or only zeros) at it."""
    if not decimals:
        return f"0*(?:{'|'.join(_integers(smallest, largest))})"
    at_largest = rf"{largest}(?:\.0{{1,{decimals}}})?"
    if smallest == largest:
        return f"0*(?:{at_largest})"
    below = "|".join(_integers(smallest, largest - 1))
    return rf"0*(?:(?:{below})(?:\.[0-9]{{1,{decimals}}})?|{at_largest})"


def _integers(smallest: int, largest: int) -> list[str]:
    """Alternatives that match exactly the integers `smallest`..`largest` (0 <= smallest <=
    largest) written without leading zeros, one run of equal length at a time."""
    alternatives = []
    start = smallest
    while start <= largest:
        end = min(largest, 10 ** len(str(start)) - 1)
        alternatives += _same_length(str(start), str(end))
        start = end + 1
    return alternatives


def _same_length(start: str, end: str) -> list[str]:
    """Alternatives for the integers start..end, both written with the same number of digits."""
    if len(start) == 1:
        return [start if start == end else f"[{start}-{end}]"]
    if start[0] == end[0]:
        return [start[0] + _group(_same_length(start[1:], end[1:]))]
    rest = len(start) - 1
    alternatives = []
    first, last = int(start[0]), int(end[0])
    if start[1:] != "0" * rest:  # the first digit's run starts part-way
        alternatives.append(start[0] + _group(_same_length(start[1:], "9" * rest)))
        first += 1
    tail = None
    if end[1:] != "9" * rest:  # the last digit's run ends part-way
        tail = end[0] + _group(_same_length("0" * rest, end[1:]))
        last -= 1
    if first <= last:
        digit = str(first) if first == last else f"[{first}-{last}]"
        alternatives.append(digit + ("[0-9]" if rest == 1 else f"[0-9]{{{rest}}}"))
    if tail:
        alternatives.append(tail)
    return alternatives


def _group(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
