"""Everything the PDF report prints, as plain data: fetched once, then rendered by a template.

`report_document_for` reads the response's stored scores (`response_results`) and takes the
stored peer comparison it is given, exactly as it was computed, then computes the rest in
Python: the cover's profile, the summary's prose, the charts, the peer lines of every pillar and
KPI, and the KPIs to start tracking. The template only lays it out. Every text in here is plain
(never markup) and is escaped when rendered; the charts are SVG as `data:` URIs, whose texts
reports/charts.py escapes.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from benchmarks.groups import Comparison, GroupComparison, MetricStats
from benchmarks.models import ResponseBenchmark
from benchmarks.stored import comparison_from_json
from reports.charts import (
    Bar,
    BucketBand,
    QuartileRow,
    pillar_bars_svg,
    pillar_peers_svg,
)
from responses.models import Response
from responses.selectors import PillarResult, Results, response_results
from scoring.bank import BankSpec, BucketSpec, Kind, QuestionSpec
from scoring.errors import ScoringError
from scoring.scores import chosen_options

REPORT_TITLE = "Customer Success Performance Index — benchmark report"

# The cover's organisation profile, by question role, in this order; other profile questions
# without a role of their own (an admin may add one) follow under their question text.
PROFILE_LABELS = {
    "region": "Region",
    "industry": "Industry",
    "arr_band": "Annual recurring revenue",
    "business_model": "Business model",
    "customers": "Customers",
    "csms": "Customer Success Managers",
    "cs_platform": "Customer Success platform",
    "crm": "CRM platform",
}
# Printed elsewhere (the KPI page) or not at all (the e-mail address stays out of a document
# meant to be forwarded).
PROFILE_ROLES_ELSEWHERE = frozenset({"name", "title", "email", "nrr", "retention", "nps"})


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    name: str
    definition: str
    formula: str = ""


# Definitions and formulas in the words of the seed documents: the CSPI survey itself for NRR and
# retention, CS practice guides for the rest.
KPI_GUIDE: dict[str, KpiDefinition] = {
    definition.name: definition
    for definition in (
        KpiDefinition(
            "Net revenue retention",
            "The percentage of recurring revenue kept over a period, including revenue from "
            "account expansion: the financial position of the business if no new customers were "
            "acquired. Measuring it rather than churn reminds the team to drive value "
            "proactively, not merely react to customers at imminent risk.",
            "Renewal and expansion revenue this year from last year's customers ÷ revenue last "
            "year from all customers; equivalently (starting ARR + expansion − downsell − churn) "
            "÷ starting ARR",
        ),
        KpiDefinition(
            "Customer retention rate",
            "The percentage of customers a company keeps over a given period: its ability to "
            "keep customers engaged, satisfied and loyal, minimising churn.",
            "Number of last year's customers still active ÷ number of last year's customers",
        ),
        KpiDefinition(
            "Net Promoter Score",
            "How likely customers are to recommend the solution, asked on a scale of 0 to 10: "
            "promoters answer 9–10, passives 7–8, detractors 0–6. Poor scores may point to "
            "weak onboarding, education or support playbooks.",
            "Percentage of promoters − percentage of detractors (from −100 to 100)",
        ),
        KpiDefinition(
            "Customers per CSM",
            "How many customers each Customer Success Manager covers: the coverage model behind "
            "high-touch or low-touch engagement. Read it with your segmentation.",
            "Number of customers ÷ number of Customer Success Managers",
        ),
        KpiDefinition(
            "Gross renewal rate",
            "The percentage of renewable revenue that was renewed, without counting expansion "
            "revenue closed with the renewals: customers stay because they keep receiving value.",
            "(Renewable ARR − downsell − churn) ÷ renewable ARR",
        ),
        KpiDefinition(
            "Expansion revenue rate",
            "The percentage of total revenue that comes from upsells, cross-sells and account "
            "expansions within a period: what customer growth contributes to revenue.",
            "Expansion revenue in the period ÷ total revenue in the period",
        ),
        KpiDefinition(
            "Quarterly expansion revenue",
            "Expansion revenue per quarter, tracked over time. A sudden or steady decrease, for "
            "the team or for one CSM, is a red flag.",
        ),
        KpiDefinition(
            "Onboarding rating",
            "A short survey at the end of onboarding about the customer's experience with the "
            "CSM who onboarded them; consistently low ratings say the onboarding process needs "
            "work.",
        ),
        KpiDefinition(
            "Average time to first value",
            "How long it takes to deliver the value each customer expects, based on their key "
            "business goals; shorter over time means a more effective team.",
            "Total days from the start of onboarding to first value, for all customers ÷ "
            "number of customers",
        ),
        KpiDefinition(
            "Activation rate",
            "The percentage of users who reach a predefined milestone of meaningful first use: "
            "the moment they first experience the core value of the product.",
        ),
        KpiDefinition(
            "Customer effort score",
            "How much effort a customer has to exert to get something done (signing up, "
            "upgrading, renewing, requesting training), asked on a numeric scale after an "
            "interaction with a CSM. High effort marks barriers in the customer journey.",
        ),
        KpiDefinition(
            "Engagement activity",
            "The proactive, high-value, customer-centric touchpoints (e-mails, calls, executive "
            "sponsor visits) a CSM or the team has with customers.",
            "Number of engagement touchpoints over a period",
        ),
        KpiDefinition(
            "Advocacy activity",
            "The advocacy the CS team drove among successful customers: referrals, reviews, "
            "case studies.",
            "Number of advocacy activities over a period",
        ),
        KpiDefinition(
            "Referral program participation rate",
            "The percentage of eligible customers who actively join or engage with the referral "
            "program.",
        ),
        KpiDefinition(
            "Customer health score",
            "A composite of product usage, satisfaction, engagement and support interactions "
            "that estimates how likely a customer is to renew, expand or churn.",
        ),
        KpiDefinition(
            "Churn risk score",
            "A predictive estimate of how likely a customer is to cancel or downgrade within a "
            "given period, to find at-risk accounts early.",
        ),
        KpiDefinition(
            "Cohort retention analysis",
            "Following a group of customers over time to see how many keep using the product: "
            "retention and churn patterns by segment and start date.",
        ),
        KpiDefinition(
            "Check-in impact score",
            "The correlation between CS check-ins and business outcomes such as retention, "
            "expansion and product usage: the value of proactive account engagement.",
        ),
        KpiDefinition(
            "Time to first key action",
            "The average time a new user takes to complete the product's primary activation "
            "event, the “aha moment”.",
        ),
        KpiDefinition(
            "QBR engagement rate",
            "The percentage of eligible accounts that attend or meaningfully take part in "
            "quarterly business reviews: strategic relationship strength after the sale.",
        ),
        KpiDefinition(
            "Relationship depth score",
            "The strength and breadth of engagement with customer stakeholders across roles, "
            "levels and functions.",
        ),
        KpiDefinition(
            "Feature adoption rate",
            "The percentage of active users who regularly use a key product feature over a "
            "longer period: sustained value delivery.",
        ),
    )
}

BENCHMARKED_KPIS = (
    ("nrr", "Net revenue retention", " %"),
    ("retention", "Customer retention rate", " %"),
    ("nps", "Net Promoter Score", ""),
    ("customers_per_csm", "Customers per CSM", ""),
)

# What to start measuring when a pillar is weak: each pillar's practices mapped onto the KPIs of
# the seed documents (customer journey stages, leading and lagging indicators).
PILLAR_KPIS: dict[str, tuple[str, ...]] = {
    "alignment": ("Gross renewal rate", "Expansion revenue rate", "Quarterly expansion revenue"),
    "team": ("Onboarding rating", "Engagement activity", "Customer effort score"),
    "segmentation": ("Cohort retention analysis", "Customer health score", "Churn risk score"),
    "playbook": ("Check-in impact score", "Time to first key action", "Churn risk score"),
    "resources": (
        "Customer effort score",
        "Advocacy activity",
        "Referral program participation rate",
    ),
    "onboarding": ("Average time to first value", "Onboarding rating", "Activation rate"),
    "relationship": ("Engagement activity", "QBR engagement rate", "Relationship depth score"),
    "roi": ("Customer health score", "Feature adoption rate", "Churn risk score"),
}
WEAKEST_PILLARS_ADVISED = 3
GROUP_LABEL_WIDTH = 210  # room for "Industry: Healthcare and Life Sciences" beside its row


@dataclass(frozen=True, slots=True)
class ProfileItem:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class PeerLine:
    """One peer group's numbers for one score or KPI. Without `stats` it prints `note` instead
    (e.g. "fewer than 5 peers") and no number of its own."""

    group_key: str
    group_label: str
    stats: MetricStats | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PillarSection:
    anchor: str
    pillar: PillarResult
    peers: tuple[PeerLine, ...]
    chart: str | None  # data: URI of the shown groups' quartiles; None when no group is shown


@dataclass(frozen=True, slots=True)
class KpiLine:
    key: str
    label: str
    value: Decimal | None  # None: unknown
    unit: str
    peers: tuple[PeerLine, ...]
    definition: KpiDefinition

    @property
    def display(self) -> str:
        if self.value is None:
            return "unknown"
        plain = self.value.normalize()
        text = f"{plain:,f}" if plain == plain.to_integral_value() else f"{self.value:,.2f}"
        return f"{text}{self.unit}"


@dataclass(frozen=True, slots=True)
class KpiAdvice:
    pillar: PillarResult
    kpis: tuple[KpiDefinition, ...]


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
    overview: tuple[tuple[PillarResult, MetricStats | None], ...]  # pillars against the lead group
    lead_overall: MetricStats | None
    pillars: tuple[PillarSection, ...]
    kpis: tuple[KpiLine, ...]
    unknown_kpis: tuple[str, ...]
    advice: tuple[KpiAdvice, ...]
    peers: PeerSnapshot | None  # None: no comparison was available
    k: int


def report_document_for(
    *, response: Response, benchmark: ResponseBenchmark | None, now: datetime | None = None
) -> ReportDocument:
    """The report of a completed response, with `benchmark` (the stored comparison to print;
    None when there is none) exactly as it was computed."""
    results = response_results(response=response)
    snapshot = _snapshot(benchmark) if benchmark is not None else None
    return report_document_build(
        results=results,
        snapshot=snapshot,
        generated_at=now or timezone.now(),
        k=snapshot.k if snapshot else settings.BENCHMARK_K,
    )


def report_document_build(
    *, results: Results, snapshot: PeerSnapshot | None, generated_at: datetime, k: int
) -> ReportDocument:
    spec, answers = results.spec, results.response.answers
    lead = snapshot.lead if snapshot else None
    strongest, weakest = _extremes(results.pillars)
    return ReportDocument(
        title=REPORT_TITLE,
        lang="en",
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
        overview=tuple(
            (pillar, lead.pillars.get(pillar.key) if lead and lead.pillars else None)
            for pillar in results.pillars
        ),
        lead_overall=lead.overall if lead else None,
        pillars=tuple(
            _pillar_section(pillar, snapshot, _bands(spec.buckets), k) for pillar in results.pillars
        ),
        kpis=tuple(_kpi_line(kpi, results, snapshot, k) for kpi in BENCHMARKED_KPIS),
        unknown_kpis=tuple(
            label for key, label, _ in BENCHMARKED_KPIS if results.kpi_values.get(key) is None
        ),
        advice=_advice(results.pillars),
        peers=snapshot,
        k=k,
    )


def _snapshot(benchmark: ResponseBenchmark) -> PeerSnapshot:
    comparison = comparison_from_json(benchmark.comparison)
    shown = [group for group in comparison.groups if group.enough_peers]
    return PeerSnapshot(
        computed_at=benchmark.computed_at,
        k=benchmark.k,
        pool_size=benchmark.pool_size,
        comparison=comparison,
        lead=max(shown, key=lambda group: group.n or 0, default=None),
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
        return f"{value:,}"
    return str(value)


def _profile(spec: BankSpec, answers: Mapping[str, object]) -> tuple[ProfileItem, ...]:
    profile = [q for q in spec.questions if not q.is_scored]
    by_role = {q.role: q for q in profile if q.role}
    items = [
        ProfileItem(label, _answer_text(answers, by_role[role]))
        for role, label in PROFILE_LABELS.items()
        if role in by_role
    ]
    items += [
        ProfileItem(q.text, _answer_text(answers, q))
        for q in profile
        if q.role not in PROFILE_LABELS and q.role not in PROFILE_ROLES_ELSEWHERE
    ]
    return tuple(item for item in items if item.value)


def _extremes(
    pillars: Sequence[PillarResult],
) -> tuple[tuple[PillarResult, ...], tuple[PillarResult, ...]]:
    """The pillars with the highest and the lowest score (every one of them on a tie)."""
    if not pillars:
        return (), ()
    top = max(pillar.score for pillar in pillars)
    bottom = min(pillar.score for pillar in pillars)
    return (
        tuple(p for p in pillars if p.score == top),
        tuple(p for p in pillars if p.score == bottom),
    )


def _names(pillars: Sequence[PillarResult]) -> str:
    names = [pillar.name for pillar in pillars]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _summary(
    results: Results,
    snapshot: PeerSnapshot | None,
    strongest: Sequence[PillarResult],
    weakest: Sequence[PillarResult],
) -> tuple[str, ...]:
    count = len(results.pillars)
    own = (
        f"Your overall CSPI score is {results.overall:.2f} out of 100, in the "
        f"{results.overall_bucket.name} bucket: the mean of your {_count_words(count).lower()} "
        "pillar scores. "
    )
    if strongest and weakest and strongest != weakest:
        own += (
            f"Your strongest pillar is {_names(strongest)} ({strongest[0].score:.2f}, "
            f"{strongest[0].bucket.name}); your weakest is {_names(weakest)} "
            f"({weakest[0].score:.2f}, {weakest[0].bucket.name})."
        )
    return (own, _peer_prose(results, snapshot))


def _peer_prose(results: Results, snapshot: PeerSnapshot | None) -> str:
    if snapshot is None:
        return (
            "No peer comparison was available when this report was made, so it shows your own "
            "scores only, without peer statistics."
        )
    lead = snapshot.lead
    if lead is None or lead.overall is None or lead.pillars is None:
        return (
            f"On {_day(snapshot.computed_at)} the peer pool held fewer than {snapshot.k} peers: "
            "too few for any peer statistic, so this report shows your own scores only. Groups "
            f"of fewer than {snapshot.k} peers are never shown."
        )
    overall = lead.overall
    rank = (
        f"ranks at the {overall.percentile_rank:.2f} percentile"
        if overall.percentile_rank is not None
        else "is compared"
    )
    band = f", in the {overall.band.label}" if overall.band else ""
    text = (
        f"Against {lead.n} peers ({lead.label}) on {_day(snapshot.computed_at)}, your overall "
        f"score {rank}{band}; the peers' median is {overall.median:.2f}, and their middle half "
        f"runs from {overall.p25:.2f} to {overall.p75:.2f}."
    )
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
    verb = "is" if above == 1 else "are"
    text = (
        f" {_count_words(above)} of your {_count_words(len(compared)).lower()} pillars {verb} at "
        "or above the peer median."
    )
    if len(compared) < 2:
        return text
    best = max(compared, key=lambda pillar: gap[pillar.key])
    worst = min(compared, key=lambda pillar: gap[pillar.key])
    best_median, worst_median = medians_of[best.key].median, medians_of[worst.key].median
    return text + (
        f" {'Furthest ahead' if gap[best.key] >= 0 else 'Closest to the peers'}: {best.name} "
        f"({best.score:.2f} against a median of {best_median:.2f}). "
        f"{'Furthest behind' if gap[worst.key] < 0 else 'Smallest lead'}: {worst.name} "
        f"({worst.score:.2f} against {worst_median:.2f})."
    )


def _withheld_prose(snapshot: PeerSnapshot, lead: GroupComparison) -> str:
    if not snapshot.withheld:
        return " Every peer group had enough peers to be shown."
    labels = _join([group.label for group in snapshot.withheld])
    if len(snapshot.withheld) == 1:
        return (
            f" The group {labels} has fewer than {snapshot.k} peers and is not shown; "
            f"{lead.label} stands in for it."
        )
    return (
        f" The groups {labels} have fewer than {snapshot.k} peers each and are not shown; "
        f"{lead.label} stands in for them."
    )


def _join(texts: Sequence[str]) -> str:
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} and {texts[-1]}"


COUNT_WORDS = ("None", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def _count_words(count: int) -> str:
    return COUNT_WORDS[count] if count < len(COUNT_WORDS) else str(count)


def _day(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


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
            title="Your score on each pillar, from 0 to 100",
        )
        return svg_data_uri(svg)
    rows = [_row("Overall", results.overall, lead.overall, emphasis=True)]
    rows += [
        _row(p.name, p.score, lead.pillars[p.key]) for p in results.pillars if p.key in lead.pillars
    ]
    title = f"Your scores against {lead.n} peers: {lead.label}"
    return svg_data_uri(pillar_peers_svg(rows=rows, bands=bands, title=title))


def _row(label: str, yours: Decimal, stats: MetricStats, *, emphasis: bool = False) -> QuartileRow:
    return QuartileRow(label, yours, stats.p25, stats.median, stats.p75, emphasis)


def _group_note(group: GroupComparison, k: int) -> str:
    return "" if group.enough_peers else f"fewer than {k} peers"


def _pillar_section(
    pillar: PillarResult, snapshot: PeerSnapshot | None, bands: Sequence[BucketBand], k: int
) -> PillarSection:
    peers: list[PeerLine] = []
    rows: list[QuartileRow] = []
    for group in snapshot.comparison.groups if snapshot else ():
        stats = group.pillars.get(pillar.key) if group.pillars else None
        note = _group_note(group, k) or ("" if stats else "not compared")
        peers.append(PeerLine(group.key.value, group.label, stats, note))
        if stats is not None:
            rows.append(_row(group.label, pillar.score, stats))
    chart = None
    if rows:
        title = f"{pillar.name}: your score against each peer group"
        chart = svg_data_uri(
            pillar_peers_svg(rows=rows, bands=bands, title=title, label_width=GROUP_LABEL_WIDTH)
        )
    return PillarSection(f"pillar-{pillar.key}", pillar, tuple(peers), chart)


def _kpi_line(
    kpi: tuple[str, str, str], results: Results, snapshot: PeerSnapshot | None, k: int
) -> KpiLine:
    key, label, unit = kpi
    peers = []
    for group in snapshot.comparison.groups if snapshot else ():
        stats = group.kpis.get(key) if group.kpis else None
        note = _group_note(group, k) or ("" if stats else f"fewer than {k} peers gave this figure")
        peers.append(PeerLine(group.key.value, group.label, stats, note))
    return KpiLine(key, label, results.kpi_values.get(key), unit, tuple(peers), KPI_GUIDE[label])


def _advice(pillars: Sequence[PillarResult]) -> tuple[KpiAdvice, ...]:
    """KPIs to start tracking for the weakest pillars below the top bucket, each KPI once."""
    weakest = sorted((p for p in pillars if p.plan is not None), key=lambda p: p.score)
    advice, seen = [], set()
    for pillar in weakest[:WEAKEST_PILLARS_ADVISED]:
        names = [name for name in PILLAR_KPIS.get(pillar.key, ()) if name not in seen]
        seen.update(names)
        if names:
            advice.append(KpiAdvice(pillar, tuple(KPI_GUIDE[name] for name in names)))
    return tuple(advice)
