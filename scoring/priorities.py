"""Where to start: the strongest and weakest pillars, and the few next steps worth most.

The results page's summary and the report's executive summary both read these, so the page and
the PDF never disagree on which pillar is weakest or which step comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

from scoring.plan import PillarPlan, PlanStep

MOST_VALUABLE_STEPS = 3


class ScoredPillar(Protocol):
    @property
    def score(self) -> Decimal: ...


P = TypeVar("P", bound=ScoredPillar)


def pillar_extremes(pillars: Sequence[P]) -> tuple[tuple[P, ...], tuple[P, ...]]:
    """The pillars with the highest and the lowest score (every one of them on a tie)."""
    if not pillars:
        return (), ()
    top = max(pillar.score for pillar in pillars)
    bottom = min(pillar.score for pillar in pillars)
    return (
        tuple(p for p in pillars if p.score == top),
        tuple(p for p in pillars if p.score == bottom),
    )


@dataclass(frozen=True, slots=True)
class NextStep:
    pillar_key: str
    pillar_name: str
    from_score: Decimal
    step: PlanStep


def most_valuable_steps(
    plans: Sequence[PillarPlan], count: int = MOST_VALUABLE_STEPS
) -> tuple[NextStep, ...]:
    """The first step of each pillar's plan, best first: a step that reaches the next bucket
    before one that does not, then the bigger gain, then the weaker pillar; at most one step per
    pillar, so the list points at `count` different places to start."""
    firsts = [
        NextStep(plan.pillar_key, plan.pillar_name, plan.score, plan.steps[0])
        for plan in plans
        if plan.steps
    ]
    ranked = sorted(
        firsts, key=lambda first: (not first.step.crosses, -first.step.gain, first.from_score)
    )
    return tuple(ranked[:count])
