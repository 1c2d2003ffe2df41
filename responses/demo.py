"""Plausible synthetic responses for demos and trials (`manage.py seed_demo`).

Generating answers is pure: a bank spec and a seed in, answer sets out, the same for the same
seed. Nothing names a question: profile and KPI questions are found by their role, scored ones
by their options' points. Each respondent gets a latent maturity (0..1) that grows with the
company's ARR band, plus noise; each pillar varies around it, and the options whose points sit
near the pillar's maturity are the likeliest, so scores spread over every bucket and rise with
size. KPIs follow maturity, and some are "unknown" where the bank allows it.

`demo_responses_create` stores them as completed, demo-flagged responses with their scores,
exactly as completing a survey stores them, in batches.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from responses.answers import AnswerValue, answers_unanswered
from responses.kept_scores import scores_keep
from responses.models import QuestionBank, Response
from responses.organisation_keys import organisation_fields, organisation_rules
from responses.selectors import bank_spec_for
from responses.services import profile_for_peer_groups
from scoring.bank import MAX_POINTS, BankSpec, Kind, OptionSpec, QuestionSpec, Scoring
from scoring.scores import ResponseScores, response_score

DEMO_DOMAIN = "demo.cspi.invalid"
# Each demo respondent is an organisation of its own (peers are organisations).
DEMO_EMAIL = re.compile(r"^cs-lead@demo-(\d+)\." + re.escape(DEMO_DOMAIN) + "$")
PROFILE_ROLES = ("industry", "arr_band", "region")
HISTORY = timedelta(days=600)  # completion times spread over 20 months, inside the window
UNKNOWN_SHARE = 0.1  # of the answers that may be "unknown", this share is
OPTIONAL_SKIPPED_SHARE = 0.1
MATURITY_NOISE = 0.15  # between respondents of one ARR band
PILLAR_NOISE = 0.12  # between one respondent's pillars
CHOICE_SPREAD = 0.18  # how far from the pillar's maturity a chosen option's points stray
BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class DemoRespondent:
    number: int
    email: str
    completed_at: datetime
    answers: dict[str, AnswerValue]


@dataclass(frozen=True, slots=True)
class _Profile:
    """One respondent's drawn profile: option codes by role, and what follows from them."""

    codes: dict[str, int]
    size: float  # the ARR band's place among the bands, 0 (smallest) .. 1 (largest)
    maturity: float


def demo_respondents(
    *, spec: BankSpec, count: int, seed: int, min_group: int, first_number: int, now: datetime
) -> list[DemoRespondent]:
    """`count` respondents with complete, valid answers for `spec`.

    Every option of the industry, ARR band and region questions gets at least `min_group`
    respondents when `count` allows it (count ≥ min_group × that question's options), so every
    peer group can show statistics; the rest follow a natural spread.
    """
    rng = random.Random(seed)
    profiles = _profiles(rng, spec, count, min_group)
    respondents = []
    for index, profile in enumerate(profiles):
        number = first_number + index
        email = f"cs-lead@demo-{number:06d}.{DEMO_DOMAIN}"
        completed_at = now - timedelta(seconds=rng.uniform(0, HISTORY.total_seconds()))
        answers = _answers(rng, spec, profile, number, email)
        respondents.append(DemoRespondent(number, email, completed_at, answers))
    return respondents


def _profiles(rng: random.Random, spec: BankSpec, count: int, min_group: int) -> list[_Profile]:
    codes_by_role: dict[str, list[int]] = {}
    for role in PROFILE_ROLES:
        question = spec.question_for_role(role)
        if question is not None and question.options:
            weights = _band_weights(question) if role == "arr_band" else _natural_weights(question)
            codes_by_role[role] = _spread(rng, question, weights, count, min_group)
    band = spec.question_for_role("arr_band")
    sizes = _band_sizes(band) if band is not None else {}
    profiles = []
    for index in range(count):
        codes = {role: codes[index] for role, codes in codes_by_role.items()}
        size = sizes.get(codes.get("arr_band", -1), 0.5)
        maturity = _clip(0.22 + 0.5 * size + rng.gauss(0, MATURITY_NOISE), 0.02, 0.98)
        profiles.append(_Profile(codes, size, maturity))
    return profiles


def _spread(
    rng: random.Random, question: QuestionSpec, weights: list[float], count: int, min_group: int
) -> list[int]:
    """Option codes for `count` respondents: `min_group` of each first when there is room."""
    codes = [option.code for option in question.options]
    drawn = []
    if count >= min_group * len(codes):
        drawn = [code for code in codes for _ in range(min_group)]
    drawn += rng.choices(codes, weights=weights, k=count - len(drawn))
    rng.shuffle(drawn)
    return drawn


def _natural_weights(question: QuestionSpec) -> list[float]:
    """Banks list the commonest options first (North America, Software and SaaS, ...)."""
    return [1 / (1 + 0.25 * position) for position in range(len(question.options))]


def _band_weights(question: QuestionSpec) -> list[float]:
    """Many more small and mid-sized companies than very large ones."""
    sizes = _band_sizes(question)
    return [math.exp(-((sizes[o.code] - 0.35) ** 2) / (2 * 0.3**2)) for o in question.options]


_AMOUNT = re.compile(r"\$\s*(\d[\d,]*(?:\.\d+)?)\s*([KMBT]?)", re.IGNORECASE)
_SCALE = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def _band_sizes(question: QuestionSpec) -> dict[int, float]:
    """Each ARR band's place from smallest (0) to largest (1), read from the amounts in its text
    ("$5M – $10M", "More than $1B"); in the bank's order when a text names no amount."""
    amounts = {option.code: _band_amount(option) for option in question.options}
    ordered = list(question.options)
    if None not in amounts.values():
        ordered.sort(key=lambda option: amounts[option.code] or 0.0)
    last = max(len(ordered) - 1, 1)
    return {option.code: place / last for place, option in enumerate(ordered)}


def _band_amount(option: OptionSpec) -> float | None:
    amounts = [
        float(number.replace(",", "")) * _SCALE[unit.upper()]
        for number, unit in _AMOUNT.findall(option.text)
    ]
    if not amounts:
        return None
    amount = math.prod(amounts) ** (1 / len(amounts))  # the geometric middle of a range
    text = option.text.lower()
    if "less" in text or "under" in text or "<" in text:
        amount /= 2
    elif "more" in text or "over" in text or ">" in text or "+" in text:
        amount *= 2
    return amount


def _answers(
    rng: random.Random, spec: BankSpec, profile: _Profile, number: int, email: str
) -> dict[str, AnswerValue]:
    pillar_maturity = {
        pillar.key: _clip(profile.maturity + rng.gauss(0, PILLAR_NOISE), 0.0, 1.0)
        for pillar in spec.pillars
    }
    kpis = _kpi_values(rng, profile)
    answers: dict[str, AnswerValue] = {}
    for question in spec.questions:
        if question.pillar is not None:
            answers[str(question.number)] = _scored_choice(
                rng, question, pillar_maturity[question.pillar]
            )
            continue
        if not question.required and rng.random() < OPTIONAL_SKIPPED_SHARE:
            continue
        answers[str(question.number)] = _profile_answer(rng, question, profile, kpis, number, email)
    return answers


def _profile_answer(
    rng: random.Random,
    question: QuestionSpec,
    profile: _Profile,
    kpis: dict[str, float],
    number: int,
    email: str,
) -> AnswerValue:
    code = profile.codes.get(question.role or "")
    if code is not None:
        return code
    if question.kind == Kind.SINGLE:
        return rng.choices(question.options, weights=_natural_weights(question))[0].code
    if question.kind == Kind.MULTI:
        return [rng.choice(question.options).code]
    if question.kind == Kind.EMAIL:
        return email
    if question.kind == Kind.TEXT:
        text = f"Demo respondent {number:06d}" if question.role == "name" else "Demo answer"
        return text[: question.max_length] if question.max_length else text
    if question.unknown_allowed and rng.random() < UNKNOWN_SHARE:
        return None
    return _number(rng, question, kpis)


def _number(rng: random.Random, question: QuestionSpec, kpis: dict[str, float]) -> int:
    """A KPI by its role, or anything within the bounds; always whole, always within them."""
    low = math.ceil(question.min_value) if question.min_value is not None else 0
    high = math.floor(question.max_value) if question.max_value is not None else max(low, 100)
    value = kpis.get(question.role or "")
    if value is None:
        value = rng.uniform(low, min(high, low + 100))
    return int(_clip(round(value), low, high))


def _kpi_values(rng: random.Random, profile: _Profile) -> dict[str, float]:
    """KPIs that move with maturity: NRR and retention share one noise term, as they do."""
    lift = profile.maturity - 0.45
    shared = rng.gauss(0, 1)
    customers = 10 ** _clip(1.5 + 2.5 * profile.size + rng.gauss(0, 0.4), 0.5, 6.0)
    customers_per_csm = 10 ** _clip(1.5 + rng.gauss(0, 0.35), 0.6, 2.8)
    return {
        "nrr": _clip(100 + 30 * lift + 5 * shared + rng.gauss(0, 5), 80, 130),
        "retention": _clip(86 + 16 * lift + 3 * shared + rng.gauss(0, 3), 70, 98),
        "nps": _clip(25 + 60 * lift + rng.gauss(0, 14), -20, 70),
        "customers": round(customers),
        "csms": max(1, round(customers / customers_per_csm)),
    }


def _scored_choice(rng: random.Random, question: QuestionSpec, maturity: float) -> AnswerValue:
    """A choice whose points follow the pillar's maturity (option codes in the bank's order)."""
    if question.kind == Kind.MULTI and question.scoring == Scoring.SUM:
        return _breadth(rng, question, maturity)
    target = _clip(maturity + rng.gauss(0, 0.05), 0.0, 1.0)
    weights = [
        math.exp(-(((_points(option) / float(MAX_POINTS)) - target) ** 2) / (2 * CHOICE_SPREAD**2))
        for option in question.options
    ]
    top = rng.choices(question.options, weights=weights)[0]
    if question.kind == Kind.SINGLE:
        return top.code
    # A ladder (`max`): the highest rung reached, often with some rungs below it ticked too.
    if top.exclusive:
        return [top.code]
    return [
        option.code
        for option in question.options
        if option is top
        or (not option.exclusive and _points(option) < _points(top) and rng.random() < 0.5)
    ]


def _breadth(rng: random.Random, question: QuestionSpec, maturity: float) -> list[int]:
    """Each option ticked on its own; the higher its points, the more maturity it takes."""
    candidates = [option for option in question.options if not option.exclusive]
    most = max((_points(option) for option in candidates), default=0.0) or 1.0
    chosen = {
        option.code
        for option in candidates
        if rng.random() < maturity ** (0.6 + 0.8 * _points(option) / most)
    }
    if not chosen:
        fallback = min(question.options, key=lambda o: (not o.exclusive, _points(o)))
        chosen = {fallback.code}
    return [option.code for option in question.options if option.code in chosen]


def _points(option: OptionSpec) -> float:
    return float(option.points or 0)


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _scores_checked(*, spec: BankSpec, answers: dict[str, AnswerValue]) -> ResponseScores:
    """The scores of a generated answer set, refusing one the survey itself would not accept."""
    unanswered = answers_unanswered(spec, answers)
    if unanswered:
        numbers = ", ".join(str(question.number) for question in unanswered)
        raise ValueError(f"Demo answers leave required questions unanswered: {numbers}.")
    return response_score(spec=spec, answers=answers)  # ScoringError on an invalid answer


def demo_responses_create(
    *,
    bank: QuestionBank,
    count: int,
    seed: int,
    min_group: int,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Store `count` completed demo responses with their scores; returns how many. Every
    industry, ARR band and region gets `min_group` of them when `count` allows."""
    spec = bank_spec_for(bank=bank)
    respondents = demo_respondents(
        spec=spec,
        count=count,
        seed=seed,
        min_group=min_group,
        first_number=_next_demo_number(),
        now=timezone.now(),
    )
    for start in range(0, count, BATCH_SIZE):
        batch = respondents[start : start + BATCH_SIZE]
        with transaction.atomic():
            _batch_store(bank, spec, batch)
        if on_batch is not None:
            on_batch(len(batch))
    return count


def _next_demo_number() -> int:
    """Demo e-mails stay unique across runs: numbering goes on after the highest one stored."""
    emails = Response.objects.filter(is_demo=True, email__endswith=f".{DEMO_DOMAIN}").values_list(
        "email", flat=True
    )
    numbers = [int(match[1]) for email in emails if (match := DEMO_EMAIL.match(email))]
    return max(numbers, default=0) + 1


def _batch_store(bank: QuestionBank, spec: BankSpec, batch: Sequence[DemoRespondent]) -> None:
    scores = [_scores_checked(spec=spec, answers=respondent.answers) for respondent in batch]
    rules = organisation_rules()
    responses = Response.objects.bulk_create(
        Response(
            bank=bank,
            status=Response.Status.COMPLETED,
            is_demo=True,
            answers=r.answers,
            email=r.email,
            completed_at=r.completed_at,
            **profile_for_peer_groups(spec, r.answers),
            **organisation_fields(r.email, rules),
        )
        for r in batch
    )
    # Saving stamps them as made now; a demo response was started and saved when it completed.
    Response.objects.filter(pk__in=[response.pk for response in responses]).update(
        created_at=F("completed_at"), updated_at=F("completed_at")
    )
    scores_keep(
        bank=bank,
        scored=[
            (response.pk, s, r.completed_at)
            for response, r, s in zip(responses, batch, scores, strict=True)
        ],
    )
