"""Scoring one response exactly (SCORING.md §1–2): question scores, pillar scores, buckets.

Everything is a `Fraction` until the one rounding step, half up, to 2 decimals. Nothing here
names a question or a pillar: the bank spec says which questions count where, and how.

Answers are stored as a dict keyed by str(question number): a single question's value is one
option code, a multi question's a list of option codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from scoring.bank import MAX_POINTS, BankSpec, BucketSpec, Kind, OptionSpec, QuestionSpec, Scoring
from scoring.errors import ScoringError
from scoring.kpis import Kpis, kpis_from_answers
from scoring.rounding import round_half_up
from scoring.words import gettext

AnswerValue = str | int | float | list[int] | None


@dataclass(frozen=True, slots=True)
class PillarScore:
    key: str
    name: str
    exact: Fraction
    score: Decimal
    bucket: BucketSpec


@dataclass(frozen=True, slots=True)
class ResponseScores:
    pillars: tuple[PillarScore, ...]
    overall_exact: Fraction
    overall: Decimal
    overall_bucket: BucketSpec
    kpis: Kpis

    def pillar(self, key: str) -> PillarScore:
        found = next((pillar for pillar in self.pillars if pillar.key == key), None)
        if found is None:
            raise KeyError(key)
        return found


def bank_label(spec: BankSpec) -> str:
    return f"bank {spec.key} v{spec.version}"


def chosen_options(
    question: QuestionSpec, value: object, *, bank: str | None = None
) -> tuple[OptionSpec, ...]:
    """The options an answer chose, in bank order, or ScoringError if it is not a valid choice.

    `bank` (see bank_label) only words the message for an unknown option code.
    """
    if question.kind == Kind.SINGLE:
        codes = [value] if _is_code(value) else None
    elif question.kind == Kind.MULTI:
        codes = list(value) if isinstance(value, list | tuple) else None
    else:
        raise ScoringError(question.number, f"{question.kind} questions cannot be scored")
    if codes is None or not all(_is_code(code) for code in codes):
        if question.kind == Kind.SINGLE:
            wrong = gettext("expected one option code, got %(value)s")
        else:
            wrong = gettext("expected a list of option codes, got %(value)s")
        raise ScoringError(question.number, wrong % {"value": f"{value!r:.60}"})
    if not codes:
        raise ScoringError(question.number, gettext("no option chosen; choose at least one"))
    known = {option.code for option in question.options}
    unknown = next((code for code in codes if code not in known), None)
    if unknown is not None:
        if bank:
            # Translators: %(bank)s names a question bank and its version: "bank cspi v3".
            problem = gettext("option %(code)s is not in %(bank)s") % {
                "code": unknown,
                "bank": bank,
            }
        else:
            problem = gettext("option %(code)s is not in this question's options") % {
                "code": unknown
            }
        raise ScoringError(question.number, problem)
    chosen_codes = set(codes)
    chosen = tuple(option for option in question.options if option.code in chosen_codes)
    exclusive = next((option for option in chosen if option.exclusive), None)
    if exclusive is not None and len(chosen) > 1:
        # Translators: %(option)s is an answer option such as "None of these".
        problem = gettext("“%(option)s” cannot be combined with other options") % {
            "option": exclusive.text
        }
        raise ScoringError(question.number, problem)
    return chosen


def question_score(question: QuestionSpec, value: object, *, bank: str | None = None) -> Fraction:
    """The question's score in 0..1 (SCORING.md §1) for a stored answer value."""
    chosen = chosen_options(question, value, bank=bank)
    points = [option_points(question, option) for option in chosen]
    if question.scoring == Scoring.SUM:
        return sum(points, Fraction(0)) / question_points_total(question)
    if question.scoring in (Scoring.SINGLE, Scoring.MAX):
        return max(points) / Fraction(MAX_POINTS)
    raise ScoringError(question.number, "the question has no scoring rule")


@lru_cache(maxsize=8192)
def _question_score_of(question: QuestionSpec, value: object, bank: str) -> Fraction:
    """`question_score`, remembered: a plan scores the same answers again and again while it
    tries one change at a time (the bank's specs are frozen, so a question is its own key)."""
    return question_score(question, list(value) if isinstance(value, tuple) else value, bank=bank)


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def option_points(question: QuestionSpec, option: OptionSpec) -> Fraction:
    if option.points is None:
        raise ScoringError(question.number, f"option {option.code} has no points")
    return Fraction(option.points)


def question_points_total(question: QuestionSpec) -> Fraction:
    """What all options of a `sum` question add up to: the divisor of its score."""
    total = sum((option_points(question, option) for option in question.options), Fraction(0))
    if total <= 0:
        raise ScoringError(question.number, "its options add up to 0 points")
    return total


def pillar_questions(spec: BankSpec, pillar_key: str) -> tuple[QuestionSpec, ...]:
    return tuple(question for question in spec.questions if question.pillar == pillar_key)


def pillar_exact(*, spec: BankSpec, pillar_key: str, answers: Mapping[str, object]) -> Fraction:
    """100 × the weighted mean of the pillar's question scores, exact (`PillarSum`)."""
    return PillarSum.of(spec=spec, pillar_key=pillar_key, answers=answers).exact


@dataclass(frozen=True, slots=True)
class PillarSum:
    """A pillar's weighted sum of question scores and its total weight, kept by question, so
    that a plan can try one changed answer without scoring the whole pillar again.

    An optional question left unanswered (absent or None) is left out of the mean rather than
    counted as 0: the respondent did not say, so it neither lowers nor raises the pillar.
    A required one left unanswered cannot be scored.
    """

    weighted: Fraction
    weights: Fraction
    terms: dict[int, tuple[Fraction, Fraction]]  # question number → (weight, score), answered

    @classmethod
    def of(cls, *, spec: BankSpec, pillar_key: str, answers: Mapping[str, object]) -> PillarSum:
        bank = bank_label(spec)
        questions = pillar_questions(spec, pillar_key)
        if not questions:
            raise ValueError(f"Pillar '{pillar_key}' of {bank} has no question.")
        terms = {}
        for question in questions:
            value = answers.get(str(question.number))
            if value is None:
                if question.required:
                    raise ScoringError(
                        question.number, gettext("no answer, and the question is required")
                    )
                continue
            score = _question_score_of(question, _hashable(value), bank)
            terms[question.number] = (Fraction(question.weight), score)
        if not terms:
            problem = gettext("no question of pillar '%(pillar)s' is answered") % {
                "pillar": pillar_key
            }
            raise ScoringError(questions[0].number, problem)
        weighted = sum((weight * score for weight, score in terms.values()), Fraction(0))
        weights = sum((weight for weight, _ in terms.values()), Fraction(0))
        return cls(weighted, weights, terms)

    @property
    def exact(self) -> Fraction:
        return 100 * self.weighted / self.weights

    def exact_with(self, spec: BankSpec, question: QuestionSpec, value: object) -> Fraction:
        """The pillar's exact score with `question` answered `value` instead."""
        weight = Fraction(question.weight)
        score = _question_score_of(question, _hashable(value), bank_label(spec))
        old_weight, old_score = self.terms.get(question.number, (Fraction(0), Fraction(0)))
        weighted = self.weighted - old_weight * old_score + weight * score
        return 100 * weighted / (self.weights - old_weight + weight)


def bucket_above(bucket: BucketSpec, buckets: Sequence[BucketSpec]) -> BucketSpec | None:
    """The next bucket up from `bucket`; None from the top one."""
    higher = [other for other in buckets if other.lower_bound > bucket.lower_bound]
    return min(higher, key=lambda other: other.lower_bound, default=None)


def bucket_for(score: Decimal, buckets: tuple[BucketSpec, ...]) -> BucketSpec:
    """The bucket whose lower bound (inclusive) is the highest not above the rounded score."""
    below = [bucket for bucket in buckets if bucket.lower_bound <= score]
    if not below:
        raise ValueError(f"Score {score} is below every bucket.")
    return max(below, key=lambda bucket: bucket.lower_bound)


def response_score(*, spec: BankSpec, answers: Mapping[str, object]) -> ResponseScores:
    """Pillar scores, the overall score (mean of the exact pillar values) and the KPIs."""
    pillars = tuple(
        _pillar_score(spec, pillar.key, pillar.name, answers) for pillar in spec.pillars
    )
    overall_exact = sum((pillar.exact for pillar in pillars), Fraction(0)) / len(pillars)
    overall = round_half_up(overall_exact)
    return ResponseScores(
        pillars=pillars,
        overall_exact=overall_exact,
        overall=overall,
        overall_bucket=bucket_for(overall, spec.buckets),
        kpis=kpis_from_answers(spec=spec, answers=answers),
    )


def _pillar_score(
    spec: BankSpec, key: str, name: str, answers: Mapping[str, object]
) -> PillarScore:
    exact = pillar_exact(spec=spec, pillar_key=key, answers=answers)
    score = round_half_up(exact)
    return PillarScore(key, name, exact, score, bucket_for(score, spec.buckets))


def _is_code(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
