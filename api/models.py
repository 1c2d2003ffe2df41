"""What the JSON API keeps of its own: the replies to submissions that carried an
Idempotency-Key (API.md), so that the same call again gets the same answer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from consultants.models import ApiToken
from responses.models import Response


class IdempotentReply(models.Model):
    """The reply to a `POST /api/v1/responses` made with an Idempotency-Key, per token and key.

    The row is written in the transaction that stores the response, before the response is
    completed: while `status` is empty the first call is still at work, and a call with the
    same key waits for its reply. Erasing the response erases its reply too.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the request body as canonical JSON."
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_reply_one_per_token_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status or 'in progress'})"
