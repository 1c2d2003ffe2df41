"""The next-bucket plan: which answer changes would lift a pillar into its next bucket.

A step changes one answer, using only the bank's own options, and climbs one rung at a time:
for a `single` question or a `max` ladder, the option(s) with the fewest points above what is
chosen (never a higher rung while a middle one exists); for a `sum` question, one more option
(dropping an exclusive "None of these" that cannot be combined). Steps are ranked by the pillar
points they gain, then by how many peers one bucket up chose the option (`shares`, given by the
caller: most common first), then in bank order; each says whether it alone reaches the next
bucket. When none does, a combined path applies the first step again and again until the next
bucket is reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.bank import BankSpec, BucketSpec, Kind, OptionSpec, QuestionSpec, Scoring
from scoring.rounding import round_half_up
from scoring.scores import (
    PillarScore,
    PillarSum,
    ResponseScores,
    bank_label,
    bucket_above,
    bucket_for,
    chosen_options,
    option_points,
    pillar_questions,
)


@dataclass(frozen=True, slots=True)
class PlanStep:
    question_number: int
    question_text: str
    option_code: int
    option_text: str
    replaces: tuple[str, ...]  # texts of the chosen options this one takes the place of
    score: Decimal  # the pillar score the step reaches, rounded
    gain: Decimal  # that score minus the (rounded) score before the step
    crosses: bool  # whether the step reaches the next bucket
    reaches: BucketSpec  # the bucket of `score`: the next one, or one past it
    share: int | None = None  # % of peers one bucket up who chose the option; None: not shown


@dataclass(frozen=True, slots=True)
class PillarPlan:
    pillar_key: str
    pillar_name: str
    score: Decimal
    bucket: BucketSpec
    next_bucket: BucketSpec
    steps: tuple[PlanStep, ...]  # single changes, biggest gain first
    path: tuple[PlanStep, ...]  # cumulative changes; only when no single step crosses
    path_score: Decimal | None  # the score the path reaches
    peers: int | None = None  # peers in the next bucket the shares count; None: not shown


@dataclass(frozen=True, slots=True)
class _Candidate:
    step: PlanStep
    exact: Fraction
    answers: dict[str, object]  # the answers with this step applied


# Per pillar key: (question number, option code) → the % of peers one bucket up who chose it.
Shares = Mapping[str, Mapping[tuple[int, int], int]]


def next_bucket_plan(
    *,
    spec: BankSpec,
    answers: Mapping[str, object],
    scores: ResponseScores,
    max_steps: int = 5,
    shares: Shares | None = None,
) -> tuple[PillarPlan, ...]:
    """A plan for every pillar below the top bucket, in bank order."""
    plans = []
    for pillar in scores.pillars:
        next_bucket = bucket_above(pillar.bucket, spec.buckets)
        if next_bucket is not None:
            pillar_shares = (shares or {}).get(pillar.key, {})
            plans.append(_pillar_plan(spec, answers, pillar, next_bucket, max_steps, pillar_shares))
    return tuple(plans)


def _pillar_plan(
    spec: BankSpec,
    answers: Mapping[str, object],
    pillar: PillarScore,
    next_bucket: BucketSpec,
    max_steps: int,
    shares: Mapping[tuple[int, int], int],
) -> PillarPlan:
    candidates = _ranked_candidates(spec, pillar.key, answers, pillar.exact, next_bucket, shares)
    path = (
        ()
        if candidates and candidates[0].step.crosses
        else _greedy_path(spec, pillar, answers, next_bucket, shares)
    )
    return PillarPlan(
        pillar_key=pillar.key,
        pillar_name=pillar.name,
        score=pillar.score,
        bucket=pillar.bucket,
        next_bucket=next_bucket,
        steps=tuple(candidate.step for candidate in _best_per_question(candidates)[:max_steps]),
        path=path,
        path_score=path[-1].score if path else None,
    )


def _greedy_path(
    spec: BankSpec,
    pillar: PillarScore,
    answers: Mapping[str, object],
    next_bucket: BucketSpec,
    shares: Mapping[tuple[int, int], int],
) -> tuple[PlanStep, ...]:
    """The best step, then the best step after it, … until the next bucket is reached.

    Every step gains, so the path ends: at the next bucket, or where no answer can gain more.
    """
    path: list[PlanStep] = []
    exact, current = pillar.exact, dict(answers)
    while not path or not path[-1].crosses:
        candidates = _ranked_candidates(spec, pillar.key, current, exact, next_bucket, shares)
        if not candidates:
            break
        best = candidates[0]
        path.append(best.step)
        exact, current = best.exact, best.answers
    return tuple(path)


def _ranked_candidates(
    spec: BankSpec,
    pillar_key: str,
    answers: Mapping[str, object],
    exact: Fraction,
    next_bucket: BucketSpec,
    shares: Mapping[tuple[int, int], int],
) -> list[_Candidate]:
    """Every next-rung change that raises the pillar: biggest gain first, then the option more
    peers one bucket up chose, then bank order."""
    before = round_half_up(exact)
    candidates = []
    current = PillarSum.of(spec=spec, pillar_key=pillar_key, answers=answers)
    for question in pillar_questions(spec, pillar_key):
        for rung in _rungs(spec, question, answers):
            found = []
            for option, value, replaced in rung:
                changed = {**answers, str(question.number): value}
                reached = current.exact_with(spec, question, value)
                if reached <= exact:
                    continue
                score = round_half_up(reached)
                step = PlanStep(
                    question_number=question.number,
                    question_text=question.text,
                    option_code=option.code,
                    option_text=option.text,
                    replaces=tuple(old.text for old in replaced),
                    score=score,
                    gain=score - before,
                    crosses=score >= next_bucket.lower_bound,
                    reaches=bucket_for(score, spec.buckets),
                    share=shares.get((question.number, option.code)),
                )
                found.append(_Candidate(step, reached, changed))
            if found:  # the lowest rung that lifts the pillar; none above it
                candidates.extend(found)
                break
    # sorted() is stable, so equal gains and shares keep the bank's question and option order.
    return sorted(candidates, key=_rank)


def _rank(candidate: _Candidate) -> tuple[Fraction, int]:
    share = candidate.step.share
    return -candidate.exact, -(share if share is not None else -1)


def _best_per_question(candidates: list[_Candidate]) -> list[_Candidate]:
    """Only each question's biggest lift: a list of the same question's options says less."""
    seen: set[int] = set()
    best = []
    for candidate in candidates:
        if candidate.step.question_number not in seen:
            seen.add(candidate.step.question_number)
            best.append(candidate)
    return best


Change = tuple[OptionSpec, object, tuple[OptionSpec, ...]]


def _rungs(
    spec: BankSpec, question: QuestionSpec, answers: Mapping[str, object]
) -> list[list[Change]]:
    """The changes of one question, by rung, lowest first: each (option to choose, the answer
    it makes, the options it replaces). A `sum` question has one rung: any one more option."""
    value = answers.get(str(question.number))
    chosen = () if value is None else chosen_options(question, value, bank=bank_label(spec))
    unchosen = [option for option in question.options if option not in chosen]
    if question.kind == Kind.SINGLE:
        changes: list[Change] = [(option, option.code, chosen) for option in unchosen]
    else:
        kept = [option for option in chosen if not option.exclusive]
        dropped = tuple(option for option in chosen if option.exclusive)
        changes = [
            (option, _in_bank_order(question, [*kept, option]), dropped)
            for option in unchosen
            if not option.exclusive
        ]
    if question.kind == Kind.MULTI and question.scoring == Scoring.SUM:
        return [changes]
    held = max((option_points(question, option) for option in chosen), default=None)
    by_points: dict[Fraction, list[Change]] = {}
    for change in changes:
        points = option_points(question, change[0])
        if held is None or points > held:
            by_points.setdefault(points, []).append(change)
    return [by_points[points] for points in sorted(by_points)]


def _in_bank_order(question: QuestionSpec, options: list[OptionSpec]) -> list[int]:
    return [option.code for option in question.options if option in options]
