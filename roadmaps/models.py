"""A respondent's roadmap: a target bucket per pillar and the milestones that lead there.

Both belong to a response and go with it when it is erased (CASCADE). The rules for what may be
stored (targets not below the current bucket, due dates not in the past, lengths) live in
`roadmaps/services.py`.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from responses.models import Response

TITLE_MAX_LENGTH = 200
OWNER_MAX_LENGTH = 120


def new_milestone_id() -> str:
    """128 random bits, URL-safe: a milestone's id in URLs, never its row number."""
    return secrets.token_urlsafe(16)


class PillarTarget(models.Model):
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="targets", verbose_name=_("response")
    )
    pillar_key = models.SlugField(_("pillar key"), max_length=40)
    bucket_key = models.SlugField(
        _("bucket key"), max_length=40, help_text=_("The bucket the pillar should reach.")
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("pillar target")
        verbose_name_plural = _("pillar targets")
        ordering = ["response", "pillar_key"]
        constraints = [
            models.UniqueConstraint(fields=["response", "pillar_key"], name="one_target_per_pillar")
        ]

    def __str__(self) -> str:
        return f"{self.pillar_key} → {self.bucket_key}"


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    public_id = models.CharField(
        _("public ID"), max_length=40, unique=True, default=new_milestone_id, editable=False
    )
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("response")
    )
    pillar_key = models.SlugField(_("pillar key"), max_length=40)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    owner = models.CharField(_("owner"), max_length=OWNER_MAX_LENGTH, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # The plan step that proposed it (question number and option code), so that setting a
    # target again proposes nothing twice; empty for milestones people added themselves.
    proposed_question = models.PositiveSmallIntegerField(
        _("proposed question"), null=True, blank=True
    )
    proposed_option = models.PositiveIntegerField(_("proposed option"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["response", "position", "pk"]
        indexes = [models.Index(fields=["response", "position"], name="milestone_response_idx")]

    def __str__(self) -> str:
        return self.title
