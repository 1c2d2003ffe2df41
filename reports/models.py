"""A PDF report of one response, and the state of its rendering.

The database, not the queue, says what has to happen: a report is `pending` until a worker
claims it (one conditional UPDATE: `rendering`, a fresh `claim`, a lease deadline), and only the
holder of that claim can finish it. A worker that dies leaves the lease to run out; the
reconciler then queues the report again.
"""

from __future__ import annotations

import secrets

from django.db import models

from benchmarks.models import ResponseBenchmark
from responses.models import Response


def new_report_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: the download link cannot be guessed


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    token = models.CharField(max_length=64, unique=True, default=new_report_token, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="reports")
    generation = models.PositiveIntegerField(
        default=1, help_text="1 for the first report of this response, then 2, …"
    )
    benchmark = models.ForeignKey(
        ResponseBenchmark, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text="The render attempt holding it.")
    lease_until = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="reports/", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "generation"], name="one_report_per_response_generation"
            )
        ]

    def __str__(self) -> str:
        return f"report {self.generation} of response {self.response_id} ({self.status})"

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
            self.Status.PENDING: "Your PDF report is queued.",
            self.Status.RENDERING: "Your PDF report is being written.",
            self.Status.READY: "Your PDF report is ready.",
            self.Status.FAILED: "We could not produce your PDF report. Our team has been told.",
        }[self.Status(self.status)]


class CampaignArchive(models.Model):
    """All ready PDFs of a campaign in one ZIP, built by a worker, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    token = models.CharField(max_length=64, unique=True, default=new_report_token, editable=False)
    campaign = models.ForeignKey(
        "responses.Campaign", on_delete=models.CASCADE, related_name="archives"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0, help_text="PDFs to put in.")
    done = models.PositiveIntegerField(default=0, help_text="PDFs put in so far.")
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="archives/", blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker last put a PDF in (or started)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"archive of campaign {self.campaign_id} ({self.status})"

    @property
    def is_downloadable(self) -> bool:
        """Ready, with its file still there."""
        return self.status == self.Status.READY and bool(self.file)
