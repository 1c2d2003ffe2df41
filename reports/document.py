"""Everything the PDF report prints, as plain data: fetched once, then rendered by a template.

`report_document_for` reads the response's stored scores (`response_results`) and takes the
stored peer comparison it is given, exactly as it was computed, then computes the rest in
Python: the cover's profile, the summary's prose, the charts (the radar among them), the peer
lines of every pillar and KPI, the revenue at stake and the KPIs to start tracking (the last
three built by reports/sections.py, which the results page shares). The template only lays it
out. Every text in here is plain (never markup) and is escaped when rendered; the charts are SVG
as `data:` URIs, whose texts reports/charts.py escapes. Texts, numbers and dates are written in
the active language (reports/pdf.py renders under the response's).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from benchmarks.groups import Comparison, GroupComparison, MetricStats
from benchmarks.models import ResponseBenchmark
from benchmarks.outcomes import OutcomeLens
from benchmarks.selectors import benchmark_k, benchmark_window_months
from benchmarks.snapshots import outcome_lens_shown, results_with_peer_roadmap
from benchmarks.stored import comparison_from_json
from reports.charts import (
    Bar,
    BucketBand,
    QuartileRow,
    pillar_bars_svg,
    pillar_peers_svg,
    score_text,
)
from reports.sections import (
    Radar,
    RevenueSection,
    Tracking,
    radar_build,
    revenue_build,
    standing_for,
    tracking_build,
)
from responses.branding import brand_shown_for
from responses.languages import (
    date_text,  # a date as the page's language writes it
    language_active,
)
from responses.models import ConsultantBrand, Response
from responses.selectors import PillarResult, Results, response_results
from scoring.bank import BankSpec, BucketSpec, Kind, QuestionSpec
from scoring.errors import ScoringError
from scoring.kpis import BENCHMARKED_KPIS, Direction, Kpi
from scoring.priorities import pillar_extremes
from scoring.scores import chosen_options
from scoring.standing import standing_text
from scoring.words import number_text

logger = logging.getLogger(__name__)

REPORT_TITLE = gettext_lazy("Customer Success Performance Index — benchmark report")

# The cover's organisation profile, by question role, in this order; other profile questions
# without a role of their own (an admin may add one) follow under their question text.
PROFILE_LABELS = {
    "region": gettext_lazy("Region"),
    "industry": gettext_lazy("Industry"),
    "arr_band": gettext_lazy("Annual recurring revenue"),
    "business_model": gettext_lazy("Business model"),
    "customers": gettext_lazy("Customers"),
    "csms": gettext_lazy("Customer Success Managers"),
    "cs_platform": gettext_lazy("Customer Success platform"),
    "crm": gettext_lazy("CRM platform"),
}
# Printed elsewhere (the KPI page) or not at all (the e-mail address stays out of a document
# meant to be forwarded).
PROFILE_ROLES_ELSEWHERE = frozenset(
    {"name", "title", "email", *(kpi.roles[0] for kpi in BENCHMARKED_KPIS if len(kpi.roles) == 1)}
)

GROUP_LABEL_WIDTH = 210  # room for "Industry: Healthcare and Life Sciences" beside its row


@dataclass(frozen=True, slots=True)
class ProfileItem:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class PeerLine:
    """One peer group's numbers for one score or KPI. Without `stats` it prints `note` instead
    (e.g. "fewer than 5 organisations") and no number of its own."""

    group_key: str
    group_label: str
    stats: MetricStats | None
    note: str = ""
    standing: str = ""  # "higher than 75 % of peers, top quartile" (reports/sections.py)


@dataclass(frozen=True, slots=True)
class PillarSection:
    anchor: str
    pillar: PillarResult
    peers: tuple[PeerLine, ...]
    chart: str | None  # data: URI of the shown groups' quartiles; None when no group is shown


@dataclass(frozen=True, slots=True)
class KpiLine:
    kpi: Kpi
    value: Decimal | None  # None: unknown
    peers: tuple[PeerLine, ...]

    @property
    def display(self) -> str:
        # Translators: a figure the respondent did not know, in the report's KPI tables.
        return self.kpi.shown(self.value) or _("unknown")


@dataclass(frozen=True, slots=True)
class PeerSnapshot:
    """The stored comparison as printed: when, against how many, and which group leads."""

    computed_at: datetime
    k: int
    pool_size: int | None  # None when "all respondents" had fewer than K peers
    comparison: Comparison
    lead: GroupComparison | None  # the widest shown group; None when every group is withheld
    withheld: tuple[GroupComparison, ...]


@dataclass(frozen=True, slots=True)
class ReportDocument:
    title: str
    lang: str
    prepared_for: str
    respondent_title: str
    profile: tuple[ProfileItem, ...]
    completed_at: datetime | None
    generated_at: datetime
    bank_title: str
    bank_version: int
    overall: Decimal
    overall_bucket: BucketSpec
    buckets: tuple[BucketSpec, ...]
    strongest: tuple[PillarResult, ...]
    weakest: tuple[PillarResult, ...]
    summary: tuple[str, ...]  # paragraphs
    overview_chart: str  # data: URI of the SVG
    # Each pillar against the lead group, with where it stands in words.
    overview: tuple[tuple[PillarResult, MetricStats | None, str], ...]
    lead_overall: MetricStats | None
    lead_overall_standing: str
    radar: Radar
    radar_chart: str  # data: URI of radar.svg
    pillars: tuple[PillarSection, ...]
    kpis: tuple[KpiLine, ...]
    revenue: RevenueSection
    tracking: Tracking
    peers: PeerSnapshot | None  # None: no comparison was available
    k: int
    # The pool's outcomes by maturity, as kept with the comparison; None: kept without one.
    outcomes: OutcomeLens | None = None
    window_months: int = 0  # only responses completed within this many months count (0: all)
    # The consultant whose campaign asked for it, as they brand it; None for the public survey.
    prepared_by: PreparedBy | None = None


@dataclass(frozen=True, slots=True)
class PreparedBy:
    """The cover's line "Prepared with …": the consultant's name and firm, their logo (a data:
    URI, the only kind of URL the PDF renderer fetches besides our static files) and colour."""

    consultant: str
    firm: str
    client: str
    logo: str  # data: URI, or ""
    accent: str  # #rrggbb, or ""


def prepared_by_for(*, response: Response) -> PreparedBy | None:
    campaign = response.campaign if response.campaign_id else None
    if campaign is None:
        return None
    owner = campaign.owner
    brand = brand_shown_for(owner)
    consultant = (brand.display_name if brand else "") or owner.get_full_name() or owner.email
    return PreparedBy(
        consultant=consultant,
        firm=brand.firm_name if brand else "",
        client=campaign.client_name,
        logo=_logo_data_uri(brand) if brand else "",
        accent=brand.accent if brand else "",
    )


def _logo_data_uri(brand: ConsultantBrand) -> str:
    if not brand.logo or brand.logo_type not in ALLOWED_LOGO_TYPES:
        return ""
    try:
        with brand.logo.open("rb") as stored:
            data = stored.read()
    except OSError:
        logger.warning("The logo of brand %s could not be read; the cover goes without", brand.pk)
        return ""
    return f"data:{brand.logo_type};base64,{base64.b64encode(data).decode('ascii')}"


ALLOWED_LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}


def report_document_for(
    *,
    response: Response,
    benchmark: ResponseBenchmark | None,
    now: datetime | None = None,
    targets: Mapping[str, str] | None = None,
) -> ReportDocument:
    """The report of a completed response, with `benchmark` (the stored comparison to print;
    None when there is none) exactly as it was computed, and the pillars' `targets` (pillar key
    → bucket key, as roadmaps.selectors.targets_for gives them) drawn on the radar."""
    results = results_with_peer_roadmap(
        results=response_results(response=response), benchmark=benchmark
    )
    snapshot = _snapshot(benchmark) if benchmark is not None else None
    document = report_document_build(
        results=results,
        snapshot=snapshot,
        generated_at=now or timezone.now(),
        k=snapshot.k if snapshot else benchmark_k(),
        targets=targets,
        outcomes=outcome_lens_shown(benchmark=benchmark),
        window_months=benchmark_window_months(),
    )
    return replace(document, prepared_by=prepared_by_for(response=response))


def report_document_build(
    *,
    results: Results,
    snapshot: PeerSnapshot | None,
    generated_at: datetime,
    k: int,
    targets: Mapping[str, str] | None = None,
    outcomes: OutcomeLens | None = None,
    window_months: int = 0,
) -> ReportDocument:
    spec, answers = results.spec, results.response.answers
    lead = snapshot.lead if snapshot else None
    strongest, weakest = pillar_extremes(results.pillars)
    radar = radar_build(pillars=results.pillars, buckets=spec.buckets, group=lead, targets=targets)
    return ReportDocument(
        title=str(REPORT_TITLE),
        lang=language_active(),
        prepared_for=_answer_text(answers, spec.question_for_role("name")),
        respondent_title=_answer_text(answers, spec.question_for_role("title")),
        profile=_profile(spec, answers),
        completed_at=results.response.completed_at,
        generated_at=generated_at,
        bank_title=spec.title,
        bank_version=spec.version,
        overall=results.overall,
        overall_bucket=results.overall_bucket,
        buckets=spec.buckets,
        strongest=strongest,
        weakest=weakest,
        summary=_summary(results, snapshot, strongest, weakest),
        overview_chart=_overview_chart(results, lead),
        overview=tuple(_overview_line(pillar, lead) for pillar in results.pillars),
        lead_overall=lead.overall if lead else None,
        lead_overall_standing=standing_for(lead.overall) if lead and lead.overall else "",
        radar=radar,
        radar_chart=svg_data_uri(str(radar.svg)),
        pillars=tuple(
            _pillar_section(pillar, snapshot, _bands(spec.buckets), k) for pillar in results.pillars
        ),
        kpis=tuple(_kpi_line(kpi, results, snapshot, k) for kpi in BENCHMARKED_KPIS),
        revenue=revenue_build(results=results, group=lead, k=snapshot.k if snapshot else None),
        tracking=tracking_build(results=results),
        peers=snapshot,
        k=k,
        outcomes=outcomes,
        window_months=window_months,
    )


def _snapshot(benchmark: ResponseBenchmark) -> PeerSnapshot:
    comparison = comparison_from_json(benchmark.comparison)
    return PeerSnapshot(
        computed_at=benchmark.computed_at,
        k=benchmark.k,
        pool_size=benchmark.pool_size,
        comparison=comparison,
        lead=comparison.lead,
        withheld=tuple(group for group in comparison.groups if not group.enough_peers),
    )


def _answer_text(answers: Mapping[str, object], question: QuestionSpec | None) -> str:
    """An answer as the respondent gave it: option texts, numbers as written, text as typed."""
    if question is None:
        return ""
    value = answers.get(str(question.number))
    if value is None or value == "":
        return ""
    if question.kind in (Kind.SINGLE, Kind.MULTI):
        try:
            return ", ".join(option.text for option in chosen_options(question, value))
        except ScoringError:
            return ""
    if question.kind == Kind.INTEGER and isinstance(value, int):
        return number_text(Decimal(value))
    return str(value)


def _profile(spec: BankSpec, answers: Mapping[str, object]) -> tuple[ProfileItem, ...]:
    profile = [q for q in spec.questions if not q.is_scored]
    by_role = {q.role: q for q in profile if q.role}
    items = [
        ProfileItem(str(label), _answer_text(answers, by_role[role]))
        for role, label in PROFILE_LABELS.items()
        if role in by_role
    ]
    items += [
        ProfileItem(q.text, _answer_text(answers, q))
        for q in profile
        if q.role not in PROFILE_LABELS and q.role not in PROFILE_ROLES_ELSEWHERE
    ]
    return tuple(item for item in items if item.value)


def _names(pillars: Sequence[PillarResult]) -> str:
    return names_joined([pillar.name for pillar in pillars])


def names_joined(names: Sequence[str]) -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C"."""
    if len(names) == 1:
        return names[0]
    # Translators: the end of a list of names, e.g. "Team, Process and ROI".
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _summary(
    results: Results,
    snapshot: PeerSnapshot | None,
    strongest: Sequence[PillarResult],
    weakest: Sequence[PillarResult],
) -> tuple[str, ...]:
    count = len(results.pillars)
    own = ngettext(
        "Your overall CSPI score is %(score)s out of 100, in the %(bucket)s bucket: the mean of "
        "your %(count)s pillar score.",
        "Your overall CSPI score is %(score)s out of 100, in the %(bucket)s bucket: the mean of "
        "your %(count)s pillar scores.",
        count,
    ) % {
        "score": score_text(results.overall),
        "bucket": results.overall_bucket.name,
        "count": _count_words(count).lower(),
    }
    own += " "
    if strongest and weakest and strongest != weakest:
        own += _(
            "Your strongest pillar is %(strongest)s (%(strongest_score)s, %(strongest_bucket)s); "
            "your weakest is %(weakest)s (%(weakest_score)s, %(weakest_bucket)s)."
        ) % {
            "strongest": _names(strongest),
            "strongest_score": score_text(strongest[0].score),
            "strongest_bucket": strongest[0].bucket.name,
            "weakest": _names(weakest),
            "weakest_score": score_text(weakest[0].score),
            "weakest_bucket": weakest[0].bucket.name,
        }
    return (own, _peer_prose(results, snapshot))


def _peer_prose(results: Results, snapshot: PeerSnapshot | None) -> str:
    if snapshot is None:
        return _(
            "No peer comparison was available when this report was made, so it shows your own "
            "scores only, without peer statistics."
        )
    lead = snapshot.lead
    if lead is None or lead.overall is None or lead.pillars is None:
        return ngettext(
            "On %(day)s the peer pool held fewer than %(num)d organisation: too few for any peer "
            "statistic, so this report shows your own scores only. Groups of fewer than %(num)d "
            "organisation are never shown.",
            "On %(day)s the peer pool held fewer than %(num)d organisations: too few for any peer "
            "statistic, so this report shows your own scores only. Groups of fewer than %(num)d "
            "organisations are never shown.",
            snapshot.k,
        ) % {"day": day_text(snapshot.computed_at), "num": snapshot.k}
    overall = lead.overall
    rank = standing_text(
        percentile_rank=overall.percentile_rank, direction=Direction.HIGHER_IS_BETTER
    )
    values = {
        "num": lead.n,
        "group": lead.label,
        "day": day_text(snapshot.computed_at),
        "rank": rank,
        "median": score_text(overall.median),
        "p25": score_text(overall.p25),
        "p75": score_text(overall.p75),
    }
    if overall.band:
        # Translators: %(rank)s is e.g. "higher than 75 % of peers", %(band)s e.g. "top quartile".
        text = ngettext(
            "Against %(num)s peer (%(group)s) on %(day)s, your overall score is %(rank)s, in the "
            "%(band)s; the peer's median is %(median)s, and their middle half runs from %(p25)s "
            "to %(p75)s.",
            "Against %(num)s peers (%(group)s) on %(day)s, your overall score is %(rank)s, in the "
            "%(band)s; the peers' median is %(median)s, and their middle half runs from %(p25)s "
            "to %(p75)s.",
            lead.n or 0,
        ) % {**values, "band": overall.band.label}
    else:
        # Translators: %(rank)s is e.g. "higher than 75 % of peers".
        text = ngettext(
            "Against %(num)s peer (%(group)s) on %(day)s, your overall score is %(rank)s; the "
            "peer's median is %(median)s, and their middle half runs from %(p25)s to %(p75)s.",
            "Against %(num)s peers (%(group)s) on %(day)s, your overall score is %(rank)s; the "
            "peers' median is %(median)s, and their middle half runs from %(p25)s to %(p75)s.",
            lead.n or 0,
        )
        text %= values
    return (
        text + _pillar_gaps_prose(results.pillars, lead.pillars) + _withheld_prose(snapshot, lead)
    )


def _pillar_gaps_prose(
    pillars: Sequence[PillarResult], medians_of: Mapping[str, MetricStats]
) -> str:
    """How many pillars reach the peer median, and which are furthest ahead and behind."""
    compared = [pillar for pillar in pillars if pillar.key in medians_of]
    if not compared:
        return ""
    gap = {pillar.key: pillar.score - medians_of[pillar.key].median for pillar in compared}
    above = sum(1 for pillar in compared if gap[pillar.key] >= 0)
    # Translators: %(above)s and %(total)s are numbers in words: "Three of your eight pillars…".
    text = " " + ngettext(
        "%(above)s of your %(total)s pillars is at or above the peer median.",
        "%(above)s of your %(total)s pillars are at or above the peer median.",
        above,
    ) % {"above": _count_words(above), "total": _count_words(len(compared)).lower()}
    if len(compared) < 2:
        return text
    best = max(compared, key=lambda pillar: gap[pillar.key])
    worst = min(compared, key=lambda pillar: gap[pillar.key])
    ahead = {
        "pillar": best.name,
        "score": score_text(best.score),
        "median": score_text(medians_of[best.key].median),
    }
    behind = {
        "pillar": worst.name,
        "score": score_text(worst.score),
        "median": score_text(medians_of[worst.key].median),
    }
    if gap[best.key] >= 0:
        ahead_text = _("Furthest ahead: %(pillar)s (%(score)s against a median of %(median)s).")
    else:
        ahead_text = _(
            "Closest to the peers: %(pillar)s (%(score)s against a median of %(median)s)."
        )
    text += " " + ahead_text % ahead
    if gap[worst.key] < 0:
        text += " " + _("Furthest behind: %(pillar)s (%(score)s against %(median)s).") % behind
    else:
        text += " " + _("Smallest lead: %(pillar)s (%(score)s against %(median)s).") % behind
    return text


def _withheld_prose(snapshot: PeerSnapshot, lead: GroupComparison) -> str:
    if not snapshot.withheld:
        return " " + _("Every peer group had enough peers to be shown.")
    values = {
        "groups": names_joined([group.label for group in snapshot.withheld]),
        "num": snapshot.k,
        "lead": lead.label,
    }
    if len(snapshot.withheld) == 1:
        text = ngettext(
            "The group %(groups)s has fewer than %(num)d organisation and is not shown; %(lead)s "
            "stands in for it.",
            "The group %(groups)s has fewer than %(num)d organisations and is not shown; %(lead)s "
            "stands in for it.",
            snapshot.k,
        )
    else:
        text = ngettext(
            "The groups %(groups)s have fewer than %(num)d organisation each and are not shown; "
            "%(lead)s stands in for them.",
            "The groups %(groups)s have fewer than %(num)d organisations each and are not shown; "
            "%(lead)s stands in for them.",
            snapshot.k,
        )
    return " " + text % values


# Counts in words, as a sentence starts with them ("Three of your eight pillars…"); lower-cased
# inside a sentence.
COUNT_WORDS = (
    pgettext_lazy("a count in words, starting a sentence", "None"),
    pgettext_lazy("a count in words, starting a sentence", "One"),
    pgettext_lazy("a count in words, starting a sentence", "Two"),
    pgettext_lazy("a count in words, starting a sentence", "Three"),
    pgettext_lazy("a count in words, starting a sentence", "Four"),
    pgettext_lazy("a count in words, starting a sentence", "Five"),
    pgettext_lazy("a count in words, starting a sentence", "Six"),
    pgettext_lazy("a count in words, starting a sentence", "Seven"),
    pgettext_lazy("a count in words, starting a sentence", "Eight"),
    pgettext_lazy("a count in words, starting a sentence", "Nine"),
)


def _count_words(count: int) -> str:
    return str(COUNT_WORDS[count]) if count < len(COUNT_WORDS) else str(count)


def day_text(moment: datetime) -> str:
    """A day as the report and the pages write it in prose, in the active language: "4 December
    2026", "4. Dezember 2026" (local time)."""
    return date_text(moment, "j F Y")


def _bands(buckets: Sequence[BucketSpec]) -> list[BucketBand]:
    return [BucketBand(bucket.name, bucket.lower_bound) for bucket in buckets]


def svg_data_uri(svg: str) -> str:
    """An SVG as an image the PDF embeds without fetching anything."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _overview_chart(results: Results, lead: GroupComparison | None) -> str:
    bands = _bands(results.spec.buckets)
    if lead is None or lead.overall is None or lead.pillars is None:
        svg = pillar_bars_svg(
            bars=[Bar(p.name, p.score, p.bucket.key) for p in results.pillars],
            bands=bands,
            title=_("Your score on each pillar, from 0 to 100"),
        )
        return svg_data_uri(svg)
    # Translators: the overall score's row in a chart of the pillar scores.
    rows = [_row(_("Overall"), results.overall, lead.overall, emphasis=True)]
    rows += [
        _row(p.name, p.score, lead.pillars[p.key]) for p in results.pillars if p.key in lead.pillars
    ]
    title = ngettext(
        "Your scores against %(num)s peer: %(group)s",
        "Your scores against %(num)s peers: %(group)s",
        lead.n or 0,
    ) % {"num": lead.n, "group": lead.label}
    return svg_data_uri(pillar_peers_svg(rows=rows, bands=bands, title=title))


def _overview_line(
    pillar: PillarResult, lead: GroupComparison | None
) -> tuple[PillarResult, MetricStats | None, str]:
    stats = lead.pillars.get(pillar.key) if lead and lead.pillars else None
    return pillar, stats, standing_for(stats) if stats else ""


def _row(label: str, yours: Decimal, stats: MetricStats, *, emphasis: bool = False) -> QuartileRow:
    return QuartileRow(label, yours, stats.p25, stats.median, stats.p75, emphasis)


def _group_note(group: GroupComparison, k: int) -> str:
    if group.enough_peers:
        return ""
    return ngettext("fewer than %(num)d organisation", "fewer than %(num)d organisations", k) % {
        "num": k
    }


def _pillar_section(
    pillar: PillarResult, snapshot: PeerSnapshot | None, bands: Sequence[BucketBand], k: int
) -> PillarSection:
    peers: list[PeerLine] = []
    rows: list[QuartileRow] = []
    for group in snapshot.comparison.groups if snapshot else ():
        stats = group.pillars.get(pillar.key) if group.pillars else None
        note = _group_note(group, k) or ("" if stats else _("not compared"))
        standing = standing_for(stats) if stats else ""
        peers.append(PeerLine(group.key.value, group.label, stats, note, standing))
        if stats is not None:
            rows.append(_row(group.label, pillar.score, stats))
    chart = None
    if rows:
        title = _("%(pillar)s: your score against each peer group") % {"pillar": pillar.name}
        chart = svg_data_uri(
            pillar_peers_svg(rows=rows, bands=bands, title=title, label_width=GROUP_LABEL_WIDTH)
        )
    return PillarSection(f"pillar-{pillar.key}", pillar, tuple(peers), chart)


def _kpi_line(kpi: Kpi, results: Results, snapshot: PeerSnapshot | None, k: int) -> KpiLine:
    peers = []
    for group in snapshot.comparison.groups if snapshot else ():
        stats = group.kpis.get(kpi.key) if group.kpis else None
        note = _group_note(group, k) or (
            ""
            if stats
            else ngettext(
                "fewer than %(num)d organisation gave this figure",
                "fewer than %(num)d organisations gave this figure",
                k,
            )
            % {"num": k}
        )
        standing = standing_for(stats, kpi_key=kpi.key) if stats else ""
        peers.append(PeerLine(group.key.value, group.label, stats, note, standing))
    return KpiLine(kpi, results.kpi_values.get(kpi.key), tuple(peers))
