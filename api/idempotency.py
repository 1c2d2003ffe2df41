"""Idempotency-Key on `POST /api/v1/responses` (API.md): the same call again, with the same key
and the same body, answers what the first call answered and stores nothing new.

The key is claimed in the transaction that stores the response (`response_start`), so a second
call with the key, even one made at the same moment, cannot store another: its claim fails on
the unique (token, key) constraint (PostgreSQL holds its INSERT until the first call commits;
SQLite writes one transaction at a time), and it waits for the first call's reply. The response
is completed afterwards, in the survey's own transaction, which queues the report once that
commits. A first call that died before its reply was kept leaves a claim nobody answers: after
CLAIM_WAIT_SECONDS a repeated call finishes the submission itself (a response is completed
once, whoever asks).

Only a stored response claims its key. A refused submission (400) keeps nothing, so the
corrected body may be sent with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from api.base import SubmissionRejected
from api.models import IdempotentReply
from api.submissions import response_finish, response_start
from consultants.models import ApiToken
from responses.models import QuestionBank, Response

KEY_HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x20-\x7e]{1,200}$"  # 1-200 printable ASCII characters, as API.md says
_KEY = re.compile(KEY_PATTERN)
KEY_PARAMETER = {  # as the OpenAPI document states it
    "in": "header",
    "name": KEY_HEADER,
    "required": False,
    "description": "Sent again with the same body, the call answers what the first answered "
    "and stores nothing new (kept at least 24 hours, per token); with another body it answers "
    "422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": KEY_PATTERN},
}
# Longer than a submission takes, a first comparison included: a claim still unanswered after
# this long was left by a call that died, and the next call with the key finishes it.
CLAIM_WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: dict[str, Any]


class KeyReused(Exception):
    """The key was used before with a different body: 422."""

    def __init__(self) -> None:
        super().__init__(
            "This key was already used with a different body. Send a new key for a new submission."
        )


def idempotency_key(request: HttpRequest) -> str | None:
    """The request's Idempotency-Key; None without one, 400 when it is not a valid key."""
    key = request.headers.get(KEY_HEADER)
    if key is not None and not _KEY.fullmatch(key):
        raise SubmissionRejected({KEY_HEADER: "Give 1 to 200 printable ASCII characters."})
    return key


def request_hash(body: Mapping[str, Any]) -> str:
    """The body as canonical JSON (keys sorted, no spaces), hashed: the same JSON written
    another way is the same body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def response_submit_once(
    *,
    token: ApiToken,
    key: str,
    body_hash: str,
    bank: QuestionBank,
    answers: Mapping[str, object],
    reply_body: Callable[[Response], dict[str, Any]],
) -> Reply:
    """The reply to a submission made with an Idempotency-Key: the kept one when the token used
    the key before with the same body (KeyReused with another body), else the reply of storing
    the submission now (`reply_body` of the completed response, 201), kept under the key."""
    while True:
        kept = IdempotentReply.objects.filter(token=token, key=key).first()
        if kept is None:
            claimed = _claim(token=token, key=key, body_hash=body_hash, bank=bank, answers=answers)
            if claimed is None:  # another call claimed the key first: wait for its reply
                continue
            if isinstance(claimed, Reply):
                return claimed
            kept = claimed
        elif kept.request_hash != body_hash:
            raise KeyReused
        elif (reply := _reply(kept)) is not None:
            return reply
        elif timezone.now() - kept.created_at < timedelta(seconds=CLAIM_WAIT_SECONDS):
            time.sleep(POLL_SECONDS)  # the first call is still at work
            continue
        finished = _finish(kept, reply_body)
        if finished is not None:
            return finished


def _claim(
    *,
    token: ApiToken,
    key: str,
    body_hash: str,
    bank: QuestionBank,
    answers: Mapping[str, object],
) -> IdempotentReply | Reply | None:
    """Store the response and claim the key for it, in one transaction. A Reply (400) when the
    answers are refused (nothing stored, nothing kept); None when another call has the key."""
    try:
        with transaction.atomic():
            started = response_start(bank=bank, answers=answers, submitted_by=token.user)
            if started.response is None:
                return Reply(status=400, body={"errors": started.errors})
            return IdempotentReply.objects.create(
                token=token, key=key, request_hash=body_hash, response=started.response
            )
    except IntegrityError:
        return None


def _finish(
    kept: IdempotentReply, reply_body: Callable[[Response], dict[str, Any]]
) -> Reply | None:
    """Complete the claimed submission and keep its reply; the reply another call kept first
    wins. None when the response is gone, and its claim with it."""
    try:
        finished = response_finish(response=kept.response)
    except Response.DoesNotExist:
        return None
    if finished.response is None:  # it could not be completed: deleted, and its claim with it
        return Reply(status=400, body={"errors": finished.errors})
    # Kept as the JSON it is sent as, so that every reply under the key is the same text.
    body = json.loads(json.dumps(reply_body(finished.response), cls=DjangoJSONEncoder))
    IdempotentReply.objects.filter(pk=kept.pk, status__isnull=True).update(status=201, body=body)
    stored = IdempotentReply.objects.filter(pk=kept.pk).first()
    return None if stored is None else _reply(stored)


def _reply(kept: IdempotentReply) -> Reply | None:
    """The reply kept under the key; None while the first call is still at work."""
    if kept.status is None or not isinstance(kept.body, dict):
        return None
    return Reply(status=kept.status, body=kept.body)


def idempotent_replies_purge() -> int:
    """Forget the replies kept for longer than API_IDEMPOTENCY_HOURS (at least a day)."""
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotentReply.objects.filter(created_at__lt=cutoff).delete()
    return deleted
