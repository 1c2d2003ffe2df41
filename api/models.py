"""What the JSON API keeps of its own: the replies to submissions that carried an
Idempotency-Key (API.md), so that the same call again gets the same answer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consultants.models import ApiToken
from responses.models import Response


class IdempotentReply(models.Model):
    """The reply to a `POST /api/v1/responses` made with an Idempotency-Key, per token and key.

    The row is written in the transaction that stores the response, before the response is
    completed: while `status` is empty the first call is still at work, and a call with the
    same key waits for its reply. Erasing the response erases its reply too.
    """

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="+", verbose_name=_("token")
    )
    key = models.CharField(_("key"), max_length=200)
    request_hash = models.CharField(
        _("request hash"),
        max_length=64,
        help_text=_("SHA-256 of the request body as canonical JSON."),
    )
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="+", verbose_name=_("response")
    )
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.JSONField(_("body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent reply")
        verbose_name_plural = _("idempotent replies")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_reply_one_per_token_key")
        ]

    def __str__(self) -> str:
        if self.status:
            return f"{self.key} ({self.status})"
        return gettext("%(key)s (in progress)") % {"key": self.key}
