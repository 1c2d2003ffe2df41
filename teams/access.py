"""Who may see a team: the one home of the rule, asked by the member's page, the workspace, the
PDF and the API alike.

- A respondent who joined the team (their response completed with the team's organisation and
  they have not left) sees it through their own private link, once at least
  `MEMBERS_BEFORE_SHOWN` members have answered; before that they read how many have.
- The consultant who owns the campaign a campaign team belongs to sees it at once (and an
  administrator, who sees every campaign).
- Nobody else: not someone who typed the same e-mail domain (addresses are not verified), not a
  respondent whose answers were refused for another organisation, not a member who left.

Names: the consultant sees every member's name; a member sees another member's name only when
that member agreed to it (`TeamMember.shows_name`), and otherwise "Member 2".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from responses.access import campaigns_visible_to
from responses.models import Response
from teams.models import Team, TeamMember

# Fewer members than this and a member's view would show one colleague's answers nearly bare.
MEMBERS_BEFORE_SHOWN = 3


class Audience(StrEnum):
    """Who is looking: it decides whose names are shown."""

    MEMBERS = "members"
    CONSULTANT = "consultant"


def team_organisation(team: Team) -> str:
    """The team's organisation as the rule stands now: a link team's is its founder's (kept in
    line when an admin joins domains), a campaign team's the key it was opened for."""
    founder = team.created_by
    if founder is not None and founder.organisation_key:
        return founder.organisation_key
    return team.organisation_key


def joined_members(team: Team) -> QuerySet[TeamMember]:
    """The members who count: joined, not left, their response completed (link teams)."""
    return team.members.filter(
        status=TeamMember.Status.JOINED, response__status=Response.Status.COMPLETED
    )


def campaign_team_responses(team: Team) -> QuerySet[Response]:
    """A campaign team's members: the campaign's completed responses of its organisation, each
    person once (an assessment taken again in the campaign stands for the earlier one)."""
    if team.campaign_id is None:
        return Response.objects.none()
    return Response.objects.filter(
        campaign_id=team.campaign_id,
        organisation_key=team.organisation_key,
        status=Response.Status.COMPLETED,
    ).exclude(
        next_assessments__campaign_id=team.campaign_id,
        next_assessments__status=Response.Status.COMPLETED,
    )


def team_member_responses(team: Team) -> QuerySet[Response]:
    """Every response the team's statistics are made of."""
    if team.campaign_id is not None:
        return campaign_team_responses(team)
    return Response.objects.filter(
        team_member__team=team,
        team_member__status=TeamMember.Status.JOINED,
        status=Response.Status.COMPLETED,
    )


@dataclass(frozen=True, slots=True)
class MemberAccess:
    """What a respondent's own link opens of their team."""

    member: TeamMember
    answered: int  # members who joined and completed

    @property
    def may_see(self) -> bool:
        return self.member.status == TeamMember.Status.JOINED and (
            self.answered >= MEMBERS_BEFORE_SHOWN
        )

    @property
    def waiting_for(self) -> int:
        return max(MEMBERS_BEFORE_SHOWN - self.answered, 0)


def member_access(*, response: Response) -> MemberAccess | None:
    """The respondent's standing in the team they joined; None when they are in no team they
    may open (never joined one, refused for another organisation, left, or not completed)."""
    member = (
        TeamMember.objects.select_related("team")
        .filter(response=response, status=TeamMember.Status.JOINED)
        .first()
    )
    if member is None or not response.is_completed or member.team.campaign_id is not None:
        return None
    return MemberAccess(member=member, answered=joined_members(member.team).count())


def consultant_teams(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Team]:
    """The campaign teams a consultant may see: those of the campaigns they may see (their own;
    every one for an administrator, as `responses.access` rules)."""
    return Team.objects.filter(campaign__in=campaigns_visible_to(user))


def consultant_may_see(*, team: Team, user: AbstractBaseUser | AnonymousUser) -> bool:
    return consultant_teams(user=user).filter(pk=team.pk).exists()


def name_shown(*, audience: Audience, member: TeamMember | None) -> bool:
    """Whether a member's name may be shown: always to the consultant (a campaign's members
    answered the consultant's link), to members only when that member agreed to it."""
    if audience is Audience.CONSULTANT:
        return True
    return member is not None and member.shows_name
