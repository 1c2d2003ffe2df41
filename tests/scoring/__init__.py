"""Shared by the scoring tests: banks (the default and small made-up ones) and answer builders.

No database and no Django: banks are read from the YAML file or built as plain specs.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from responses.bank_file import bank_file_read
from scoring.bank import BankSpec, BucketSpec, Kind, OptionSpec, PillarSpec, QuestionSpec, Scoring
from tests.examples import EXAMPLE_A, EXAMPLE_B  # noqa: F401 (re-exported for tests)

DEFAULT_BANK_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "cspi-v1.yaml"
BUCKETS = (
    BucketSpec("undeveloped", "Undeveloped", Decimal(0)),
    BucketSpec("emerging", "Emerging", Decimal(25)),
    BucketSpec("expanding", "Expanding", Decimal(50)),
    BucketSpec("conquering", "Conquering", Decimal(75)),
)

# Answers by question number: option texts, and numbers as typed (tests/examples.py).
ByText = Mapping[int, str | list[str] | int | None]


@cache
def default_bank() -> BankSpec:
    return bank_file_read(DEFAULT_BANK_FILE)


def option_code(spec: BankSpec, number: int, text: str) -> int:
    question = spec.question(number)
    assert question is not None, f"no question {number}"
    codes = [option.code for option in question.options if option.text == text]
    assert codes, f"question {number} has no option {text!r}"
    return codes[0]


def stored_answers(spec: BankSpec, by_text: ByText) -> dict[str, object]:
    """The stored form of answers given by option text: option codes, numbers as numbers."""
    stored: dict[str, object] = {}
    for number, value in by_text.items():
        question = spec.question(number)
        assert question is not None, f"no question {number}"
        if isinstance(value, list):
            stored[str(number)] = [option_code(spec, number, text) for text in value]
        elif isinstance(value, str) and question.kind in (Kind.SINGLE, Kind.MULTI):
            stored[str(number)] = option_code(spec, number, value)
        elif isinstance(value, str) and question.kind in (Kind.INTEGER, Kind.PERCENT):
            stored[str(number)] = int(value)
        else:
            stored[str(number)] = value
    return stored


def extreme_answers(spec: BankSpec, *, best: bool) -> dict[str, object]:
    """Every scored question answered with its highest (or lowest) scoring choice."""
    answers: dict[str, object] = {}
    for question in spec.questions:
        if not question.is_scored:
            continue
        by_points = sorted(question.options, key=lambda option: option.points or 0)
        if question.kind == Kind.SINGLE:
            answers[str(question.number)] = (by_points[-1] if best else by_points[0]).code
        elif best and question.scoring == Scoring.SUM:
            answers[str(question.number)] = [o.code for o in question.options if not o.exclusive]
        else:
            answers[str(question.number)] = [(by_points[-1] if best else by_points[0]).code]
    return answers


def random_answers(spec: BankSpec, rng: random.Random) -> dict[str, object]:
    """A valid random answer set; optional scored questions are sometimes left out."""
    answers: dict[str, object] = {}
    for question in spec.questions:
        if not question.is_scored or (not question.required and rng.random() < 0.3):
            continue
        if question.kind == Kind.SINGLE:
            answers[str(question.number)] = rng.choice(question.options).code
            continue
        exclusive = [option for option in question.options if option.exclusive]
        others = [option for option in question.options if not option.exclusive]
        if exclusive and rng.random() < 0.2:
            answers[str(question.number)] = [rng.choice(exclusive).code]
        else:
            picked = set(rng.sample(others, rng.randint(1, len(others))))
            answers[str(question.number)] = [o.code for o in question.options if o in picked]
    return answers


def with_question(spec: BankSpec, number: int, **changes: Any) -> BankSpec:
    """The bank with one question's fields changed (e.g. weight=Decimal(2))."""
    questions = tuple(
        replace(question, **changes) if question.number == number else question
        for question in spec.questions
    )
    return replace(spec, questions=questions)


def with_option_points(spec: BankSpec, number: int, text: str, points: str) -> BankSpec:
    question = spec.question(number)
    assert question is not None
    options = tuple(
        replace(option, points=Decimal(points)) if option.text == text else option
        for option in question.options
    )
    return with_question(spec, number, options=options)


# ---- Small made-up banks


def single(number: int, pillar: str, points: list[str], **fields: Any) -> QuestionSpec:
    options = tuple(
        OptionSpec(number * 100 + position, f"Q{number} option {position}", Decimal(value))
        for position, value in enumerate(points, start=1)
    )
    return QuestionSpec(
        number,
        Kind.SINGLE,
        f"Question {number}",
        pillar=pillar,
        scoring=Scoring.SINGLE,
        options=options,
        **fields,
    )


def multi(
    number: int, pillar: str, points: list[str], scoring: Scoring, *, exclusive_first: bool = True
) -> QuestionSpec:
    options = tuple(
        OptionSpec(
            number * 100 + position,
            f"Q{number} option {position}",
            Decimal(value),
            exclusive=exclusive_first and position == 1,
        )
        for position, value in enumerate(points, start=1)
    )
    return QuestionSpec(
        number, Kind.MULTI, f"Question {number}", pillar=pillar, scoring=scoring, options=options
    )


def made_up_bank(questions: list[QuestionSpec], key: str = "madeup") -> BankSpec:
    pillar_keys = dict.fromkeys(question.pillar for question in questions if question.pillar)
    return BankSpec(
        key=key,
        version=1,
        title="A made-up bank",
        intro="",
        pillars=tuple(PillarSpec(pillar, pillar.title()) for pillar in pillar_keys),
        buckets=BUCKETS,
        questions=tuple(questions),
    )


def halves_bank() -> BankSpec:
    """Points and weights (3 decimals, as a bank may have) that often land on .xx5 halves.

    Four equal single questions with points in thousandths divisible by 3 give 100 × mean =
    5 × (their sum in thousandths) ÷ 6, a half whenever that sum ÷ 3 is odd; a `sum` question
    whose options add up to 6.4 gives halves too.
    """
    return made_up_bank(
        [
            *(
                single(number, "halves", ["0", "3", "1.335", "0.003", "0.669"])
                for number in range(1, 5)
            ),
            single(5, "weighted", ["0", "0.67", "3", "0.006"]),
            single(6, "weighted", ["0", "2", "0.789", "3"], weight=Decimal(7)),
            single(7, "weighted", ["0.001", "2.25", "3"], weight=Decimal("0.125"), required=False),
            multi(8, "breadth", ["0", "1", "1", "1", "1", "1", "1.4"], Scoring.SUM),
            multi(9, "breadth", ["0", *["0.333"] * 8, "1.5", "3"], Scoring.MAX),
            multi(10, "wide", ["0.125", *["1.001"] * 10, "2"], Scoring.SUM, exclusive_first=False),
            single(11, "wide", ["0", "0.5", "3"], weight=Decimal("2.5")),
        ],
        key="halves",
    )


def overall_halves_bank() -> BankSpec:
    """Four pillars of one single question each, so the overall score often lands on a half."""
    points = ["0", "3", "1.335", "0.003", "0.669"]
    return made_up_bank(
        [single(number, f"pillar{number}", points) for number in range(1, 5)], key="overall"
    )
