"""Milestones the product proposes toward a pillar's target: pure Python, no database.

The next-bucket plan (scoring/plan.py) lifts a pillar one bucket: by its biggest single change
when that alone is enough, else by its combined path. A target further up repeats this from the
answers as they would then be, until the target bucket is reached or no answer can gain more.
Each change is one milestone; a question raised twice on the way is one milestone, for the option
it ends on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from scoring.bank import BankSpec, BucketSpec, Kind
from scoring.plan import PlanStep, next_bucket_plan
from scoring.scores import chosen_options, response_score

MAX_PROPOSALS = 8  # a longer list is a backlog, not a roadmap
TITLE_OPTION_CHARS = 150  # option texts run long; the milestone's title keeps its start


@dataclass(frozen=True, slots=True)
class Proposal:
    pillar_key: str
    question_number: int
    option_code: int
    title: str


def proposals_toward(
    *, spec: BankSpec, answers: Mapping[str, object], pillar_key: str, target: BucketSpec
) -> tuple[Proposal, ...]:
    """The answer changes, in order, that together lift the pillar into `target` (or as far
    toward it as the bank's options go)."""
    steps: list[PlanStep] = []
    current = dict(answers)
    while len(steps) < MAX_PROPOSALS:
        scores = response_score(spec=spec, answers=current)
        if scores.pillar(pillar_key).bucket.lower_bound >= target.lower_bound:
            break
        plans = next_bucket_plan(spec=spec, answers=current, scores=scores, max_steps=1)
        plan = next((p for p in plans if p.pillar_key == pillar_key), None)
        if plan is None:
            break
        chosen = plan.steps[:1] if plan.steps and plan.steps[0].crosses else plan.path
        if not chosen:
            break  # the answers already take the best options there are
        for step in chosen:
            current = _with_step(spec, current, step)
            steps.append(step)
    return tuple(_proposal(pillar_key, step) for step in _final_answers(spec, steps))


def _final_answers(spec: BankSpec, steps: list[PlanStep]) -> list[PlanStep]:
    """A single-choice question the path raises twice (a better option, then a better one
    still) is one milestone: its last option, where the first step stood."""
    kept: dict[tuple[int, int], PlanStep] = {}
    for step in steps:
        question = spec.question(step.question_number)
        single = question is not None and question.kind == Kind.SINGLE
        kept[(step.question_number, -1 if single else step.option_code)] = step
    return list(kept.values())


def _proposal(pillar_key: str, step: PlanStep) -> Proposal:
    """The milestone's title is written once, in the language of whoever set the target; from
    then on it is theirs to edit, like any title they typed."""
    option = step.option_text
    if len(option) > TITLE_OPTION_CHARS:
        option = option[: TITLE_OPTION_CHARS - 1].rstrip() + "…"
    values = {"number": step.question_number, "option": option}
    if step.replaces:
        # Translators: a proposed milestone's title, "Q12: choose “Quarterly”".
        title = _("Q%(number)s: choose “%(option)s”") % values
    else:
        # Translators: a proposed milestone's title, "Q12: add “A health score”".
        title = _("Q%(number)s: add “%(option)s”") % values
    return Proposal(
        pillar_key=pillar_key,
        question_number=step.question_number,
        option_code=step.option_code,
        title=title,
    )


def _with_step(spec: BankSpec, answers: dict[str, object], step: PlanStep) -> dict[str, object]:
    """The answers as they would be with the step taken, in the stored form: an option code for
    a single question, codes in bank order for a multi one (an exclusive option dropped)."""
    question = spec.question(step.question_number)
    assert question is not None  # the plan only names the bank's own questions
    key = str(question.number)
    if question.kind == Kind.SINGLE:
        return {**answers, key: step.option_code}
    value = answers.get(key)
    chosen = () if value is None else chosen_options(question, value)
    codes = {option.code for option in chosen if not option.exclusive} | {step.option_code}
    return {**answers, key: [option.code for option in question.options if option.code in codes]}
