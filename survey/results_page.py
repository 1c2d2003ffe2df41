"""What the results page shows, gathered once: the summary at its top and the peer table.

The page reads the response's kept scores and its kept comparison; nothing here computes a
statistic. The summary picks its pillars and steps through `scoring.priorities`, as the report
does, so the page and the PDF start in the same place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benchmarks.groups import Comparison, GroupComparison, MetricStats
from reports.sections import standing_for
from responses.selectors import PillarResult, Results
from scoring.kpis import BENCHMARKED_KPIS
from scoring.priorities import NextStep, most_valuable_steps, pillar_extremes
from scoring.standing import rank_text
from teams.panel import TeamPanel, team_panel_for


@dataclass(frozen=True, slots=True)
class Summary:
    strongest: tuple[PillarResult, ...]
    weakest: tuple[PillarResult, ...]
    next_steps: tuple[NextStep, ...]
    team: TeamPanel | None = None  # the team box (templates/survey/includes/team.html)


def results_summary(results: Results) -> Summary:
    """The top of the page, and the team box: read here so that the page's one view gathers
    it too (`team_panel_for` also settles a team membership pending since completion)."""
    strongest, weakest = pillar_extremes(results.pillars)
    plans = [pillar.plan for pillar in results.pillars if pillar.plan is not None]
    return Summary(
        strongest=strongest,
        weakest=weakest,
        next_steps=most_valuable_steps(plans),
        team=team_panel_for(response=results.response),
    )


@dataclass(frozen=True, slots=True)
class PeerCell:
    """One group's numbers for one score or KPI, as printed (a KPI in its unit: "96 %")."""

    n: int
    p25: str
    median: str
    p75: str
    rank: str  # "higher than 52 % of peers"; "" when the respondent's own value is unknown
    standing: str  # the rank with its quartile where higher is better (scoring.standing)


@dataclass(frozen=True, slots=True)
class PeerRow:
    """One score or KPI across the shown groups: the respondent's value, then each group's
    numbers (None where fewer than K of the group's peers know that KPI)."""

    label: str
    yours: str | None  # as shown; None when the respondent did not know it
    cells: tuple[PeerCell | None, ...]
    is_kpi: bool = False
    emphasis: bool = False


@dataclass(frozen=True, slots=True)
class PeerTable:
    shown: tuple[GroupComparison, ...]
    withheld: tuple[GroupComparison, ...]
    rows: tuple[PeerRow, ...]


def peer_table(
    *,
    comparison: Comparison,
    overall: Decimal,
    pillars: Sequence[tuple[str, str, Decimal]],
    kpi_values: Mapping[str, Decimal | None],
) -> PeerTable:
    """Every peer group side by side: one row per score and KPI, one column per shown group.
    `pillars`: (key, name, score) in bank order; `kpi_values`: the kept KPIs by key."""
    shown = tuple(group for group in comparison.groups if group.enough_peers)
    withheld = tuple(group for group in comparison.groups if not group.enough_peers)
    rows = [
        PeerRow(
            _("Overall"),
            _score(overall),
            tuple(_cell(group.overall, _score) for group in shown),
            emphasis=True,
        )
    ]
    rows += [
        PeerRow(
            name,
            _score(score),
            tuple(_cell((group.pillars or {}).get(key), _score) for group in shown),
        )
        for key, name, score in pillars
    ]
    rows += [
        PeerRow(
            kpi.heading,
            kpi.shown(kpi_values.get(kpi.key)),
            tuple(
                _cell((group.kpis or {}).get(kpi.key), kpi.shown, kpi_key=kpi.key)
                for group in shown
            ),
            is_kpi=True,
        )
        for kpi in BENCHMARKED_KPIS
    ]
    return PeerTable(shown=shown, withheld=withheld, rows=tuple(rows))


def results_peer_table(*, comparison: Comparison, results: Results) -> PeerTable:
    return peer_table(
        comparison=comparison,
        overall=results.overall,
        pillars=[(pillar.key, pillar.name, pillar.score) for pillar in results.pillars],
        kpi_values=results.kpi_values,
    )


def _cell(
    stats: MetricStats | None,
    shown: Callable[[Decimal], str | None],
    *,
    kpi_key: str | None = None,
) -> PeerCell | None:
    if stats is None:
        return None
    rank = stats.percentile_rank
    return PeerCell(
        n=stats.n,
        p25=shown(stats.p25) or "",
        median=shown(stats.median) or "",
        p75=shown(stats.p75) or "",
        rank="" if rank is None else rank_text(rank),
        standing=standing_for(stats, kpi_key=kpi_key),
    )


def _score(value: Decimal) -> str:
    """A score as people read it in the page's language: "72.50", "72,50"."""
    return number_format(value, decimal_pos=2, use_l10n=True)
