"""The KPIs to start tracking: what the answers say is measured already, and what to add.

The KPIs themselves (stage, leading or lagging, cadence, the answers that show one is measured)
live in the registry, scoring/kpis.py; this is the rule that picks from it, for the PDF and the
results page alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring.bank import CHOICE_KINDS, BankSpec
from scoring.errors import ScoringError
from scoring.kpis import BENCHMARKED_KPIS, KPIS, TRACK_FOR_PILLAR, TRACKING_KPIS, Kpi
from scoring.scores import chosen_options

# How many of the weakest pillars below the top bucket get KPIs to start tracking.
WEAKEST_PILLARS_ADVISED = 3


@dataclass(frozen=True, slots=True)
class TrackingAdvice:
    """KPIs to start tracking, for one reason: a weak pillar (`pillar_key`), or, with
    `pillar_key` None, the survey's own figures the respondent could not give."""

    pillar_key: str | None
    kpis: tuple[Kpi, ...]


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _evidence_index() -> dict[str, tuple[str, ...]]:
    """Option text (plain) → the KPIs its choice shows are measured."""
    index: dict[str, tuple[str, ...]] = {}
    for kpi in (*BENCHMARKED_KPIS, *TRACKING_KPIS):
        for text in kpi.evidence:
            index[_plain(text)] = (*index.get(_plain(text), ()), kpi.key)
    return index


_EVIDENCE = _evidence_index()


def kpis_measured(
    *, spec: BankSpec, answers: Mapping[str, object], kpi_values: Mapping[str, Decimal | None]
) -> frozenset[str]:
    """The KPIs the respondent measures already: the survey's figures they gave, and those an
    answer option says they track (NPS, feature usage, predictive renewal models…)."""
    measured = {key for key, value in kpi_values.items() if value is not None}
    for question in spec.questions:
        if question.kind not in CHOICE_KINDS or answers.get(str(question.number)) is None:
            continue
        try:
            options = chosen_options(question, answers[str(question.number)])
        except ScoringError:
            continue  # an answer the bank no longer offers says nothing about measuring
        for option in options:
            measured.update(_EVIDENCE.get(_plain(option.text), ()))
    return frozenset(measured)


def kpis_to_track(
    *, weakest_first: Sequence[str], measured: frozenset[str]
) -> tuple[TrackingAdvice, ...]:
    """What to start measuring: first the survey's own figures not measured yet, then, for the
    weakest pillars below the top bucket (`weakest_first`, pillar keys), the KPIs of
    TRACK_FOR_PILLAR not measured yet, each KPI once."""
    seen = set(measured)
    own = tuple(kpi for kpi in BENCHMARKED_KPIS if kpi.key not in seen and kpi.stage)
    advice = [TrackingAdvice(None, own)] if own else []
    seen.update(kpi.key for kpi in own)
    for pillar_key in weakest_first[:WEAKEST_PILLARS_ADVISED]:
        keys = [key for key in TRACK_FOR_PILLAR.get(pillar_key, ()) if key not in seen]
        seen.update(keys)
        if keys:
            advice.append(TrackingAdvice(pillar_key, tuple(KPIS[key] for key in keys)))
    return tuple(advice)
