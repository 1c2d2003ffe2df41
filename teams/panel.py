"""The team box on a respondent's results page: create a team, share its link, see how many
colleagues have answered, or read why answers given through a team link joined nothing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse

from responses.models import Response
from teams.access import MEMBERS_BEFORE_SHOWN, joined_members
from teams.models import TeamMember
from teams.services import OTHER_ORGANISATION, team_membership_settle


class PanelState(StrEnum):
    NO_TEAM = "no_team"  # may create one
    MEMBER = "member"
    REFUSED = "refused"  # answered through another organisation's team link
    LEFT = "left"


@dataclass(frozen=True, slots=True)
class TeamPanel:
    state: PanelState
    share_path: str = ""
    answered: int = 0
    needed: int = MEMBERS_BEFORE_SHOWN
    shows_name: bool = False
    message: str = ""

    @property
    def may_see(self) -> bool:
        return self.state is PanelState.MEMBER and self.answered >= self.needed


def team_panel_for(*, response: Response) -> TeamPanel:
    """What the results page says about teams. Settles a membership pending since the response
    completed (the first read after completion decides it, and later reads find it decided)."""
    member = team_membership_settle(response=response)
    if member is None or member.status == TeamMember.Status.PENDING:
        return TeamPanel(PanelState.NO_TEAM)
    if member.status == TeamMember.Status.REFUSED:
        return TeamPanel(PanelState.REFUSED, message=str(OTHER_ORGANISATION))
    if member.status == TeamMember.Status.LEFT:
        return TeamPanel(PanelState.LEFT)
    team = member.team
    return TeamPanel(
        PanelState.MEMBER,
        share_path=reverse("survey:team-invite", args=[team.token]),
        answered=joined_members(team).count(),
        shows_name=member.shows_name,
    )
