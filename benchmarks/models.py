"""The peer pool as stored, and each respondent's comparison as it stood when computed.

The pool (`PoolEntry`) holds one active row per organisation: the values of that organisation's
latest completed response that counts (SCORING.md §4), in hundredths. Rows are never updated in
place: a change closes the old row (`removed_seq`) and opens a new one (`added_seq`) under the next
number of `PoolState.seq`. Any process can therefore bring its in-memory index up to date by
reading just the rows changed since the number it last saw, and read the pool exactly as it
stood at any recent number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from responses.models import QuestionBank, Response


class PoolState(models.Model):
    """One row. Every change to the pool locks it and takes the next `seq`, so changes are
    numbered in the order they commit."""

    seq = models.BigIntegerField(default=0)
    rebuilt_seq = models.BigIntegerField(
        default=0, help_text="The pool was last rebuilt from scratch at this number."
    )
    pruned_seq = models.BigIntegerField(
        default=0, help_text="Rows closed at or before this number have been deleted."
    )
    include_demo = models.BooleanField(default=False, help_text="Demo responses count.")
    pillar_keys = models.JSONField(default=list, help_text="Order of PoolEntry.pillars.")
    organisation_rules = models.JSONField(
        default=dict, help_text="Public mailbox domains and joins the pool was built under."
    )
    window_months = models.IntegerField(
        default=0, help_text="BENCHMARK_WINDOW_MONTHS the pool was built under (0: no window)."
    )
    window_start = models.DateTimeField(
        null=True, blank=True, help_text="Responses completed before this no longer count."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"peer pool at change {self.seq}"


class PoolEntry(models.Model):
    # An erased response's entries are deleted outright, closed ones too (benchmarks.erasure);
    # every process then loads the pool afresh, since it could not catch up on them any more.
    response = models.ForeignKey(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation_key = models.CharField(max_length=320)
    industry = models.CharField(max_length=300, blank=True)
    arr_band = models.CharField(max_length=300, blank=True)
    region = models.CharField(max_length=300, blank=True)
    overall = models.IntegerField(help_text="Hundredths.")
    pillars = models.JSONField(help_text="Hundredths, in PoolState.pillar_keys order.")
    nrr = models.BigIntegerField(null=True, blank=True)
    retention = models.BigIntegerField(null=True, blank=True)
    nps = models.BigIntegerField(null=True, blank=True)
    customers_per_csm = models.BigIntegerField(null=True, blank=True)
    # When the response was completed: the entry leaves the pool once that is outside the window.
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    added_seq = models.BigIntegerField(db_index=True)
    removed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_key"],
                condition=Q(removed_seq__isnull=True),
                name="one_active_pool_entry_per_organisation",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation_key", "added_seq"], name="pool_entry_organisation_idx"
            )
        ]
        verbose_name_plural = "pool entries"

    def __str__(self) -> str:
        return f"{self.organisation_key} (response {self.response_id})"


class ResponseBenchmark(models.Model):
    """A respondent's comparison with their peers, exactly as shown, kept with its date."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="benchmarks")
    computed_at = models.DateTimeField()
    pool_seq = models.BigIntegerField(help_text="The pool as it stood at this change number.")
    k = models.PositiveSmallIntegerField()
    pool_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Peers in 'all respondents'; empty when under K."
    )
    comparison = models.JSONField()
    # API v1 is a fixed contract, so the answer to GET /api/v1/responses/{id}/benchmark for
    # this comparison never changes: written once here, it is sent as it is on every read.
    api_json = models.TextField(
        blank=True, editable=False, help_text="The API's answer; empty for older comparisons."
    )
    # The pool's statistics shown beside it (outcome lens, peers' shares), kept as long as it is.
    snapshot = models.ForeignKey(
        "PoolSnapshot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"benchmark of response {self.response_id} at {self.computed_at:%Y-%m-%d %H:%M}"


class PoolSnapshot(models.Model):
    """Statistics of the whole pool as it stood at one change number, computed by a worker
    (`benchmarks.snapshots`), not per request: the outcome lens and the option adoption a
    respondent's roadmap reads its peers' shares from (`benchmarks.outcomes`). A comparison
    keeps the snapshot it was shown with."""

    pool_seq = models.BigIntegerField(help_text="The pool as it stood at this change number.")
    computed_at = models.DateTimeField()
    k = models.PositiveSmallIntegerField()
    organisations = models.PositiveIntegerField(help_text="In the pool; the lens hides it under K.")
    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The bank whose question numbers and option codes the adoption counts use.",
    )
    pillar_keys = models.JSONField(default=list, help_text="Order of PoolEntry.pillars.")
    lens = models.JSONField(help_text="The outcome lens, numbers as decimal strings.")
    adoption = models.JSONField(help_text="Per pillar and bucket: organisations, and choices.")

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"pool snapshot at change {self.pool_seq} ({self.computed_at:%Y-%m-%d %H:%M})"


class BankImpact(models.Model):
    """What publishing a draft bank would do to the peer pool, computed before an admin confirms.

    Kept with the draft's fingerprint (`benchmarks.impact.bank_fingerprint`): a draft edited
    since no longer matches, so its impact is computed again and publishing asks again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Computing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the draft's contents.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0, help_text="Pool responses rescored so far.")
    total = models.PositiveIntegerField(default=0, help_text="Pool responses to rescore.")
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"impact of bank {self.bank_id} ({self.status})"
