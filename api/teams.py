"""API route of team assessments: a consultant's campaign team, in numbers (additive to v1).

A team of someone else's campaign answers 404, exactly like one that does not exist. Respondents'
own link teams are never in the API: their members see them through their private links.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from api.base import TOKEN_ROUTE, Detail, api_token
from responses.url_tokens import is_token_shaped
from teams.access import Audience, consultant_teams
from teams.selectors import TeamView, team_view_for
from teams.statistics import Spread

router = Router(tags=["teams"])


class SpreadOut(Schema):
    median: float
    lowest: float
    highest: float


class PeerStats(Schema):
    team_median: float
    p25: float
    median: float
    p75: float
    percentile_rank: float


class PeersOut(Schema):
    """The team's medians against the peer pool ("all respondents", the team's own organisation
    left out). Under K organisations: `{"k", "enough_peers": false, "n": null}` and nothing else."""

    k: int
    enough_peers: bool
    n: int | None
    overall: PeerStats | None = None
    pillars: dict[str, PeerStats] | None = None


class TeamOut(Schema):
    id: str
    organisation: str
    campaign: str
    members: int
    overall: SpreadOut
    pillars: dict[str, SpreadOut]
    peers: PeersOut


@router.get(
    "/teams/{team_id}",
    response={200: TeamOut, 404: Detail, **TOKEN_ROUTE},
    url_name="team",
    exclude_unset=True,
)
def team_get(request: HttpRequest, team_id: str) -> dict[str, Any]:
    """One organisation's completed responses in one of your campaigns, seen as a team: per
    pillar the median, lowest and highest score, and the team's medians against its peers."""
    if not is_token_shaped(team_id):
        raise Http404("No such team.")
    team = (
        consultant_teams(user=api_token(request).user)
        .select_related("campaign")
        .filter(public_id=team_id)
        .first()
    )
    if team is None:
        raise Http404("No such team.")
    try:
        view = team_view_for(team=team, audience=Audience.CONSULTANT)
    except LookupError as error:
        raise Http404("No such team.") from error
    return team_payload(view)


def team_payload(view: TeamView) -> dict[str, Any]:
    assert view.team.campaign is not None
    return {
        "id": view.team.public_id,
        "organisation": view.team.organisation_key,
        "campaign": view.team.campaign.client_name,
        "members": view.member_count,
        "overall": _spread(view.overall),
        "pillars": {pillar.key: _spread(pillar.spread) for pillar in view.pillars},
        "peers": _peers(view),
    }


def _spread(spread: Spread) -> dict[str, float]:
    return {
        "median": _number(spread.median),
        "lowest": _number(spread.lowest),
        "highest": _number(spread.highest),
    }


def _peers(view: TeamView) -> dict[str, Any]:
    peers = view.peers
    if not peers.shown:
        return {"k": peers.k, "enough_peers": False, "n": None}
    stats = {
        row.key: {
            "team_median": _number(row.team_median),
            "p25": _number(row.peers_p25),
            "median": _number(row.peers_median),
            "p75": _number(row.peers_p75),
            "percentile_rank": _number(row.percentile_rank),
        }
        for row in peers.rows
    }
    overall = stats.pop("overall")
    return {"k": peers.k, "enough_peers": True, "n": peers.n, "overall": overall, "pillars": stats}


def _number(value: Decimal) -> float:
    return float(value)
