from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring.bank import BucketSpec
from scoring.scores import ScoringError, bucket_for, response_score
from tests.scoring import (
    BUCKETS,
    EXAMPLE_A,
    EXAMPLE_B,
    ByText,
    default_bank,
    extreme_answers,
    halves_bank,
    made_up_bank,
    overall_halves_bank,
    single,
    stored_answers,
    with_question,
)

# SCORING.md §5, exactly: pillar → (score, bucket).
EXAMPLE_A_PILLARS = {
    "alignment": ("3.03", "Undeveloped"),
    "team": ("27.78", "Emerging"),
    "segmentation": ("0.00", "Undeveloped"),
    "playbook": ("33.33", "Emerging"),
    "resources": ("15.00", "Undeveloped"),
    "onboarding": ("25.00", "Emerging"),
    "relationship": ("5.00", "Undeveloped"),
    "roi": ("5.13", "Undeveloped"),
}
EXAMPLE_B_PILLARS = {
    "alignment": ("59.60", "Expanding"),
    "team": ("80.16", "Conquering"),
    "segmentation": ("61.90", "Expanding"),
    "playbook": ("83.33", "Conquering"),
    "resources": ("41.25", "Emerging"),
    "onboarding": ("58.33", "Expanding"),
    "relationship": ("58.33", "Expanding"),
    "roi": ("46.15", "Emerging"),
}


@pytest.mark.parametrize(
    ("by_text", "pillars", "overall", "overall_bucket", "customers_per_csm"),
    [
        (EXAMPLE_A, EXAMPLE_A_PILLARS, "14.28", "Undeveloped", "60"),
        (EXAMPLE_B, EXAMPLE_B_PILLARS, "61.13", "Expanding", "80"),
    ],
    ids=["example_a", "example_b"],
)
def test_worked_examples_score_exactly_as_the_spec_says(
    by_text: ByText,
    pillars: dict[str, tuple[str, str]],
    overall: str,
    overall_bucket: str,
    customers_per_csm: str,
) -> None:
    spec = default_bank()

    scores = response_score(spec=spec, answers=stored_answers(spec, by_text))

    assert [pillar.key for pillar in scores.pillars] == [pillar.key for pillar in spec.pillars]
    assert {p.key: (str(p.score), p.bucket.name) for p in scores.pillars} == pillars
    assert (str(scores.overall), scores.overall_bucket.name) == (overall, overall_bucket)
    assert scores.kpis["customers_per_csm"] == Decimal(customers_per_csm)


def test_overall_is_the_mean_of_the_exact_pillar_values_rounded_once() -> None:
    spec = default_bank()

    scores = response_score(spec=spec, answers=stored_answers(spec, EXAMPLE_B))

    exact_mean = sum((pillar.exact for pillar in scores.pillars), Fraction(0)) / 8
    assert scores.overall_exact == exact_mean
    assert scores.pillar("team").score == Decimal("80.16")


@pytest.mark.parametrize(
    ("best", "score", "bucket"),
    [(False, "0.00", "Undeveloped"), (True, "100.00", "Conquering")],
    ids=["all_lowest", "all_highest"],
)
def test_extreme_answers_score_zero_and_one_hundred(best: bool, score: str, bucket: str) -> None:
    spec = default_bank()

    scores = response_score(spec=spec, answers=extreme_answers(spec, best=best))

    assert {(str(p.score), p.bucket.name) for p in scores.pillars} == {(score, bucket)}
    assert (str(scores.overall), scores.overall_bucket.name) == (score, bucket)


@pytest.mark.parametrize(
    ("score", "bucket"),
    [
        ("0.00", "undeveloped"),
        ("24.99", "undeveloped"),
        ("25.00", "emerging"),
        ("49.99", "emerging"),
        ("50.00", "expanding"),
        ("74.99", "expanding"),
        ("75.00", "conquering"),
        ("100.00", "conquering"),
    ],
)
def test_bucket_lower_bounds_are_inclusive(score: str, bucket: str) -> None:
    assert bucket_for(Decimal(score), BUCKETS).key == bucket


def test_bucket_order_in_the_bank_does_not_matter() -> None:
    shuffled: tuple[BucketSpec, ...] = (BUCKETS[2], BUCKETS[0], BUCKETS[3], BUCKETS[1])

    assert bucket_for(Decimal("60"), shuffled).key == "expanding"


def test_a_score_below_every_bucket_is_refused() -> None:
    with pytest.raises(ValueError, match="below every bucket"):
        bucket_for(Decimal("10"), BUCKETS[1:])


# A pillar of single questions whose chosen points (and weights) give these exact scores.
HALVES = [
    # (points of each question's chosen option, weights, exact score, rounded, bucket)
    (["3", "3", "1.335", "0"], [1, 1, 1, 1], "61.125", "61.13", "expanding"),
    (["0.003", "0", "0", "0"], [1, 1, 1, 1], "0.025", "0.03", "undeveloped"),
    (["3", "3", "3", "1.101"], [1, 1, 1, 1], "84.175", "84.18", "conquering"),
    (["2.997", "0", "0", "0"], [1, 1, 1, 1], "24.975", "24.98", "undeveloped"),
    (["0.006", "0.789"], [1, 19], "24.995", "25.00", "emerging"),
    (["1.5", "0"], [7, 1], "43.75", "43.75", "emerging"),
    (["0.67", "2"], [1, 7], "61.125", "61.13", "expanding"),
]


@pytest.mark.parametrize(("points", "weights", "exact", "rounded", "bucket"), HALVES)
def test_halves_round_up_on_the_exact_value_and_the_bucket_reads_the_rounded_score(
    points: list[str], weights: list[int], exact: str, rounded: str, bucket: str
) -> None:
    spec = made_up_bank(
        [
            single(number, "halves", ["0", value], weight=Decimal(weight))
            for number, (value, weight) in enumerate(zip(points, weights, strict=True), start=1)
        ]
    )
    answers = {str(question.number): question.options[1].code for question in spec.questions}

    pillar = response_score(spec=spec, answers=answers).pillar("halves")

    assert pillar.exact == Fraction(exact)
    assert str(pillar.score) == rounded
    assert pillar.bucket.key == bucket


def test_the_overall_score_rounds_its_exact_half_up() -> None:
    spec = overall_halves_bank()
    answers = {"1": 105, "2": 205, "3": 305, "4": 402}  # 0.669, 0.669, 0.669 and 3 points

    scores = response_score(spec=spec, answers=answers)

    assert [str(pillar.score) for pillar in scores.pillars] == ["22.30"] * 3 + ["100.00"]
    assert scores.overall_exact == Fraction("41.725")
    assert str(scores.overall) == "41.73"


@pytest.mark.parametrize(
    ("by_text", "without_weight", "with_weight"),
    [(EXAMPLE_A, "3.03", "2.27"), (EXAMPLE_B, "59.60", "61.36")],
    ids=["example_a", "example_b"],
)
def test_a_question_weight_gives_a_weighted_pillar_mean(
    by_text: ByText, without_weight: str, with_weight: str
) -> None:
    spec = default_bank()
    weighted = with_question(spec, 15, weight=Decimal(2))

    plain = response_score(spec=spec, answers=stored_answers(spec, by_text))
    heavier = response_score(spec=weighted, answers=stored_answers(weighted, by_text))

    assert str(plain.pillar("alignment").score) == without_weight
    assert str(heavier.pillar("alignment").score) == with_weight
    assert heavier.pillar("team") == plain.pillar("team")


def test_an_unanswered_optional_question_is_left_out_of_its_pillar_mean() -> None:
    spec = with_question(default_bank(), 17, required=False)
    answers = stored_answers(spec, EXAMPLE_B)
    del answers["17"]

    scores = response_score(spec=spec, answers=answers)

    # Q15 (2/3) and Q16 (5/11) only: not dragged down by a 0 for Q17.
    assert scores.pillar("alignment").exact == 100 * (Fraction(2, 3) + Fraction(5, 11)) / 2


@pytest.mark.parametrize("missing", [None, "absent"])
def test_a_required_scored_question_without_answer_is_refused(missing: str | None) -> None:
    spec = default_bank()
    answers = stored_answers(spec, EXAMPLE_A)
    if missing is None:
        answers["21"] = None
    else:
        del answers["21"]

    with pytest.raises(ScoringError, match=r"^Question 21: no answer, and the question is req"):
        response_score(spec=spec, answers=answers)


@pytest.mark.parametrize(
    ("number", "value", "message"),
    [
        (16, [1699], "Question 16: option 1699 is not in bank cspi v1"),
        (28, 2699, "Question 28: option 2699 is not in bank cspi v1"),
        (20, [2001, 2003], "Question 20: “None of these” cannot be combined with other options"),
        (16, [], "Question 16: no option chosen; choose at least one"),
    ],
)
def test_a_response_with_an_answer_that_cannot_be_scored_is_refused_naming_it(
    number: int, value: object, message: str
) -> None:
    spec = default_bank()
    answers = {**stored_answers(spec, EXAMPLE_B), str(number): value}

    with pytest.raises(ScoringError) as raised:
        response_score(spec=spec, answers=answers)

    assert str(raised.value) == message
    assert raised.value.question_number == number


def test_pillars_come_in_the_banks_order_whatever_it_is() -> None:
    spec = halves_bank()
    reordered = replace(spec, pillars=tuple(reversed(spec.pillars)))
    answers = {"1": 102, "2": 203, "3": 304, "4": 405, "5": 502, "6": 603, "8": [802], "9": [902]}
    answers |= {"10": [1001, 1012], "11": 1103}

    plain = response_score(spec=spec, answers=answers)
    scores = response_score(spec=reordered, answers=answers)

    assert [pillar.key for pillar in scores.pillars] == ["wide", "breadth", "weighted", "halves"]
    assert sorted(scores.pillars, key=str) == sorted(plain.pillars, key=str)
    assert scores.overall == plain.overall


def test_asking_for_a_pillar_the_bank_has_not_is_a_key_error() -> None:
    spec = default_bank()
    scores = response_score(spec=spec, answers=extreme_answers(spec, best=True))

    with pytest.raises(KeyError):
        scores.pillar("nonsense")
