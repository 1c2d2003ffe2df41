"""Erasing respondents' data: the one home of what erasing a response removes, wherever it lies.

A person's data has one life. `responses_erase` deletes the responses and every copy of them:
each app that keeps something of a response (the peer pool's entries, PDFs, the ZIPs that hold
them, team reports) registers a step here from its AppConfig.ready (`erasure_step`), so this
lowest layer never imports the apps above it. A step runs in the erasure's transaction before
the rows go; it names the stored files to remove and may leave work for after the rows are gone
(the pool moving on).

Files are not part of the transaction: each is written down as a `FileToErase` in it, removed
from storage once it commits, and one the storage could not remove then (S3 or a disk briefly
away) is removed by the next `erased_files_remove` run. An `Erasure` row records each erasure
without personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from responses.models import Erasure, FileToErase, Invitation, Response

logger = logging.getLogger(__name__)

REMOVE_PER_RUN = 500  # files the periodic run retries at most; the rest wait for the next


@dataclass(frozen=True, slots=True)
class ErasurePart:
    """What one app does for an erasure: stored files to remove once it commits, and work to do
    once the responses' rows are gone (in the same transaction)."""

    files: list[str] = field(default_factory=list)
    after: Callable[[], None] | None = None


ErasureStep = Callable[[list[int]], ErasurePart]
_steps: dict[str, ErasureStep] = {}


def erasure_step(name: str, step: ErasureStep) -> None:
    """Register (or replace) an app's step: called with the ids of the responses being erased."""
    _steps[name] = step


def responses_erase(
    *, responses: QuerySet[Response], reason: Erasure.Reason, actor: Any = None
) -> Erasure | None:
    """Erase these responses and every copy of their data; None when there was none to erase
    (a link used again, a response erased meanwhile)."""
    with transaction.atomic():
        response_ids = list(
            Response.objects.select_for_update()
            .filter(pk__in=responses.values("pk"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not response_ids:
            return None
        parts = [step(response_ids) for step in _steps.values()]
        # An invitation that led to the response holds the address: it goes too.
        Invitation.objects.filter(response_id__in=response_ids).delete()
        Response.objects.filter(pk__in=response_ids).delete()
        for part in parts:
            if part.after is not None:
                part.after()
        files = sorted({name for part in parts for name in part.files if name})
        FileToErase.objects.bulk_create(
            [FileToErase(name=name) for name in files], ignore_conflicts=True
        )
        erasure = Erasure.objects.create(
            reason=reason,
            actor_text=actor.get_username() if actor is not None else "",
            responses=len(response_ids),
            files=len(files),
        )
        transaction.on_commit(lambda: erased_files_remove(names=files))
    logger.info(
        "Erased responses",
        extra={"reason": str(reason), "responses": len(response_ids), "files": len(files)},
    )
    return erasure


def erased_files_remove(*, names: Iterable[str] | None = None) -> int:
    """Remove erased data's files from storage: these names, or every one still waiting.
    Returns how many are still waiting afterwards (the storage refused them)."""
    waiting = FileToErase.objects.all()
    if names is not None:
        waiting = waiting.filter(name__in=list(names))
    for pending in waiting[:REMOVE_PER_RUN]:
        try:
            default_storage.delete(pending.name)
        except Exception as error:
            FileToErase.objects.filter(pk=pending.pk).update(
                attempts=pending.attempts + 1, last_error=str(error)[:1000]
            )
            logger.warning("Could not remove an erased file yet; tried again later: %s", error)
        else:
            FileToErase.objects.filter(pk=pending.pk).delete()
    return FileToErase.objects.count()


def retention_months() -> int:
    """Completed responses older than this many months are erased (0: kept). Everything asks
    here; the setting RESPONSE_RETENTION_MONTHS is read nowhere else."""
    return int(settings.RESPONSE_RETENTION_MONTHS)


def responses_past_retention() -> QuerySet[Response]:
    months = retention_months()
    if not months:
        return Response.objects.none()
    cutoff = timezone.now() - relativedelta(months=months)
    return Response.objects.filter(status=Response.Status.COMPLETED, completed_at__lt=cutoff)


def retention_erase(*, batch: int = 200) -> int:
    """Erase completed responses past the retention period, a batch at a time. Returns how
    many were erased."""
    erased = 0
    while True:
        ids = list(responses_past_retention().order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return erased
        done = responses_erase(
            responses=Response.objects.filter(pk__in=ids), reason=Erasure.Reason.RETENTION
        )
        erased += done.responses if done else 0
