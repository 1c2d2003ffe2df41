"""Shared by the scoring tests: banks (the default and small made-up ones) and answer builders.

No database and no Django: banks are read from the YAML file or built as plain specs.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from scoring.bank import BankSpec, BucketSpec, Kind, OptionSpec, PillarSpec, QuestionSpec, Scoring
from survey.bank_file import bank_file_read

DEFAULT_BANK_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "cspi-v1.yaml"
BUCKETS = (
    BucketSpec("undeveloped", "Undeveloped", Decimal(0)),
    BucketSpec("emerging", "Emerging", Decimal(25)),
    BucketSpec("expanding", "Expanding", Decimal(50)),
    BucketSpec("conquering", "Conquering", Decimal(75)),
)

# Answers by question number and option text, as SCORING.md §5 gives them (numbers as numbers).
ByText = dict[int, str | list[str] | int | None]

EXAMPLE_A: ByText = {
    4: "Europe",
    5: "Software and SaaS",
    7: "$1M – $5M",
    8: 120,
    9: 2,
    10: 96,
    11: None,
    12: None,
    15: "No manager, just front-line CSMs",
    16: ["Customer needs are factored into our company's product development processes"],
    17: "Customer Success is a Cost Center",
    18: "Group of CSMs",
    19: ["Onboarding (Free)", "Account Management", "Customer Success Management"],
    20: ["None of these"],
    21: "We don't segment our customers",
    22: ["We don't use customer segments"],
    23: ["We don't have standardized customer success processes"],
    24: "At the new customer kickoff meeting",
    25: ["Website with white papers, case studies and webinars"],
    26: "Customer resources are managed by other departments",
    27: "No one markets to our customer base",
    28: "We celebrate internally",
    29: "Our CSMs cover technical setup and onboarding",
    30: ["Free online training for all users"],
    31: "Whenever they reach out to us",
    32: ["They have a technical question", "We are getting them to renew their agreement"],
    33: ["Net Promoter Score (NPS)", "Number of open tickets from your support system"],
    34: ["We don't establish any baselines"],
    35: ["(Re)actions are up to each CSM"],
}

EXAMPLE_B: ByText = {
    4: "North America",
    5: "Financial Services",
    7: "$100M – $500M",
    8: 2400,
    9: 30,
    10: 112,
    11: 91,
    12: 38,
    15: "Director or VP who serves on the company's leadership team",
    16: [
        "Our customer success team is accountable for metrics that are part of the company's "
        "business plan",
        "Our customer success team is responsible for driving selling opportunities within the "
        "existing customer base",
        "Customer needs are factored into our company's product development processes",
        "Our company's variable compensation plan is coordinated across teams",
    ],
    17: "Customer Success is measured by Net Revenue Retention",
    18: "CS team that includes operations roles",
    19: [
        "Onboarding (Free)",
        "Customer Training",
        "Account Management",
        "Up-sell and cross-sell",
        "Customer Success Management",
    ],
    20: [
        "CRM Administration",
        "Customer Success Platform Administration",
        "Predictive Analytics",
        "Process Design",
    ],
    21: "We have more than 1 customer segment and we segment by contract value",
    22: [
        "Analyzing customer data",
        "Determining headcount needs",
        "Setting metrics and goals",
        "Planning our level of engagement (high-touch, low-touch)",
    ],
    23: [
        "We have documented processes that all CSMs use",
        "We have documented processes that everybody in our company follows",
    ],
    24: "During the Sales cycle",
    25: [
        "Website with white papers, case studies and webinars",
        "A dedicated, searchable knowledgebase with solutions for specific problems",
        "An online community",
        "An implementation guide with tools, templates, and best practice guidelines",
    ],
    26: "Customer Success has 1 dedicated resource manager",
    27: "Marketing resources are managed by other departments",
    28: "We celebrate with the customer",
    29: "We have a dedicated services team (free or paid professional services)",
    30: [
        "Free online training for all users",
        "Paid training classes",
        'Periodic "Ask a guru" sessions available to all customers',
    ],
    31: "At various points in time based on our playbook",
    32: [
        "We are getting them to renew their agreement",
        "We want them to utilize our solution more fully",
        "We are providing them with best practices, customer stories or benchmarking data",
        "We are working together to set goals",
    ],
    33: [
        "Net Promoter Score (NPS)",
        "Login monitoring by user",
        "Specific features used by each user",
        "ROI based on usage",
    ],
    34: ["We measure baseline usage by segment", "We measure changes in feature usage"],
    35: [
        "We identify struggling customers as well as champions and have specific playbooks for them"
    ],
}


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
    """The stored form of answers given by option text: option codes, numbers as they are."""
    stored: dict[str, object] = {}
    for number, value in by_text.items():
        if isinstance(value, list):
            stored[str(number)] = [option_code(spec, number, text) for text in value]
        elif isinstance(value, str):
            stored[str(number)] = option_code(spec, number, value)
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
