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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from responses.models import Campaign, Response


def new_team_token() -> str:
    """192 random bits: the share link of a team, and the public id of one."""
    return secrets.token_urlsafe(24)


class Team(models.Model):
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_team_token, editable=False
    )
    public_id = models.CharField(
        _("public ID"), max_length=64, unique=True, default=new_team_token, editable=False
    )
    organisation_key = models.CharField(_("organisation key"), max_length=320, db_index=True)
    created_by = models.ForeignKey(
        Response,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("campaign"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation_key"],
                condition=Q(campaign__isnull=False),
                name="one_team_per_campaign_organisation",
            )
        ]

    def __str__(self) -> str:
        if self.campaign_id:
            return gettext("team of %(organisation)s (campaign)") % {
                "organisation": self.organisation_key
            }
        return gettext("team of %(organisation)s") % {"organisation": self.organisation_key}


class TeamMember(models.Model):
    """A response in a team. It starts `pending` (answering through the team's link) and joins
    when it completes with the team's organisation; another organisation's is `refused` and
    stays the respondent's own assessment. A member may leave (`left`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Answering")
        JOINED = "joined", _("Joined")
        REFUSED = "refused", _("Another organisation")
        # Translators: a team member who left the team.
        LEFT = "left", _("Left")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team")
    )
    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="team_member", verbose_name=_("response")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    shows_name = models.BooleanField(
        _("shows name"), default=False, help_text=_("Agreed that the other members see their name.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "created_at", "pk"]

    def __str__(self) -> str:
        return gettext("%(response)s in %(team)s (%(status)s)") % {
            "response": self.response_id,
            "team": self.team_id,
            "status": self.status,
        }


class TeamReport(models.Model):
    """A team PDF for one audience (members see consenting names only; the consultant all)."""

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Members")
        CONSULTANT = "consultant", _("Consultant")

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_team_token, editable=False
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="reports", verbose_name=_("team")
    )
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="team-reports/", blank=True)

    class Meta:
        verbose_name = _("team report")
        verbose_name_plural = _("team reports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return gettext("team report %(number)s of team %(team)s (%(status)s)") % {
            "number": self.pk,
            "team": self.team_id,
            "status": self.status,
        }

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def status_text(self) -> str:
        return {
            self.Status.PENDING: gettext("The team PDF is queued."),
            self.Status.RENDERING: gettext("The team PDF is being written."),
            self.Status.READY: gettext("The team PDF is ready."),
            self.Status.FAILED: gettext(
                "We could not produce the team PDF. Our team has been told."
            ),
        }[self.Status(self.status)]
