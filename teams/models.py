"""Team assessments: several people of one organisation, seen together.

A team is either a respondent's (they created it on their results page and shared its link,
`token`) or a campaign's (the completed responses of one organisation in a consultant's
campaign; no link, the consultant sees it in the workspace). `public_id` names a team in the API
and the workspace; `token` is only the share link. Who may see a team: `teams.access`.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from responses.models import Campaign, Response


def new_team_token() -> str:
    """192 random bits: the share link of a team, and the public id of one."""
    return secrets.token_urlsafe(24)


class Team(models.Model):
    token = models.CharField(max_length=64, unique=True, default=new_team_token, editable=False)
    public_id = models.CharField(max_length=64, unique=True, default=new_team_token, editable=False)
    organisation_key = models.CharField(max_length=320, db_index=True)
    created_by = models.ForeignKey(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation_key"],
                condition=Q(campaign__isnull=False),
                name="one_team_per_campaign_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"team of {self.organisation_key}" + (" (campaign)" if self.campaign_id else "")


class TeamMember(models.Model):
    """A response in a team. It starts `pending` (answering through the team's link) and joins
    when it completes with the team's organisation; another organisation's is `refused` and
    stays the respondent's own assessment. A member may leave (`left`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Answering"
        JOINED = "joined", "Joined"
        REFUSED = "refused", "Another organisation"
        LEFT = "left", "Left"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="team_member")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    shows_name = models.BooleanField(
        default=False, help_text="Agreed that the other members see their name."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.response_id} in {self.team_id} ({self.status})"


class TeamReport(models.Model):
    """A team PDF for one audience (members see consenting names only; the consultant all)."""

    class Audience(models.TextChoices):
        MEMBERS = "members", "Members"
        CONSULTANT = "consultant", "Consultant"

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    token = models.CharField(max_length=64, unique=True, default=new_team_token, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reports")
    audience = models.CharField(max_length=12, choices=Audience.choices)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="team-reports/", blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"team report {self.pk} of team {self.team_id} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def status_text(self) -> str:
        return {
            self.Status.PENDING: "The team PDF is queued.",
            self.Status.RENDERING: "The team PDF is being written.",
            self.Status.READY: "The team PDF is ready.",
            self.Status.FAILED: "We could not produce the team PDF. Our team has been told.",
        }[self.Status(self.status)]
