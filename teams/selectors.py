"""Reads for a team's view, page, PDF and API alike: load the members' kept scores and answers
in a few queries, then hand plain values to `teams.statistics`.

Whoever calls these has already asked `teams.access` whether the viewer may see the team; the
`audience` given here only decides whose names are shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count
from django.utils.translation import gettext as _

from benchmarks.groups import GroupComparison, GroupKey, RespondentValues
from benchmarks.pool import hundredths
from benchmarks.selectors import benchmark_k, peer_index_current, pool_entry_of, pool_member
from responses.bank_texts import bank_spec_shown
from responses.models import Campaign, Response
from scoring.bank import MAX_POINTS, BankSpec
from scoring.errors import ScoringError
from scoring.kpis import KPI_KEYS
from scoring.scores import question_score
from scoring.standing import rank_text
from teams.access import (
    MEMBERS_BEFORE_SHOWN,
    Audience,
    name_shown,
    team_member_responses,
    team_organisation,
)
from teams.models import Team, TeamMember
from teams.statistics import Spread, median_hundredths, most_divergent, spread_of

OVERALL = "overall"
DIVERGENT_QUESTIONS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class PillarSpread:
    key: str
    name: str
    spread: Spread


@dataclass(frozen=True, slots=True)
class DivergentQuestion:
    number: int
    text: str
    pillar_name: str
    gap: Decimal
    lowest: Decimal
    highest: Decimal


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member against the team: their kept scores, labelled as the audience may see."""

    label: str
    is_viewer: bool
    overall: Decimal
    pillars: tuple[Decimal, ...]  # in the view's pillar order


@dataclass(frozen=True, slots=True)
class PeerRow:
    key: str  # "overall" or a pillar key
    name: str
    team_median: Decimal
    peers_median: Decimal
    peers_p25: Decimal
    peers_p75: Decimal
    percentile_rank: Decimal  # the team median's, among the peers
    rank: str  # "higher than 52 % of peers"


@dataclass(frozen=True, slots=True)
class TeamPeers:
    """The team's medians against the peer pool ("all respondents", leaving out every response
    of the team's own organisation). `rows` is empty when fewer than `k` organisations remain:
    then nothing about the pool is shown, not even its size."""

    k: int
    n: int | None
    rows: tuple[PeerRow, ...]

    @property
    def shown(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True, slots=True)
class TeamView:
    team: Team
    audience: Audience
    member_count: int
    overall: Spread
    pillars: tuple[PillarSpread, ...]
    divergent: tuple[DivergentQuestion, ...]
    members: tuple[MemberRow, ...]
    peers: TeamPeers
    spec_title: str


@dataclass(frozen=True, slots=True)
class _Member:
    response: Response
    member: TeamMember | None
    spec: BankSpec
    overall: int
    pillars: dict[str, int]


def team_view_for(*, team: Team, audience: Audience, viewer: Response | None = None) -> TeamView:
    """The team as `audience` may see it; `viewer`: the member looking (labelled "You"). Raises
    LookupError when the team has no completed member yet, and, for its members, when fewer
    than MEMBERS_BEFORE_SHOWN can be shown (a member scored on other pillars drops out): a
    view of two would show the one other member's exact scores."""
    members = _members_loaded(team)
    if not members:
        raise LookupError("This team has no completed assessment yet.")
    spec = max(members, key=lambda m: m.response.completed_at or m.response.created_at).spec
    layout = [pillar.key for pillar in spec.pillars]
    members = [m for m in members if set(m.pillars) == set(layout)]
    if audience is Audience.MEMBERS and len(members) < MEMBERS_BEFORE_SHOWN:
        raise LookupError("Too few members can be shown together.")
    names = {pillar.key: pillar.name for pillar in spec.pillars}
    spreads = {key: spread_of([m.pillars[key] for m in members]) for key in layout}
    overall = spread_of([m.overall for m in members])
    return TeamView(
        team=team,
        audience=audience,
        member_count=len(members),
        overall=overall,
        pillars=tuple(PillarSpread(key, names[key], spreads[key]) for key in layout),
        divergent=tuple(_divergent(spec, members)),
        members=tuple(_member_rows(members, layout, audience, viewer)),
        peers=_peers(team, members, layout, names),
        spec_title=spec.title,
    )


def _members_loaded(team: Team) -> list[_Member]:
    responses = (
        team_member_responses(team)
        .select_related("score__bank", "team_member")
        .prefetch_related("score__pillars")
        .order_by("completed_at", "pk")
    )
    loaded = []
    for response in responses:
        score = getattr(response, "score", None)
        if score is None:
            continue
        overall = hundredths(score.overall)
        assert overall is not None
        pillars = {row.pillar_key: hundredths(row.score) or 0 for row in score.pillars.all()}
        loaded.append(
            _Member(
                response=response,
                member=_member_of(response),
                spec=bank_spec_shown(bank=score.bank),
                overall=overall,
                pillars=pillars,
            )
        )
    return loaded


def _member_of(response: Response) -> TeamMember | None:
    try:
        return response.team_member
    except TeamMember.DoesNotExist:
        return None


def _divergent(spec: BankSpec, members: Sequence[_Member]) -> list[DivergentQuestion]:
    """Each scored question's answers in points (0..3), each read against the bank version that
    member answered; then the most divergent ones, worded from the view's bank."""
    points: dict[int, list[Fraction]] = defaultdict(list)
    for member in members:
        for question in member.spec.questions:
            value = member.response.answers.get(str(question.number))
            if not question.is_scored or value is None:
                continue
            try:
                points[question.number].append(
                    question_score(question, value) * Fraction(MAX_POINTS)
                )
            except ScoringError:
                continue  # an answer its bank cannot score says nothing about divergence
    pillar_names = {pillar.key: pillar.name for pillar in spec.pillars}
    found = []
    for item in most_divergent(points, limit=DIVERGENT_QUESTIONS_SHOWN):
        worded = spec.question(item.question_number)
        if worded is None:
            continue
        found.append(
            DivergentQuestion(
                number=worded.number,
                text=worded.text,
                pillar_name=pillar_names.get(worded.pillar or "", ""),
                gap=item.gap_shown,
                lowest=item.lowest_shown,
                highest=item.highest_shown,
            )
        )
    return found


def _member_rows(
    members: Sequence[_Member],
    layout: Sequence[str],
    audience: Audience,
    viewer: Response | None,
) -> list[MemberRow]:
    """Ordered by overall score, highest first (then by pillar scores): an order that says
    nothing about who joined when, so "Member 2" cannot be told apart by it."""
    ordered = sorted(
        members, key=lambda m: (-m.overall, *(-m.pillars[key] for key in layout), m.response.pk)
    )
    rows = []
    for position, member in enumerate(ordered, start=1):
        is_viewer = viewer is not None and member.response.pk == viewer.pk
        rows.append(
            MemberRow(
                label=_label(member, position, audience, is_viewer),
                is_viewer=is_viewer,
                overall=_shown(member.overall),
                pillars=tuple(_shown(member.pillars[key]) for key in layout),
            )
        )
    return rows


def _label(member: _Member, position: int, audience: Audience, is_viewer: bool) -> str:
    if is_viewer:
        # Translators: the reader's own row in the team's table of members.
        return _("You")
    if name_shown(audience=audience, member=member.member):
        name = respondent_name(member.spec, member.response)
        if name:
            return name
        if audience is Audience.CONSULTANT and member.response.email:
            return member.response.email
    # Translators: a member who shows no name, "Member 2".
    return _("Member %(number)s") % {"number": position}


def respondent_name(spec: BankSpec, response: Response) -> str:
    """The name the respondent gave ("Your name"), or "" when the bank asks none."""
    asked = spec.question_for_role("name")
    name = response.answers.get(str(asked.number)) if asked else None
    return name.strip() if isinstance(name, str) else ""


def _peers(
    team: Team, members: Sequence[_Member], layout: Sequence[str], names: dict[str, str]
) -> TeamPeers:
    """The team's medians (as shown, in whole hundredths) ranked in the pool's "all
    respondents" group, every response of the team's organisation left out."""
    k = benchmark_k()
    with peer_index_current() as live:
        if set(live.pillar_keys) != set(layout):
            return TeamPeers(k=k, n=None, rows=())
        own_entry = pool_entry_of(organisation_key=team_organisation(team), seq=live.seq)
        team_values = RespondentValues(
            organisation_key=team_organisation(team),
            industry=None,
            arr_band=None,
            region=None,
            overall_hundredths=median_hundredths([m.overall for m in members]),
            pillar_hundredths=tuple(
                median_hundredths([m.pillars[key] for m in members]) for key in live.pillar_keys
            ),
            kpi_hundredths=tuple(None for _ in KPI_KEYS),
        )
        comparison = live.index.compare(
            respondent=team_values,
            own=pool_member(own_entry) if own_entry is not None else None,
            k=k,
        )
        pillar_keys = live.pillar_keys
    everyone = comparison.group(GroupKey.ALL)
    if not everyone.enough_peers:
        return TeamPeers(k=k, n=None, rows=())
    return TeamPeers(k=k, n=everyone.n, rows=_peer_rows(everyone, team_values, pillar_keys, names))


def _peer_rows(
    group: GroupComparison,
    team_values: RespondentValues,
    pillar_keys: Sequence[str],
    names: dict[str, str],
) -> tuple[PeerRow, ...]:
    assert group.overall is not None and group.pillars is not None
    metrics = [(OVERALL, _("Overall"), team_values.overall_hundredths, group.overall)]
    metrics += [
        (key, names[key], value, group.pillars[key])
        for key, value in zip(pillar_keys, team_values.pillar_hundredths, strict=True)
    ]
    rows = []
    for key, name, value, stats in metrics:
        assert stats.percentile_rank is not None  # the team's medians are always known
        rows.append(
            PeerRow(
                key=key,
                name=name,
                team_median=_shown(value),
                peers_median=stats.median,
                peers_p25=stats.p25,
                peers_p75=stats.p75,
                percentile_rank=stats.percentile_rank,
                rank=rank_text(stats.percentile_rank),
            )
        )
    return tuple(rows)


def _shown(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def campaign_organisations(*, campaign: Campaign) -> list[tuple[str, int]]:
    """Each organisation of a campaign with completed responses, and how many: one team view
    each on the campaign's page (one query, counted by the database)."""
    rows = (
        campaign.responses.filter(status=Response.Status.COMPLETED)
        .exclude(organisation_key="")
        .values("organisation_key")
        .annotate(completed=Count("pk"))
        .order_by("organisation_key")
    )
    return [(row["organisation_key"], row["completed"]) for row in rows]
