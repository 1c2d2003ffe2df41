from decimal import Decimal

import pytest

from scoring.bank import BankSpec, Scoring
from scoring.plan import PillarPlan, PlanStep, Shares, next_bucket_plan
from scoring.scores import response_score
from tests.scoring import (
    EXAMPLE_A,
    EXAMPLE_B,
    ByText,
    default_bank,
    extreme_answers,
    option_code,
    stored_answers,
    with_option_points,
)


def plans_for(spec: BankSpec, by_text: ByText, max_steps: int = 5) -> dict[str, PillarPlan]:
    answers = stored_answers(spec, by_text)
    scores = response_score(spec=spec, answers=answers)
    plans = next_bucket_plan(spec=spec, answers=answers, scores=scores, max_steps=max_steps)
    return {plan.pillar_key: plan for plan in plans}


def test_segmentation_at_zero_climbs_one_rung_and_the_path_reaches_emerging() -> None:
    plan = plans_for(default_bank(), EXAMPLE_A)["segmentation"]

    first = plan.steps[0]
    assert (plan.score, plan.bucket.name, plan.next_bucket.name) == (
        Decimal("0.00"),
        "Undeveloped",
        "Emerging",
    )
    # The next rung of Q21, not its top one ("… by customer objectives", which would skip two).
    assert (first.question_number, first.option_text) == (
        21,
        "We have more than 1 customer segment",
    )
    assert first.replaces == ("We don't segment our customers",)
    assert (first.score, first.gain, first.crosses) == (Decimal("16.67"), Decimal("16.67"), False)
    assert [(step.option_text, step.score) for step in plan.path] == [
        ("We have more than 1 customer segment", Decimal("16.67")),
        ("We have more than 1 customer segment and we segment by contract value", Decimal("33.33")),
    ]


def test_example_a_segmentation_and_relationship_steps_name_the_bucket_they_reach() -> None:
    # One rung at a time: no single change takes Segmentation (0.00) or Relationship (5.00) out
    # of Undeveloped; the combined path reaches Emerging, the next bucket, and never skips it.
    plans = plans_for(default_bank(), EXAMPLE_A)

    def read(key: str) -> list[tuple[int, Decimal, str]]:
        return [(s.question_number, s.score, s.reaches.name) for s in plans[key].steps]

    assert read("segmentation") == [
        (21, Decimal("16.67"), "Undeveloped"),
        (22, Decimal("14.29"), "Undeveloped"),
    ]
    assert read("relationship") == [
        (31, Decimal("21.67"), "Undeveloped"),
        (32, Decimal("15.00"), "Undeveloped"),
    ]
    for key, path_score in (("segmentation", "33.33"), ("relationship", "38.33")):
        plan = plans[key]
        assert (plan.path_score, plan.path[-1].reaches.name) == (Decimal(path_score), "Emerging")


def test_steps_are_ranked_by_gain_and_say_whether_they_reach_the_next_bucket() -> None:
    steps = plans_for(default_bank(), EXAMPLE_A, max_steps=10)["alignment"].steps

    assert [step.gain for step in steps] == sorted((step.gain for step in steps), reverse=True)
    assert [(step.question_number, step.score, step.crosses) for step in steps] == [
        (17, Decimal("25.25"), True),
        (15, Decimal("14.14"), False),
        (16, Decimal("9.09"), False),
    ]
    # Each question's biggest lift only; a `sum` question's is one more option, its best one.
    assert (
        steps[2].option_text
        == "Our company's variable compensation plan is coordinated across teams"
    )


@pytest.mark.parametrize("by_text", [EXAMPLE_A, EXAMPLE_B], ids=["example_a", "example_b"])
def test_a_single_question_or_ladder_offers_only_its_next_rung(by_text: ByText) -> None:
    spec = default_bank()
    answers = stored_answers(spec, by_text)
    for plan in plans_for(spec, by_text, max_steps=50).values():
        for step in plan.steps:
            question = spec.question(step.question_number)
            assert question is not None
            if question.scoring == Scoring.SUM:
                continue
            chosen = answers[str(question.number)]
            codes = chosen if isinstance(chosen, list) else [chosen]
            held = max(o.points or 0 for o in question.options if o.code in codes)
            above = sorted({o.points or 0 for o in question.options if (o.points or 0) > held})
            assert question.option_by_code(step.option_code).points == above[0]  # type: ignore[union-attr]


def test_equal_gains_put_the_option_more_peers_chose_first() -> None:
    spec = default_bank()
    answers = stored_answers(spec, EXAMPLE_A)
    scores = response_score(spec=spec, answers=answers)
    sales_cycle = option_code(spec, 24, "During the Sales cycle")
    improve = option_code(spec, 32, "We are working together to help them improve their business")
    set_goals = option_code(spec, 32, "We are working together to set goals")

    def steps(shares: Shares | None) -> dict[str, tuple[PlanStep, ...]]:
        plans = next_bucket_plan(spec=spec, answers=answers, scores=scores, shares=shares)
        return {plan.pillar_key: plan.steps for plan in plans}

    # Playbook: Q23's next rung and Q24's both reach 50.00; Relationship: Q32's two
    # 2-point options gain the same. Without shares, bank order decides.
    plain = steps(None)
    assert [s.question_number for s in plain["playbook"]] == [23, 24]
    assert plain["relationship"][1].option_code == set_goals
    assert all(step.share is None for plan in plain.values() for step in plan)

    shared = steps(
        {
            "playbook": {(24, sales_cycle): 40, (23, 1): 10},
            "relationship": {(32, improve): 35, (32, set_goals): 20},
        }
    )
    assert [(s.question_number, s.share) for s in shared["playbook"]] == [(24, 40), (23, None)]
    assert (shared["relationship"][1].option_code, shared["relationship"][1].share) == (improve, 35)
    # A share never outranks a bigger gain.
    assert shared["relationship"][0].question_number == 31


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

    assert (steps[0].question_number, steps[0].option_text, steps[0].score, steps[0].crosses) == (
        23,
        "We have documented processes that all CSMs use",
        Decimal("50.00"),
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
