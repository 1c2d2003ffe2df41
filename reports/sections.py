"""The report's sections the results page shows too: the pillar radar, the KPIs to start
tracking and the revenue at stake, each built once here from the response's results and its kept
comparison, for the PDF (reports/document.py) and the page (the `*_context` functions, which a
results view merges into its context for templates/survey/includes/radar.html,
kpis_to_track.html and revenue_at_stake.html).

Every text is plain and escaped where it is rendered, written in the active language; the radar
is SVG markup whose texts reports/charts.py escapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markupsafe import Markup

from benchmarks.groups import Comparison, GroupComparison, MetricStats
from reports.charts import BucketBand, pillar_radar_svg
from responses.selectors import PillarResult, Results
from scoring.bank import BucketSpec
from scoring.kpis import KPIS, Direction, Kpi
from scoring.revenue import (
    ILLUSTRATION,
    RATE_KPIS,
    REVENUE_FORMULA,
    RevenueAtStake,
    arr_band_parsed,
    money_text,
    revenue_at_stake,
)
from scoring.standing import standing_text
from scoring.tracking import kpis_measured, kpis_to_track


class KeptComparison(Protocol):
    """What these sections need of a kept comparison (benchmarks' StoredBenchmark)."""

    @property
    def comparison(self) -> Comparison: ...

    @property
    def k(self) -> int: ...


def standing_for(stats: MetricStats, *, kpi_key: str | None = None) -> str:
    """Where the respondent stands in a group, in words: "higher than 75 % of peers, top
    quartile" for a score (`kpi_key` None) or a KPI where higher is better, the rank alone for
    one where it is not (customers per CSM); "" when their own figure is unknown."""
    direction = KPIS[kpi_key].direction if kpi_key else Direction.HIGHER_IS_BETTER
    return standing_text(
        percentile_rank=stats.percentile_rank,
        direction=direction,
        quartile=stats.band.label if stats.band else None,
    )


# --- The radar --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RadarRow:
    """One spoke of the radar, as its data table prints it."""

    pillar: str
    yours: Decimal
    bucket: BucketSpec
    median: Decimal | None  # None: no peer median shown
    target: BucketSpec | None  # the bucket set as target; drawn at its lower bound


@dataclass(frozen=True, slots=True)
class Radar:
    svg: Markup
    rows: tuple[RadarRow, ...]
    group: GroupComparison | None  # whose median is drawn; None: no median
    has_target: bool

    @property
    def caption(self) -> str:
        if self.group is None:
            if self.has_target:
                return _("Your pillar scores from 0 to 100 and your targets")
            return _("Your pillar scores from 0 to 100")
        values = {"num": self.group.n, "group": self.group.label}
        if self.has_target:
            return (
                ngettext(
                    "Your pillar scores from 0 to 100, the median of %(num)s peer (%(group)s) "
                    "and your targets",
                    "Your pillar scores from 0 to 100, the median of %(num)s peers (%(group)s) "
                    "and your targets",
                    self.group.n or 0,
                )
                % values
            )
        return (
            ngettext(
                "Your pillar scores from 0 to 100, the median of %(num)s peer (%(group)s)",
                "Your pillar scores from 0 to 100, the median of %(num)s peers (%(group)s)",
                self.group.n or 0,
            )
            % values
        )


def _radar_title(*, with_median: bool, has_target: bool) -> str:
    if with_median and has_target:
        return _("Your pillar scores against the peer median and your targets")
    if with_median:
        return _("Your pillar scores against the peer median")
    if has_target:
        return _("Your pillar scores and your targets")
    return _("Your pillar scores")


def radar_build(
    *,
    pillars: Sequence[PillarResult],
    buckets: Sequence[BucketSpec],
    group: GroupComparison | None,
    targets: Mapping[str, str] | None = None,
) -> Radar:
    """The pillars against `group`'s medians (None: no median) and the `targets` (pillar key →
    bucket key; a key the bank no longer has is left out)."""
    by_key = {bucket.key: bucket for bucket in buckets}
    medians = group.pillars if group is not None and group.pillars is not None else None
    rows = tuple(
        RadarRow(
            pillar=pillar.name,
            yours=pillar.score,
            bucket=pillar.bucket,
            median=medians[pillar.key].median if medians and pillar.key in medians else None,
            target=by_key.get((targets or {}).get(pillar.key, "")),
        )
        for pillar in pillars
    )
    with_median = bool(rows) and all(row.median is not None for row in rows)
    has_target = any(row.target is not None for row in rows)
    svg = pillar_radar_svg(
        axes=[row.pillar for row in rows],
        respondent=[row.yours for row in rows],
        bands=[BucketBand(bucket.name, bucket.lower_bound) for bucket in buckets],
        title=_radar_title(with_median=with_median, has_target=has_target),
        peer_median=[row.median for row in rows if row.median is not None] if with_median else None,
        target=[row.target.lower_bound if row.target else None for row in rows]
        if has_target
        else None,
    )
    return Radar(svg, rows, group if with_median else None, has_target)


def radar_context(
    *,
    results: Results,
    benchmark: KeptComparison | None,
    targets: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """For templates/survey/includes/radar.html: `radar`, against the lead group's medians."""
    group = benchmark.comparison.lead if benchmark is not None else None
    radar = radar_build(
        pillars=results.pillars, buckets=results.spec.buckets, group=group, targets=targets
    )
    return {"radar": radar}


# --- KPIs to start tracking -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackingGroup:
    """KPIs to start tracking for one reason: a weak pillar, or (`pillar` None) the survey's
    own figures the respondent does not measure yet."""

    pillar: PillarResult | None
    kpis: tuple[Kpi, ...]


@dataclass(frozen=True, slots=True)
class Tracking:
    groups: tuple[TrackingGroup, ...]
    measured: tuple[Kpi, ...]  # what the answers say is measured already, registry order

    @property
    def all_top(self) -> bool:
        """Nothing to add: every pillar is in the top bucket and every figure is measured."""
        return not self.groups


def tracking_build(*, results: Results) -> Tracking:
    answers = results.response.answers
    measured = kpis_measured(spec=results.spec, answers=answers, kpi_values=results.kpi_values)
    weakest = sorted((p for p in results.pillars if p.plan is not None), key=lambda p: p.score)
    by_key = {pillar.key: pillar for pillar in results.pillars}
    advice = kpis_to_track(weakest_first=[pillar.key for pillar in weakest], measured=measured)
    return Tracking(
        groups=tuple(
            TrackingGroup(by_key[item.pillar_key] if item.pillar_key else None, item.kpis)
            for item in advice
        ),
        measured=tuple(kpi for key, kpi in KPIS.items() if key in measured),
    )


def kpis_to_track_context(*, results: Results) -> dict[str, Any]:
    """For templates/survey/includes/kpis_to_track.html: `tracking`."""
    return {"tracking": tracking_build(results=results)}


# --- Revenue at stake -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevenueSection:
    """The illustration, or why there is none (`withheld`, a sentence); its label and formula
    in the language it is built in (scoring.revenue marks them for the catalogues)."""

    stake: RevenueAtStake | None
    withheld: str
    group: GroupComparison | None
    label: str = field(default_factory=lambda: _(ILLUSTRATION))
    formula: str = field(default_factory=lambda: _(REVENUE_FORMULA))

    @property
    def figure_text(self) -> str:
        return money_text(self.stake.band.figure) if self.stake else ""

    @property
    def rows(self) -> tuple[tuple[int, str, str, str], ...]:
        """Year, kept at your rate, kept at the median's, the gap: as printed."""
        if self.stake is None:
            return ()
        sign = 1 if self.stake.behind else -1  # at or above the median: what falling costs
        return tuple(
            (
                year.year,
                money_text(year.at_yours),
                money_text(year.at_median),
                money_text(sign * year.gap),
            )
            for year in self.stake.years
        )

    @property
    def total_text(self) -> str:
        if self.stake is None:
            return ""
        total = self.stake.total_gap
        return money_text(total if self.stake.behind else -total)


def revenue_build(
    *, results: Results, group: GroupComparison | None, k: int | None
) -> RevenueSection:
    """Against `group` (the lead group; None with `k` None: no comparison yet): the first of
    NRR and retention that the respondent gave and the group's peers show a median for."""
    band_label = results.response.arr_band  # kept at completion, as the peer groups read it
    band = arr_band_parsed(band_label) if band_label else None
    if band is None:
        return RevenueSection(
            None, _("Without your ARR band there is no revenue to illustrate."), None
        )
    if k is None:
        return RevenueSection(None, _("No peer comparison is available yet."), None)
    if group is None or group.kpis is None:
        reason = ngettext(
            "No peer group has %(num)d peer or more yet.",
            "No peer group has %(num)d peers or more yet.",
            k,
        ) % {"num": k}
        return RevenueSection(None, reason, None)
    for key in RATE_KPIS:
        yours, stats = results.kpi_values.get(key), group.kpis.get(key)
        if yours is not None and stats is not None:
            stake = revenue_at_stake(band=band, kpi_key=key, yours=yours, median=stats.median)
            return RevenueSection(stake, "", group)
    if all(results.kpi_values.get(key) is None for key in RATE_KPIS):
        reason = _("You gave neither net revenue retention nor customer retention.")
    else:
        reason = ngettext(
            "Fewer than %(num)d peer of %(group)s gave the same figure as you.",
            "Fewer than %(num)d peers of %(group)s gave the same figure as you.",
            k,
        ) % {"num": k, "group": group.label}
    return RevenueSection(None, reason, group)


def revenue_at_stake_context(
    *, results: Results, benchmark: KeptComparison | None
) -> dict[str, Any]:
    """For templates/survey/includes/revenue_at_stake.html: `revenue`."""
    group = benchmark.comparison.lead if benchmark is not None else None
    k = benchmark.k if benchmark is not None else None
    return {"revenue": revenue_build(results=results, group=group, k=k)}
