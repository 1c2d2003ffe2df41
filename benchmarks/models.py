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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from responses.models import QuestionBank, Response


class PoolState(models.Model):
    """One row. Every change to the pool locks it and takes the next `seq`, so changes are
    numbered in the order they commit."""

    # Translators: the pool's change number (sequence number), a field label in admin.
    seq = models.BigIntegerField(_("seq"), default=0)
    rebuilt_seq = models.BigIntegerField(
        _("rebuilt seq"),
        default=0,
        help_text=_("The pool was last rebuilt from scratch at this number."),
    )
    pruned_seq = models.BigIntegerField(
        _("pruned seq"),
        default=0,
        help_text=_("Rows closed at or before this number have been deleted."),
    )
    include_demo = models.BooleanField(
        _("include demo"), default=False, help_text=_("Demo responses count.")
    )
    pillar_keys = models.JSONField(
        _("pillar keys"), default=list, help_text=_("Order of PoolEntry.pillars.")
    )
    organisation_rules = models.JSONField(
        _("organisation rules"),
        default=dict,
        help_text=_("Public mailbox domains and joins the pool was built under."),
    )
    window_months = models.IntegerField(
        _("window months"),
        default=0,
        help_text=_("BENCHMARK_WINDOW_MONTHS the pool was built under (0: no window)."),
    )
    window_start = models.DateTimeField(
        _("window start"),
        null=True,
        blank=True,
        help_text=_("Responses completed before this no longer count."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pool state")
        verbose_name_plural = _("pool states")
        ordering = ["pk"]

    def __str__(self) -> str:
        return gettext("peer pool at change %(seq)s") % {"seq": self.seq}


class PoolEntry(models.Model):
    # An erased response's entries are deleted outright, closed ones too (benchmarks.erasure);
    # every process then loads the pool afresh, since it could not catch up on them any more.
    response = models.ForeignKey(
        Response,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("response"),
    )
    organisation_key = models.CharField(_("organisation key"), max_length=320)
    industry = models.CharField(_("industry"), max_length=300, blank=True)
    arr_band = models.CharField(_("ARR band"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=300, blank=True)
    overall = models.IntegerField(_("overall"), help_text=_("Hundredths."))
    pillars = models.JSONField(
        _("pillars"), help_text=_("Hundredths, in PoolState.pillar_keys order.")
    )
    nrr = models.BigIntegerField(_("NRR"), null=True, blank=True)
    retention = models.BigIntegerField(_("retention"), null=True, blank=True)
    nps = models.BigIntegerField(_("NPS"), null=True, blank=True)
    customers_per_csm = models.BigIntegerField(_("customers per CSM"), null=True, blank=True)
    # When the response was completed: the entry leaves the pool once that is outside the window.
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    added_seq = models.BigIntegerField(_("added seq"), db_index=True)
    removed_seq = models.BigIntegerField(_("removed seq"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("pool entry")
        verbose_name_plural = _("pool entries")
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

    def __str__(self) -> str:
        return gettext("%(organisation)s (response %(response)s)") % {
            "organisation": self.organisation_key,
            "response": self.response_id,
        }


class ResponseBenchmark(models.Model):
    """A respondent's comparison with their peers, exactly as shown, kept with its date."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="benchmarks", verbose_name=_("response")
    )
    computed_at = models.DateTimeField(_("computed at"))
    pool_seq = models.BigIntegerField(
        _("pool seq"), help_text=_("The pool as it stood at this change number.")
    )
    # Translators: K, the fewest peers a group must have to be shown (a field label).
    k = models.PositiveSmallIntegerField(_("K"))
    pool_size = models.PositiveIntegerField(
        _("pool size"),
        null=True,
        blank=True,
        help_text=_("Peers in 'all respondents'; empty when under K."),
    )
    comparison = models.JSONField(_("comparison"))
    # API v1 is a fixed contract, so the answer to GET /api/v1/responses/{id}/benchmark for
    # this comparison never changes: written once here, it is sent as it is on every read.
    api_json = models.TextField(
        _("API JSON"),
        blank=True,
        editable=False,
        help_text=_("The API's answer; empty for older comparisons."),
    )
    # The pool's statistics shown beside it (outcome lens, peers' shares), kept as long as it is.
    snapshot = models.ForeignKey(
        "PoolSnapshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("snapshot"),
    )

    class Meta:
        verbose_name = _("response benchmark")
        verbose_name_plural = _("response benchmarks")
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return gettext("benchmark of response %(response)s at %(at)s") % {
            "response": self.response_id,
            "at": f"{self.computed_at:%Y-%m-%d %H:%M}",
        }


class PoolSnapshot(models.Model):
    """Statistics of the whole pool as it stood at one change number, computed by a worker
    (`benchmarks.snapshots`), not per request: the outcome lens and the option adoption a
    respondent's roadmap reads its peers' shares from (`benchmarks.outcomes`). A comparison
    keeps the snapshot it was shown with."""

    pool_seq = models.BigIntegerField(
        _("pool seq"), help_text=_("The pool as it stood at this change number.")
    )
    computed_at = models.DateTimeField(_("computed at"))
    # Translators: K, the fewest peers a group must have to be shown (a field label).
    k = models.PositiveSmallIntegerField(_("K"))
    organisations = models.PositiveIntegerField(
        _("organisations"), help_text=_("In the pool; the lens hides it under K.")
    )
    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The bank whose question numbers and option codes the adoption counts use."),
        verbose_name=_("bank"),
    )
    pillar_keys = models.JSONField(
        _("pillar keys"), default=list, help_text=_("Order of PoolEntry.pillars.")
    )
    # Translators: the outcome lens, the peers' outcomes by score (a field label).
    lens = models.JSONField(_("lens"), help_text=_("The outcome lens, numbers as decimal strings."))
    adoption = models.JSONField(
        _("adoption"), help_text=_("Per pillar and bucket: organisations, and choices.")
    )

    class Meta:
        verbose_name = _("pool snapshot")
        verbose_name_plural = _("pool snapshots")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return gettext("pool snapshot at change %(seq)s (%(at)s)") % {
            "seq": self.pool_seq,
            "at": f"{self.computed_at:%Y-%m-%d %H:%M}",
        }


class BankImpact(models.Model):
    """What publishing a draft bank would do to the peer pool, computed before an admin confirms.

    Kept with the draft's fingerprint (`benchmarks.impact.bank_fingerprint`): a draft edited
    since no longer matches, so its impact is computed again and publishing asks again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="+", verbose_name=_("bank")
    )
    fingerprint = models.CharField(
        _("fingerprint"), max_length=64, help_text=_("SHA-256 of the draft's contents.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done = models.PositiveIntegerField(
        # Translators: a count: how many are done so far (a field label).
        _("done"),
        default=0,
        help_text=_("Pool responses rescored so far."),
    )
    total = models.PositiveIntegerField(
        _("total"), default=0, help_text=_("Pool responses to rescore.")
    )
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank impact")
        verbose_name_plural = _("bank impacts")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return gettext("impact of bank %(bank)s (%(status)s)") % {
            "bank": self.bank_id,
            "status": self.status,
        }
