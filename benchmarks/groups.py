"""The four peer groups and what a comparison with them shows (SCORING.md §4).

Why the numbers shown cannot reveal a group that is withheld (fewer than K peers)
--------------------------------------------------------------------------------
A withheld group shows its key, its label and "fewer than K": no statistic and no n. The worry
is that the shown groups might be combined to work one out, e.g. "all" has n = 12, the region
group n = 10, the industry group is withheld: is industry 12 − 10 = 2? No, for three reasons.

1. The groups are not a partition. Each dimension shows only the respondent's own cell (their
   industry, their band, their region), never its complement, and the cells of different
   dimensions overlap arbitrarily. 12 − 10 = 2 counts peers outside the respondent's region,
   who may or may not share the industry; the industry group's members sit anywhere inside
   "all". Moving a peer into or out of the respondent's industry, with every other attribute
   and value unchanged, changes no shown number at all, so its size cannot be read back.
2. The statistics are quantiles and ranks, not sums or means. A sum over "all" minus the sums
   of shown groups would isolate a remainder; a quantile does not decompose that way. Two pools
   in which a member of the hidden group swaps values with a non-member of the same region and
   band give every shown group the same multiset of values (hence the same numbers), while the
   hidden group's values differ: the shown numbers do not determine them.
3. A KPI inside a shown group is withheld on its own when fewer than K peers know it, with its
   n hidden too; no other shown number counts that KPI's known values in that group (pillars
   and the overall score have no unknowns, so the group's n says nothing about one KPI's n).

Both constructions in (1) and (2) are tests (tests/benchmarks/test_disclosure.py). What K does
not protect against, and no snapshot rule can: comparing the same shown group before and after
one new response arrives (the change in n and quartiles may pin down that one value), and one
organisation answering under several domains no admin has joined (or its people at public
mailboxes). Those are about shown groups over time and about identity, not about a withheld
group in one comparison. Every count above is of organisations: the pool holds one entry per
organisation, and a respondent's own organisation is never among their peers.

Teams (teams/) add no new way in. A team is compared with "all respondents" only, through the
same `PeerIndex.compare`, its organisation's pool entry left out as for any of its members, and
nothing is shown under K: the team's view shows exactly the numbers one member's comparison
of the team's medians would. The team's own statistics are over its members, who are not peers
and who see them only once three have answered; a member's row carries a name only where that
member agreed (tests/teams/test_disclosure.py holds both rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from benchmarks.percentiles import QuartileBand
from scoring.words import gettext, gettext_noop, profile_text


class GroupKey(StrEnum):
    """The peer groups, in the order the API and the report list them."""

    ALL = "all"
    INDUSTRY = "industry"
    ARR_BAND = "arr_band"
    REGION = "region"


# A group's label is kept with a comparison, and sent by the API, in English (`group_label`);
# pages and the PDF read it in their language (`group_label_shown`, `GroupComparison.label`).
ALL_LABEL = gettext_noop("All respondents")
# Translators: the value of a peer group's dimension the respondent did not give.
NOT_GIVEN = gettext_noop("not given")
_LABEL_PREFIX = {
    GroupKey.INDUSTRY: "Industry",
    GroupKey.ARR_BAND: "ARR",
    GroupKey.REGION: "Region",
}
_LABEL_SHOWN = {
    # Translators: a peer group; %(value)s is an industry such as "Software and SaaS".
    GroupKey.INDUSTRY: gettext_noop("Industry: %(value)s"),
    # Translators: a peer group; %(value)s is a band of annual recurring revenue, "$1M – $5M".
    GroupKey.ARR_BAND: gettext_noop("ARR: %(value)s"),
    # Translators: a peer group; %(value)s is a region such as "Europe".
    GroupKey.REGION: gettext_noop("Region: %(value)s"),
}


def group_label(key: GroupKey, value: str | None) -> str:
    """ "All respondents", "Industry: Software and SaaS", "ARR: $1M – $5M", "Region: Europe":
    the label as kept and sent by the API, in English."""
    if key is GroupKey.ALL:
        return ALL_LABEL
    return f"{_LABEL_PREFIX[key]}: {value if value is not None else NOT_GIVEN}"


def group_label_shown(key: GroupKey, kept: str) -> str:
    """A kept label (`group_label`) in the reader's language; the value (an industry, a band, a
    region) as the bank's translation words it (`scoring.words.profile_text`). A label not made
    by `group_label` stays as it is."""
    if key is GroupKey.ALL:
        return gettext(ALL_LABEL) if kept == ALL_LABEL else kept
    prefix = f"{_LABEL_PREFIX[key]}: "
    if not kept.startswith(prefix):
        return kept
    value = kept.removeprefix(prefix)
    value = gettext(NOT_GIVEN) if value == NOT_GIVEN else profile_text(key.value, value)
    return gettext(_LABEL_SHOWN[key]) % {"value": value}


class InPeerGroups:
    """Belongs to the peer groups of its `industry`, `arr_band` and `region` (and to "all")."""

    __slots__ = ()

    def group_value(self, key: GroupKey) -> str | None:
        if key is GroupKey.ALL:
            return None
        value: str | None = getattr(self, key.value)
        return value


class WithKeptValues(InPeerGroups):
    """Has a response's kept values, in hundredths."""

    __slots__ = ()
    overall_hundredths: int
    pillar_hundredths: tuple[int, ...]
    kpi_hundredths: tuple[int | None, ...]

    @property
    def metric_hundredths(self) -> tuple[int | None, ...]:
        """Overall, then pillars, then KPIs: the column order of `PeerIndex`."""
        return (self.overall_hundredths, *self.pillar_hundredths, *self.kpi_hundredths)


@dataclass(frozen=True, slots=True, kw_only=True)
class RespondentValues(WithKeptValues):
    """The response being compared: whose it is, its profile and its kept values (hundredths)."""

    organisation_key: str  # "" without an e-mail address (then never a peer)
    industry: str | None
    arr_band: str | None
    region: str | None
    overall_hundredths: int
    pillar_hundredths: tuple[int, ...]
    kpi_hundredths: tuple[int | None, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricStats:
    """One metric in one shown group; `percentile_rank` is None when the respondent's is unknown."""

    n: int
    p25: Decimal
    median: Decimal
    p75: Decimal
    percentile_rank: Decimal | None
    band: QuartileBand | None


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class GroupComparison:
    """One peer group; when withheld (`enough_peers` False) it holds nothing but key and label.

    `fallback` names the wider group the report compares with instead of a withheld one
    ("all" when that one is shown); it is for the report's wording and never in the API.
    `kpis` maps a KPI to None when fewer than K peers of the group know it.

    It is made with `label=`, the label as kept and sent by the API, in English (`group_label`);
    that one stays `label_kept`, and `label` reads it in the reader's language.
    """

    key: GroupKey
    label_kept: str
    enough_peers: bool
    n: int | None
    overall: MetricStats | None = None
    pillars: Mapping[str, MetricStats] | None = None
    kpis: Mapping[str, MetricStats | None] | None = None
    fallback: GroupKey | None = None

    def __init__(
        self,
        *,
        key: GroupKey,
        label: str,
        enough_peers: bool,
        n: int | None,
        overall: MetricStats | None = None,
        pillars: Mapping[str, MetricStats] | None = None,
        kpis: Mapping[str, MetricStats | None] | None = None,
        fallback: GroupKey | None = None,
    ) -> None:
        set_field = object.__setattr__  # frozen: the dataclass's own way in
        set_field(self, "key", key)
        set_field(self, "label_kept", label)
        set_field(self, "enough_peers", enough_peers)
        set_field(self, "n", n)
        set_field(self, "overall", overall)
        set_field(self, "pillars", pillars)
        set_field(self, "kpis", kpis)
        set_field(self, "fallback", fallback)

    @property
    def label(self) -> str:
        """ "All respondents", "Industry: Software and SaaS", in the reader's language."""
        return group_label_shown(self.key, self.label_kept)

    def falling_back_to(self, fallback: GroupKey) -> GroupComparison:
        """The same group, with the wider one the report reads instead of it."""
        return GroupComparison(
            key=self.key,
            label=self.label_kept,
            enough_peers=self.enough_peers,
            n=self.n,
            overall=self.overall,
            pillars=self.pillars,
            kpis=self.kpis,
            fallback=fallback,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    k: int
    groups: tuple[GroupComparison, ...]

    def group(self, key: GroupKey) -> GroupComparison:
        return next(group for group in self.groups if group.key is key)

    @property
    def lead(self) -> GroupComparison | None:
        """The group a single-group view compares with: the widest shown one (None when every
        group is withheld). The results page and the report both ask here."""
        shown = [group for group in self.groups if group.enough_peers]
        return max(shown, key=lambda group: group.n or 0, default=None)
