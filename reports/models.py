"""A PDF report of one response, and the state of its rendering.

The database, not the queue, says what has to happen: a report is `pending` until a worker
claims it (one conditional UPDATE: `rendering`, a fresh `claim`, a lease deadline), and only the
holder of that claim can finish it. A worker that dies leaves the lease to run out; the
reconciler then queues the report again.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from benchmarks.models import ResponseBenchmark
from responses.models import Response


def new_report_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: the download link cannot be guessed


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_report_token, editable=False
    )
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="reports", verbose_name=_("response")
    )
    generation = models.PositiveIntegerField(
        _("generation"),
        default=1,
        help_text=_("1 for the first report of this response, then 2, …"),
    )
    benchmark = models.ForeignKey(
        ResponseBenchmark,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("benchmark"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    claim = models.CharField(
        # Translators: the render attempt that holds the report (a field label).
        _("claim"),
        max_length=32,
        blank=True,
        help_text=_("The render attempt holding it."),
    )
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    render_ms = models.PositiveIntegerField(_("render ms"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "generation"], name="one_report_per_response_generation"
            )
        ]

    def __str__(self) -> str:
        return gettext("report %(generation)s of response %(response)s (%(status)s)") % {
            "generation": self.generation,
            "response": self.response_id,
            "status": self.status,
        }

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_downloadable(self) -> bool:
        """Ready, with its file still there."""
        return self.is_ready and bool(self.file)

    @property
    def status_text(self) -> str:
        """What the respondent reads about it."""
        return {
            self.Status.PENDING: gettext("Your PDF report is queued."),
            self.Status.RENDERING: gettext("Your PDF report is being written."),
            self.Status.READY: gettext("Your PDF report is ready."),
            self.Status.FAILED: gettext(
                "We could not produce your PDF report. Our team has been told."
            ),
        }[self.Status(self.status)]


class CampaignArchive(models.Model):
    """All ready PDFs of a campaign in one ZIP, built by a worker, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_report_token, editable=False
    )
    campaign = models.ForeignKey(
        "responses.Campaign",
        on_delete=models.CASCADE,
        related_name="archives",
        verbose_name=_("campaign"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("total"), default=0, help_text=_("PDFs to put in."))
    # Translators: a count: how many are done so far (a field label).
    done = models.PositiveIntegerField(_("done"), default=0, help_text=_("PDFs put in so far."))
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="archives/", blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    progress_at = models.DateTimeField(
        _("progress at"),
        null=True,
        blank=True,
        help_text=_("When the worker last put a PDF in (or started)."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign archive")
        verbose_name_plural = _("campaign archives")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return gettext("archive of campaign %(campaign)s (%(status)s)") % {
            "campaign": self.campaign_id,
            "status": self.status,
        }

    @property
    def is_downloadable(self) -> bool:
        """Ready, with its file still there."""
        return self.status == self.Status.READY and bool(self.file)
