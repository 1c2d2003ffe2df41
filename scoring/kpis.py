"""The KPI registry, and the KPIs a response reports (SCORING.md §3).

Every KPI the product names lives here once: its key, label, unit, which way is better, its
definition in the words of the seed documents, and the question roles it is read from. The
survey asks for four (`BENCHMARKED_KPIS`: kept with the scores, compared with peers); the
others are the ones the report advises to start tracking, by pillar (`TRACK_FOR_PILLAR`).
Pages, the PDF, exports, the API and the peer pool all read the list from here.

"Unknown" is stored as null and stays `None` here, never 0 or −100, so statistics can leave it
out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from scoring.bank import BankSpec
from scoring.errors import ScoringError
from scoring.rounding import round_half_up
from scoring.words import gettext, gettext_noop, number_text

# A no-break space: it looks like the space people type, and a line never breaks before the "%".
PERCENT_SPACE = "\u00a0"


def percent_text(value: Decimal | int, *, places: int = 0) -> str:
    """The one way a percentage reads, on pages and in the PDF: "52 %", "96.50 %" (places=2),
    "-3 %": rounded half up, thousands separated, then a no-break space and "%"."""
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{number_text(number)}{PERCENT_SPACE}%"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEITHER = "neither"  # e.g. customers per CSM: a coverage model, not a target


# Seed 004 ("Customer journey alignment", "Leading vs. lagging", "Reporting cadence"): each KPI
# belongs to a stage of the customer's journey, is leading (lets the team act early) or lagging
# (proves the outcome), and is reviewed weekly by the team, monthly by leadership or quarterly
# in the executive review.
class Stage(StrEnum):
    ONBOARDING = "onboarding"
    ADOPTION = "adoption"
    RENEWAL = "renewal"
    EXPANSION = "expansion"
    ADVOCACY = "advocacy"

    @property
    def label(self) -> str:
        """ "Onboarding", in the reader's language."""
        return gettext(_STAGE_LABELS[self])


# The stages of the customer's journey, as a KPI's facts name them.
_STAGE_LABELS = {
    Stage.ONBOARDING: gettext_noop("Onboarding"),
    Stage.ADOPTION: gettext_noop("Adoption"),
    Stage.RENEWAL: gettext_noop("Renewal"),
    Stage.EXPANSION: gettext_noop("Expansion"),
    Stage.ADVOCACY: gettext_noop("Advocacy"),
}


class Indicator(StrEnum):
    LEADING = "leading"
    LAGGING = "lagging"

    @property
    def label(self) -> str:
        """ "Leading" or "Lagging", in the reader's language (a table's cell)."""
        return gettext(_INDICATOR_WORDS[self][0])

    @property
    def word(self) -> str:
        """ "leading" or "lagging", in the reader's language, inside a line of facts."""
        return gettext(_INDICATOR_WORDS[self][1])

    @property
    def meaning(self) -> str:
        return gettext(_INDICATOR_WORDS[self][2])


# Per indicator: its label, the word inside a line, and what it means.
_INDICATOR_WORDS = {
    Indicator.LEADING: (
        # Translators: a leading indicator, a KPI that moves before the outcome.
        gettext_noop("Leading"),
        # Translators: a leading indicator, inside "Onboarding · leading · reviewed weekly".
        gettext_noop("leading"),
        gettext_noop("moves before the outcome, so the team can act early"),
    ),
    Indicator.LAGGING: (
        # Translators: a lagging indicator, a KPI that proves the outcome once it happened.
        gettext_noop("Lagging"),
        # Translators: a lagging indicator, inside "Renewal · lagging · reviewed monthly".
        gettext_noop("lagging"),
        gettext_noop("proves the outcome once it has happened"),
    ),
}


class Cadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def label(self) -> str:
        """ "Weekly", "Monthly" or "Quarterly", in the reader's language (a table's cell)."""
        return gettext(_CADENCE_WORDS[self][0])

    @property
    def reviewed(self) -> str:
        """ "reviewed weekly", in the reader's language."""
        return gettext(_CADENCE_WORDS[self][1])

    @property
    def audience(self) -> str:
        """Who reviews it: "the team", "leadership", "the executive review"."""
        return gettext(_CADENCE_WORDS[self][2])


# Per cadence: its label, how often a KPI is reviewed, and by whom.
_CADENCE_WORDS = {
    Cadence.WEEKLY: (
        # Translators: how often a KPI is reviewed.
        gettext_noop("Weekly"),
        gettext_noop("reviewed weekly"),
        # Translators: who reviews a KPI weekly.
        gettext_noop("the team"),
    ),
    Cadence.MONTHLY: (
        # Translators: how often a KPI is reviewed.
        gettext_noop("Monthly"),
        gettext_noop("reviewed monthly"),
        # Translators: who reviews a KPI monthly.
        gettext_noop("leadership"),
    ),
    Cadence.QUARTERLY: (
        # Translators: how often a KPI is reviewed.
        gettext_noop("Quarterly"),
        gettext_noop("reviewed quarterly"),
        # Translators: who reviews a KPI quarterly.
        gettext_noop("the executive review"),
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Kpi:
    """A KPI. Its words are kept in English (`label_source`, …, each marked for the catalogues)
    and read in the reader's language (`label`, `definition`, `formula`)."""

    key: str
    label_source: str
    definition_source: str
    formula_source: str = ""
    unit: str = ""  # "%" or nothing
    direction: Direction = Direction.NEITHER
    # The question roles it is read from: one (the answer itself) or two (the first divided by
    # the second). Empty: the survey does not ask for it.
    roles: tuple[str, ...] = ()
    stage: Stage | None = None
    indicator: Indicator | None = None
    cadence: Cadence | None = None
    # Answer options (their text, in any question) whose choice says the respondent measures it
    # already (questions 33–35 of the default bank: what is measured, baselined, acted on).
    evidence: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "Net revenue retention", in the reader's language."""
        return gettext(self.label_source)

    @property
    def definition(self) -> str:
        return gettext(self.definition_source)

    @property
    def formula(self) -> str:
        """How it is computed; "" when the seed documents give no formula."""
        return gettext(self.formula_source) if self.formula_source else ""

    @property
    def practice(self) -> str:
        """Where it sits and when to look at it: "Onboarding · leading · reviewed weekly"."""
        parts = [self.stage.label] if self.stage else []
        parts += [self.indicator.word] if self.indicator else []
        parts += [self.cadence.reviewed] if self.cadence else []
        return " · ".join(parts)

    @property
    def heading(self) -> str:
        """The label with its unit, for a table's row: "Net revenue retention (%)"."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def shown(self, value: Decimal | None) -> str | None:
        """The value as people read it ("96.50 %", "91 %", "1,234", "2.50"); None when unknown."""
        if value is None:
            return None
        whole = value == value.to_integral_value()
        if self.unit == "%":
            return percent_text(value, places=0 if whole else 2)
        text = number_text(value.normalize() if whole else value.quantize(Decimal("0.01")))
        return f"{text} {self.unit}" if self.unit else text


BENCHMARKED_KPIS: tuple[Kpi, ...] = (
    Kpi(
        key="nrr",
        stage=Stage.EXPANSION,
        indicator=Indicator.LAGGING,
        cadence=Cadence.MONTHLY,
        label_source=gettext_noop("Net revenue retention"),
        definition_source=gettext_noop(
            "The percentage of recurring revenue kept over a period, including revenue from "
            "account expansion: the financial position of the business if no new customers were "
            "acquired. Measuring it rather than churn reminds the team to drive value "
            "proactively, not merely react to customers at imminent risk."
        ),
        formula_source=gettext_noop(
            "Renewal and expansion revenue this year from last year's customers ÷ revenue last "
            "year from all customers; equivalently (starting ARR + expansion − downsell − churn) "
            "÷ starting ARR"
        ),
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        roles=("nrr",),
    ),
    Kpi(
        key="retention",
        stage=Stage.RENEWAL,
        indicator=Indicator.LAGGING,
        cadence=Cadence.QUARTERLY,
        label_source=gettext_noop("Customer retention rate"),
        definition_source=gettext_noop(
            "The percentage of customers a company keeps over a given period: its ability to "
            "keep customers engaged, satisfied and loyal, minimising churn."
        ),
        formula_source=gettext_noop(
            "Number of last year's customers still active ÷ number of last year's customers"
        ),
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        roles=("retention",),
    ),
    Kpi(
        key="nps",
        stage=Stage.ADVOCACY,
        indicator=Indicator.LEADING,
        cadence=Cadence.QUARTERLY,
        evidence=("Net Promoter Score (NPS)",),
        label_source=gettext_noop("Net Promoter Score"),
        definition_source=gettext_noop(
            "How likely customers are to recommend the solution, asked on a scale of 0 to 10: "
            "promoters answer 9–10, passives 7–8, detractors 0–6. Poor scores may point to "
            "weak onboarding, education or support playbooks."
        ),
        formula_source=gettext_noop(
            "Percentage of promoters − percentage of detractors (from −100 to 100)"
        ),
        direction=Direction.HIGHER_IS_BETTER,
        roles=("nps",),
    ),
    Kpi(
        key="customers_per_csm",
        cadence=Cadence.QUARTERLY,
        label_source=gettext_noop("Customers per CSM"),
        definition_source=gettext_noop(
            "How many customers each Customer Success Manager covers: the coverage model behind "
            "high-touch or low-touch engagement. Read it with your segmentation."
        ),
        formula_source=gettext_noop("Number of customers ÷ number of Customer Success Managers"),
        direction=Direction.NEITHER,
        roles=("customers", "csms"),
    ),
)
KPI_KEYS = tuple(kpi.key for kpi in BENCHMARKED_KPIS)

# Definitions and formulas in the words of the seed documents: CS practice guides.
TRACKING_KPIS: tuple[Kpi, ...] = (
    Kpi(
        key="gross_renewal_rate",
        stage=Stage.RENEWAL,
        indicator=Indicator.LAGGING,
        cadence=Cadence.MONTHLY,
        label_source=gettext_noop("Gross renewal rate"),
        definition_source=gettext_noop(
            "The percentage of renewable revenue that was renewed, without counting expansion "
            "revenue closed with the renewals: customers stay because they keep receiving value."
        ),
        formula_source=gettext_noop("(Renewable ARR − downsell − churn) ÷ renewable ARR"),
    ),
    Kpi(
        key="expansion_revenue_rate",
        stage=Stage.EXPANSION,
        indicator=Indicator.LAGGING,
        cadence=Cadence.MONTHLY,
        label_source=gettext_noop("Expansion revenue rate"),
        definition_source=gettext_noop(
            "The percentage of total revenue that comes from upsells, cross-sells and account "
            "expansions within a period: what customer growth contributes to revenue."
        ),
        formula_source=gettext_noop(
            "Expansion revenue in the period ÷ total revenue in the period"
        ),
    ),
    Kpi(
        key="quarterly_expansion_revenue",
        stage=Stage.EXPANSION,
        indicator=Indicator.LAGGING,
        cadence=Cadence.QUARTERLY,
        label_source=gettext_noop("Quarterly expansion revenue"),
        definition_source=gettext_noop(
            "Expansion revenue per quarter, tracked over time. A sudden or steady decrease, for "
            "the team or for one CSM, is a red flag."
        ),
    ),
    Kpi(
        key="onboarding_rating",
        stage=Stage.ONBOARDING,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        label_source=gettext_noop("Onboarding rating"),
        definition_source=gettext_noop(
            "A short survey at the end of onboarding about the customer's experience with the "
            "CSM who onboarded them; consistently low ratings say the onboarding process needs "
            "work."
        ),
    ),
    Kpi(
        key="onboarding_completion_rate",
        stage=Stage.ONBOARDING,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        evidence=("Progress on the implementation and onboarding tasks from your project system",),
        label_source=gettext_noop("Onboarding completion rate"),
        definition_source=gettext_noop(
            "The percentage of new customers who complete the onboarding plan within its target "
            "time: a leading indicator of adoption and retention."
        ),
        formula_source=gettext_noop(
            "Customers who completed onboarding in the period ÷ customers who started it"
        ),
    ),
    Kpi(
        key="average_time_to_first_value",
        stage=Stage.ONBOARDING,
        indicator=Indicator.LEADING,
        cadence=Cadence.MONTHLY,
        label_source=gettext_noop("Average time to first value"),
        definition_source=gettext_noop(
            "How long it takes to deliver the value each customer expects, based on their key "
            "business goals; shorter over time means a more effective team."
        ),
        formula_source=gettext_noop(
            "Total days from the start of onboarding to first value, for all customers ÷ "
            "number of customers"
        ),
    ),
    Kpi(
        key="activation_rate",
        stage=Stage.ONBOARDING,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        label_source=gettext_noop("Activation rate"),
        definition_source=gettext_noop(
            "The percentage of users who reach a predefined milestone of meaningful first use: "
            "the moment they first experience the core value of the product."
        ),
    ),
    Kpi(
        key="customer_effort_score",
        stage=Stage.ADOPTION,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        label_source=gettext_noop("Customer effort score"),
        definition_source=gettext_noop(
            "How much effort a customer has to exert to get something done (signing up, "
            "upgrading, renewing, requesting training), asked on a numeric scale after an "
            "interaction with a CSM. High effort marks barriers in the customer journey."
        ),
    ),
    Kpi(
        key="engagement_activity",
        stage=Stage.ADOPTION,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        label_source=gettext_noop("Engagement activity"),
        definition_source=gettext_noop(
            "The proactive, high-value, customer-centric touchpoints (e-mails, calls, executive "
            "sponsor visits) a CSM or the team has with customers."
        ),
        formula_source=gettext_noop("Number of engagement touchpoints over a period"),
    ),
    Kpi(
        key="advocacy_activity",
        stage=Stage.ADVOCACY,
        indicator=Indicator.LAGGING,
        cadence=Cadence.MONTHLY,
        label_source=gettext_noop("Advocacy activity"),
        definition_source=gettext_noop(
            "The advocacy the CS team drove among successful customers: referrals, reviews, "
            "case studies."
        ),
        formula_source=gettext_noop("Number of advocacy activities over a period"),
    ),
    Kpi(
        key="referral_program_participation_rate",
        stage=Stage.ADVOCACY,
        indicator=Indicator.LEADING,
        cadence=Cadence.MONTHLY,
        label_source=gettext_noop("Referral program participation rate"),
        definition_source=gettext_noop(
            "The percentage of eligible customers who actively join or engage with the referral "
            "program."
        ),
    ),
    Kpi(
        key="customer_health_score",
        stage=Stage.ADOPTION,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        evidence=(
            "We use predictive modeling to correlate all metrics with the propensity to renew",
            "We identify struggling users as well as promoters and have specific playbooks for "
            "them",
            "We identify struggling customers as well as champions and have specific playbooks "
            "for them",
        ),
        label_source=gettext_noop("Customer health score"),
        definition_source=gettext_noop(
            "A composite of product usage, satisfaction, engagement and support interactions "
            "that estimates how likely a customer is to renew, expand or churn."
        ),
    ),
    Kpi(
        key="churn_risk_score",
        stage=Stage.RENEWAL,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        evidence=(
            "We use predictive modeling to correlate all metrics with the propensity to renew",
        ),
        label_source=gettext_noop("Churn risk score"),
        definition_source=gettext_noop(
            "A predictive estimate of how likely a customer is to cancel or downgrade within a "
            "given period, to find at-risk accounts early."
        ),
    ),
    Kpi(
        key="cohort_retention_analysis",
        stage=Stage.RENEWAL,
        indicator=Indicator.LAGGING,
        cadence=Cadence.MONTHLY,
        label_source=gettext_noop("Cohort retention analysis"),
        definition_source=gettext_noop(
            "Following a group of customers over time to see how many keep using the product: "
            "retention and churn patterns by segment and start date."
        ),
    ),
    Kpi(
        key="check_in_impact_score",
        stage=Stage.ADOPTION,
        indicator=Indicator.LAGGING,
        cadence=Cadence.QUARTERLY,
        label_source=gettext_noop("Check-in impact score"),
        definition_source=gettext_noop(
            "The correlation between CS check-ins and business outcomes such as retention, "
            "expansion and product usage: the value of proactive account engagement."
        ),
    ),
    Kpi(
        key="time_to_first_key_action",
        stage=Stage.ONBOARDING,
        indicator=Indicator.LEADING,
        cadence=Cadence.WEEKLY,
        label_source=gettext_noop("Time to first key action"),
        definition_source=gettext_noop(
            "The average time a new user takes to complete the product's primary activation "
            "event, the “aha moment”."
        ),
    ),
    Kpi(
        key="qbr_engagement_rate",
        stage=Stage.ADOPTION,
        indicator=Indicator.LEADING,
        cadence=Cadence.QUARTERLY,
        label_source=gettext_noop("QBR engagement rate"),
        definition_source=gettext_noop(
            "The percentage of eligible accounts that attend or meaningfully take part in "
            "quarterly business reviews: strategic relationship strength after the sale."
        ),
    ),
    Kpi(
        key="relationship_depth_score",
        stage=Stage.ADOPTION,
        indicator=Indicator.LEADING,
        cadence=Cadence.QUARTERLY,
        evidence=("Changes to customer stakeholders (promotion, demotion, reorganization)",),
        label_source=gettext_noop("Relationship depth score"),
        definition_source=gettext_noop(
            "The strength and breadth of engagement with customer stakeholders across roles, "
            "levels and functions."
        ),
    ),
    Kpi(
        key="feature_adoption_rate",
        stage=Stage.ADOPTION,
        indicator=Indicator.LEADING,
        cadence=Cadence.MONTHLY,
        evidence=(
            "Specific features used by each user",
            "We measure changes in feature usage",
        ),
        label_source=gettext_noop("Feature adoption rate"),
        definition_source=gettext_noop(
            "The percentage of active users who regularly use a key product feature over a "
            "longer period: sustained value delivery."
        ),
    ),
)

KPIS: dict[str, Kpi] = {kpi.key: kpi for kpi in (*BENCHMARKED_KPIS, *TRACKING_KPIS)}

# What to start measuring when a pillar is weak: each pillar's practices mapped onto the KPIs of
# the seed documents (customer journey stages, leading and lagging indicators).
TRACK_FOR_PILLAR: dict[str, tuple[str, ...]] = {
    "alignment": ("gross_renewal_rate", "expansion_revenue_rate", "quarterly_expansion_revenue"),
    "team": ("onboarding_rating", "engagement_activity", "customer_effort_score"),
    "segmentation": ("cohort_retention_analysis", "customer_health_score", "churn_risk_score"),
    "playbook": ("check_in_impact_score", "time_to_first_key_action", "churn_risk_score"),
    "resources": (
        "customer_effort_score",
        "advocacy_activity",
        "referral_program_participation_rate",
    ),
    "onboarding": (
        "average_time_to_first_value",
        "onboarding_completion_rate",
        "onboarding_rating",
        "activation_rate",
    ),
    "relationship": ("engagement_activity", "qbr_engagement_rate", "relationship_depth_score"),
    "roi": ("customer_health_score", "feature_adoption_rate", "churn_risk_score"),
}

# A response's KPIs by key, in the order of BENCHMARKED_KPIS.
Kpis = dict[str, Decimal | None]


def kpis_from_answers(*, spec: BankSpec, answers: Mapping[str, object]) -> Kpis:
    """The KPIs; one is None when its question is missing from the bank, unanswered or unknown.

    A KPI of two roles is the first number divided by the second, rounded to 2 decimals half
    up (customers per CSM), and None when either is unknown or the second is 0.
    """
    return {kpi.key: _kpi_value(spec, answers, kpi.roles) for kpi in BENCHMARKED_KPIS}


def _kpi_value(
    spec: BankSpec, answers: Mapping[str, object], roles: tuple[str, ...]
) -> Decimal | None:
    numbers = [_number_for_role(spec, answers, role) for role in roles]
    if len(numbers) == 1:
        return numbers[0]
    numerator, denominator = numbers
    if numerator is None or not denominator:
        return None
    return round_half_up(Fraction(numerator) / Fraction(denominator))


def _number_for_role(spec: BankSpec, answers: Mapping[str, object], role: str) -> Decimal | None:
    question = spec.question_for_role(role)
    if question is None:
        return None
    value = answers.get(str(question.number))
    if value is None:
        return None
    number = None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # str() of a float is its shortest repr, the number as typed (96.5, not 96.50000001…).
        number = Decimal(str(value))
    if number is None or not number.is_finite():
        problem = gettext("expected a number, got %(value)s") % {"value": f"{value!r:.40}"}
        raise ScoringError(question.number, problem)
    return number
