from decimal import Decimal

import pytest

from scoring.bank import BankSpec
from scoring.plan import PillarPlan, PlanStep, next_bucket_plan
from scoring.scores import response_score
from tests.scoring import (
    EXAMPLE_A,
    EXAMPLE_B,
    ByText,
    default_bank,
    extreme_answers,
    stored_answers,
    with_option_points,
)


def plans_for(spec: BankSpec, by_text: ByText, max_steps: int = 5) -> dict[str, PillarPlan]:
    answers = stored_answers(spec, by_text)
    scores = response_score(spec=spec, answers=answers)
    plans = next_bucket_plan(spec=spec, answers=answers, scores=scores, max_steps=max_steps)
    return {plan.pillar_key: plan for plan in plans}


def test_segmentation_at_zero_starts_with_the_answer_that_lifts_it_most() -> None:
    plan = plans_for(default_bank(), EXAMPLE_A)["segmentation"]

    first = plan.steps[0]
    assert (plan.score, plan.bucket.name, plan.next_bucket.name) == (
        Decimal("0.00"),
        "Undeveloped",
        "Emerging",
    )
    assert (first.question_number, first.option_text) == (
        21,
        "We have more than 1 customer segment and we segment by customer objectives",
    )
    assert first.replaces == ("We don't segment our customers",)
    assert (first.score, first.gain, first.crosses) == (Decimal("50.00"), Decimal("50.00"), True)
    assert plan.path == ()


def test_a_step_that_skips_a_bucket_names_the_bucket_it_reaches() -> None:
    # Example A: Segmentation (0.00) and Relationship (5.00) are Undeveloped; one change takes
    # each past Emerging into Expanding (from 50.00).
    plans = plans_for(default_bank(), EXAMPLE_A)
    segmentation, relationship = plans["segmentation"].steps[0], plans["relationship"].steps[0]
    assert (segmentation.score, segmentation.reaches.name) == (Decimal("50.00"), "Expanding")
    assert (relationship.score, relationship.reaches.name) == (Decimal("55.00"), "Expanding")
    assert plans["segmentation"].steps[1].reaches.name == "Undeveloped"  # 14.29: no change


def test_steps_are_ranked_by_gain_and_say_whether_they_reach_the_next_bucket() -> None:
    steps = plans_for(default_bank(), EXAMPLE_A, max_steps=10)["segmentation"].steps

    assert [step.gain for step in steps] == sorted((step.gain for step in steps), reverse=True)
    # Each question's biggest lift only: Q21's best option, then Q22's.
    assert [(step.question_number, step.score, step.crosses) for step in steps] == [
        (21, Decimal("50.00"), True),
        (22, Decimal("14.29"), False),
    ]
    # Adding a segment use drops the exclusive "We don't use customer segments".
    assert steps[1].option_text == "Prescribing the optimal customer journey"
    assert steps[1].replaces == ("We don't use customer segments",)


def test_the_first_step_is_the_best_single_change_there_is() -> None:
    spec = default_bank()
    answers = stored_answers(spec, EXAMPLE_A)
    question = spec.question(21)
    assert question is not None

    reachable = [
        response_score(spec=spec, answers={**answers, "21": option.code})
        .pillar("segmentation")
        .score
        for option in question.options
    ]

    assert plans_for(spec, EXAMPLE_A)["segmentation"].steps[0].score == max(reachable)


def test_pillars_already_in_the_top_bucket_get_no_plan() -> None:
    plans = plans_for(default_bank(), EXAMPLE_B)

    assert "team" not in plans
    assert "playbook" not in plans
    assert set(plans) == {
        "alignment",
        "segmentation",
        "resources",
        "onboarding",
        "relationship",
        "roi",
    }


def test_all_highest_answers_need_no_plan() -> None:
    spec = default_bank()
    answers = extreme_answers(spec, best=True)
    scores = response_score(spec=spec, answers=answers)

    assert next_bucket_plan(spec=spec, answers=answers, scores=scores) == ()


@pytest.mark.parametrize("by_text", [EXAMPLE_A, EXAMPLE_B], ids=["example_a", "example_b"])
def test_plan_steps_use_only_the_banks_options(by_text: ByText) -> None:
    spec = default_bank()

    for plan in plans_for(spec, by_text, max_steps=50).values():
        for step in [*plan.steps, *plan.path]:
            question = spec.question(step.question_number)
            assert question is not None and question.pillar == plan.pillar_key
            option = question.option_by_code(step.option_code)
            assert option is not None and option.text == step.option_text
            assert not option.exclusive
            assert step.question_text == question.text


def test_when_no_single_step_crosses_a_greedy_path_reaches_the_next_bucket() -> None:
    plan = plans_for(default_bank(), EXAMPLE_A)["roi"]

    assert not any(step.crosses for step in plan.steps)
    assert [step.crosses for step in plan.path] == [False] * (len(plan.path) - 1) + [True]
    assert plan.path_score == plan.path[-1].score
    assert plan.path_score is not None and plan.path_score >= plan.next_bucket.lower_bound
    assert plan.path[0] == plan.steps[0]
    assert sum(step.gain for step in plan.path) == plan.path_score - plan.score


def test_a_step_that_adds_to_a_ladder_drops_its_exclusive_option() -> None:
    steps = plans_for(default_bank(), EXAMPLE_A)["playbook"].steps

    assert (steps[0].question_number, steps[0].score, steps[0].crosses) == (
        23,
        Decimal("83.33"),
        True,
    )
    assert steps[0].replaces == ("We don't have standardized customer success processes",)


def test_max_steps_limits_the_steps_listed() -> None:
    spec = default_bank()
    assert len(plans_for(spec, EXAMPLE_A, max_steps=10)["resources"].steps) == 4
    assert len(plans_for(spec, EXAMPLE_A, max_steps=2)["resources"].steps) == 2


def test_changing_an_options_points_changes_the_plan() -> None:
    spec = default_bank()
    changed = with_option_points(spec, 22, "Analyzing customer data", "3")

    before = plans_for(spec, EXAMPLE_A, max_steps=10)["segmentation"].steps
    after = plans_for(changed, EXAMPLE_A, max_steps=10)["segmentation"].steps

    def question_22(steps: tuple[PlanStep, ...]) -> list[tuple[str, Decimal]]:
        return [(step.option_text, step.score) for step in steps if step.question_number == 22]

    # Segmentation = (Q21 + Q22) ÷ 2; Q22 adds up to 7 points, then to 9.
    assert question_22(before) == [
        ("Prescribing the optimal customer journey", Decimal("14.29")),
    ]
    assert question_22(after) == [("Analyzing customer data", Decimal("16.67"))]
