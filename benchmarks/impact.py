"""The impact of publishing a draft bank on the peer pool, and publishing once it was seen.

The pool's responses (its active entries) are rescored onto the draft with the vectorised path,
batch by batch, and set against the scores the pool keeps; `impact_stats` turns both into the
summary the confirmation page shows. A small pool is computed in the request, a large one by a
worker that notes its progress on the `BankImpact` row.

Publishing checks, under a lock on the bank's row, that the draft is still a draft (another
admin may have published it meanwhile) and still has the contents whose impact was shown.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchmarks.impact_stats import Buckets, PoolScores, impact_summary
from benchmarks.models import BankImpact, PoolEntry, PoolState
from responses.bank_file import BankFileError, bank_spec_problems
from responses.json_columns import values_with_json
from responses.models import QuestionBank, Response
from responses.rescore import objects_so_far_left_out_of_garbage_collection
from responses.selectors import bank_spec_for
from responses.services import bank_publish
from responses.task_queue import task_send
from scoring.bank import BankSpec
from scoring.errors import ScoringError
from scoring.vectorised import encode_answers, scores_many

# Up to this many pool responses the impact is computed while the admin waits (about a second).
INLINE_LIMIT = 20_000
# An impact still unfinished this long after it was asked for is taken as lost.
IMPACT_LOST_AFTER = timedelta(minutes=15)
BATCH_SIZE = 5_000


class PublishRefused(Exception):
    """Publishing did not happen; the message says why, for the admin."""


def bank_fingerprint(*, bank: QuestionBank) -> str:
    """A digest of everything scoring reads from the bank: any edit of the draft changes it."""
    return hashlib.sha256(repr(bank_spec_for(bank=bank)).encode("utf-8")).hexdigest()


def pool_responses_count() -> int:
    return _pool_entries().count()


def bank_impact_for(*, bank: QuestionBank, user: Any) -> BankImpact:
    """The impact of the draft as it is now: the one computed already, or a new one (computed
    here for a small pool, queued for a worker otherwise).

    A draft that would not pass publishing's checks raises BankFileError: it cannot be scored.
    """
    problems = bank_spec_problems(bank_spec_for(bank=bank))
    if problems:
        raise BankFileError(problems)
    fingerprint = bank_fingerprint(bank=bank)
    current = (
        BankImpact.objects.filter(bank=bank, fingerprint=fingerprint)
        .exclude(status=BankImpact.Status.FAILED)
        .first()
    )
    if current is not None and not _lost(current):
        return current
    if current is not None:  # a worker that died (or a queue that lost it): ask again
        bank_impact_failed(impact_id=current.pk, error="No worker finished it; asked again.")
    total = pool_responses_count()
    impact = BankImpact.objects.create(
        bank=bank, fingerprint=fingerprint, total=total, requested_by=user
    )
    if total <= INLINE_LIMIT:
        bank_impact_compute(impact_id=impact.pk)
        impact.refresh_from_db()
    else:
        from benchmarks.tasks import compute_bank_impact  # the task module imports this one

        # Through the queue helper: a broker that is down leaves the impact waiting (and asked
        # again once lost), never a failed page.
        transaction.on_commit(
            lambda: task_send(compute_bank_impact, impact.pk, what=f"bank impact {impact.pk}")
        )
    return impact


def _lost(impact: BankImpact) -> bool:
    """Still waiting or computing long after any computation of a pool could take."""
    unfinished = impact.status in (BankImpact.Status.PENDING, BankImpact.Status.RUNNING)
    return unfinished and impact.requested_at < timezone.now() - IMPACT_LOST_AFTER


def bank_impact_compute(*, impact_id: int) -> None:
    """Rescore the pool onto the impact's draft and keep the summary, noting progress."""
    impact = BankImpact.objects.select_related("bank").get(pk=impact_id)
    _impact_update(impact_id, status=BankImpact.Status.RUNNING, done=0)

    def progress(done: int) -> None:
        _impact_update(impact_id, done=done)

    result = pool_impact(bank=impact.bank, on_progress=progress)
    _impact_update(
        impact_id,
        status=BankImpact.Status.DONE,
        done=result["responses"] + result["unscorable"],
        result=result,
        finished_at=timezone.now(),
    )


def bank_impact_failed(*, impact_id: int, error: str) -> None:
    _impact_update(
        impact_id, status=BankImpact.Status.FAILED, error=error, finished_at=timezone.now()
    )


def _impact_update(impact_id: int, **fields: Any) -> None:
    # Only the named columns: the page reads the row while the worker writes it.
    BankImpact.objects.filter(pk=impact_id).update(**fields)


def pool_impact(
    *, bank: QuestionBank, on_progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """The summary of `impact_stats` for the current pool rescored onto `bank`."""
    spec = bank_spec_for(bank=bank)
    with objects_so_far_left_out_of_garbage_collection():
        return _pool_impact(bank, spec, on_progress)


def _pool_impact(
    bank: QuestionBank, spec: BankSpec, on_progress: Callable[[int], None] | None
) -> dict[str, Any]:
    state = PoolState.objects.first()
    old_keys = tuple(state.pillar_keys) if state else ()
    response_ids: list[np.ndarray] = []
    old_overall, old_pillars, new_overall, new_pillars = [], [], [], []
    unscorable: list[str] = []
    last_id, done = 0, 0
    while True:
        read, batch = _batch_read(last_id)
        if not read:
            break
        last_id, done = read[-1], done + len(read)
        kept, matrix = _scored_skipping_failures(spec, batch, unscorable)
        if kept:
            response_ids.append(np.array([row[0] for row in kept], dtype=np.int64))
            old_overall.append(np.array([row[1] for row in kept], dtype=np.int64))
            old_pillars.append(_pillars(kept, len(old_keys)))
            new_overall.append(matrix.overall_hundredths)
            new_pillars.append(matrix.pillar_hundredths)
        if on_progress is not None:
            on_progress(done)
    new_keys = tuple(pillar.key for pillar in spec.pillars)
    summary = impact_summary(
        response_ids=np.concatenate(response_ids) if response_ids else np.zeros(0, np.int64),
        old=_joined(old_keys, old_pillars, old_overall),
        new=_joined(new_keys, new_pillars, new_overall),
        old_buckets=_buckets(_published_spec(bank) or spec),
        new_buckets=_buckets(spec),
        pillar_names={pillar.key: pillar.name for pillar in spec.pillars},
    )
    _named_by_public_id(summary["largest"])
    return summary | {"unscorable": len(unscorable), "unscorable_examples": unscorable[:5]}


def _named_by_public_id(changes: list[dict[str, Any]]) -> None:
    """Responses are shown by their public id (never the id a URL could be guessed from)."""
    public_ids = dict(
        Response.objects.filter(pk__in=[change["response"] for change in changes]).values_list(
            "pk", "public_id"
        )
    )
    for change in changes:
        change["response"] = public_ids.get(change["response"], "(deleted)")


def _batch_read(after_id: int) -> tuple[list[int], list[tuple[Any, ...]]]:
    """The next pool entries' response ids, and those entries with their responses' answers.

    Two queries rather than a join: PostgreSQL merged such a join by reading the responses from
    the first id on, for every batch (0.3 s a batch half-way through a million).
    """
    entries = values_with_json(
        _pool_entries().filter(response_id__gt=after_id).order_by("response_id")[:BATCH_SIZE],
        "response_id",
        "overall",
        "pillars",
        json_fields=("pillars",),
    )
    ids = [entry[0] for entry in entries]
    # An id range, as the rescore reads: far cheaper to send and plan than thousands of ids;
    # the completed responses in it that are not in the pool are read and left aside.
    in_range = Response.objects.filter(
        pk__gte=ids[0] if ids else 0,
        pk__lte=ids[-1] if ids else 0,
        status=Response.Status.COMPLETED,
    )
    answers = dict(values_with_json(in_range, "pk", "answers", json_fields=("answers",)))
    # A response deleted since (its entry is closed just after) is left out.
    return ids, [(*entry, answers[entry[0]]) for entry in entries if entry[0] in answers]


def _pool_entries() -> Any:
    return PoolEntry.objects.filter(removed_seq__isnull=True, response__isnull=False)


def _scored_skipping_failures(
    spec: BankSpec, batch: list[tuple[Any, ...]], unscorable: list[str]
) -> tuple[list[tuple[Any, ...]], Any]:
    """The rows the draft can score, with their scores; a row it cannot score is noted."""
    rows = batch
    while True:
        try:
            encoded = encode_answers(spec=spec, answers_list=[row[3] for row in rows])
        except ScoringError as error:
            if error.response_index is None:
                raise
            unscorable.append(f"Response #{rows[error.response_index][0]}: {error}")
            rows = rows[: error.response_index] + rows[error.response_index + 1 :]
            continue
        return rows, scores_many(spec=spec, encoded=encoded)


def _pillars(rows: list[tuple[Any, ...]], width: int) -> np.ndarray:
    if not rows:
        return np.zeros((0, width), dtype=np.int64)
    return np.array([row[2] for row in rows], dtype=np.int64).reshape(len(rows), width)


def _joined(keys: tuple[str, ...], pillars: list[np.ndarray], overall: list[np.ndarray]) -> Any:
    return PoolScores(
        pillar_keys=keys,
        pillars=np.concatenate(pillars) if pillars else np.zeros((0, len(keys)), np.int64),
        overall=np.concatenate(overall) if overall else np.zeros(0, np.int64),
    )


def _published_spec(bank: QuestionBank) -> BankSpec | None:
    published = QuestionBank.objects.filter(
        key=bank.key, status=QuestionBank.Status.PUBLISHED
    ).first()
    return bank_spec_for(bank=published) if published else None


def _buckets(spec: BankSpec) -> Buckets:
    return Buckets(
        keys=tuple(bucket.key for bucket in spec.buckets),
        names=tuple(bucket.name for bucket in spec.buckets),
        lower_bounds=tuple(math.ceil(bucket.lower_bound * 100) for bucket in spec.buckets),
    )


@transaction.atomic
def bank_publish_confirmed(*, bank_id: int, impact_id: int, actor: Any = None) -> QuestionBank:
    """Publish the draft whose impact the admin saw; refused if it changed or was published.

    The bank's row stays locked until the end of the transaction, so of two admins confirming at
    once the second reads the bank only after the first published it, and is told.
    """
    bank = QuestionBank.objects.select_for_update().get(pk=bank_id)
    if not bank.is_editable:
        # Translators: %(bank)s names a question bank version: "CSPI Benchmark v3 (draft)".
        refused = _("%(bank)s was published or archived meanwhile (by another admin?).")
        raise PublishRefused(refused % {"bank": bank})
    impact = BankImpact.objects.filter(pk=impact_id, bank=bank).first()
    if impact is None or impact.status != BankImpact.Status.DONE:
        raise PublishRefused(_("The impact of this draft is not computed yet."))
    if impact.fingerprint != bank_fingerprint(bank=bank):
        refused = _(
            "%(bank)s was changed after its impact was computed: read the new impact and "
            "confirm again. Nothing was published."
        )
        raise PublishRefused(refused % {"bank": bank})
    bank_publish(bank=bank, actor=actor)
    return bank
