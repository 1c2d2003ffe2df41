import math

from celery import Task, shared_task
from django.core.cache import cache

from benchmarks.impact import bank_impact_compute, bank_impact_failed
from benchmarks.services import peer_pool_age_out, peer_pool_ensure_current, peer_pool_prune
from benchmarks.snapshots import pool_snapshot_outdated, pool_snapshot_refresh, pool_snapshot_wait

SNAPSHOT_RESCHEDULED = "benchmarks:pool-snapshot-rescheduled"


@shared_task
def prune_pool_history() -> int:
    return peer_pool_prune()


@shared_task
def age_out_pool() -> int:
    """Nightly: responses completed before BENCHMARK_WINDOW_MONTHS ago leave the pool."""
    return peer_pool_age_out()


@shared_task
def bring_pool_in_line() -> int:
    """Rebuild the pool if it was built under another rule (an admin joined domains, the public
    mailbox list changed). The next comparison would do it too; this spares that request."""
    return peer_pool_ensure_current().seq


@shared_task(bind=True)
def refresh_pool_snapshot(self: Task) -> int | None:  # type: ignore[type-arg]
    """A new snapshot of the pool when it changed; within OUTCOME_SNAPSHOT_MIN_SECONDS of the
    last one, once more when that time is up (one waiting task for any number of changes)."""
    if not pool_snapshot_outdated():
        return None
    wait = pool_snapshot_wait()
    if wait > 0:
        if cache.add(SNAPSHOT_RESCHEDULED, True, timeout=math.ceil(wait)):
            self.apply_async(countdown=wait)
        return None
    made = pool_snapshot_refresh()
    return made.pk if made else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compute_bank_impact(impact_id: int) -> None:
    """What publishing a draft would do to the pool, for the confirmation page to show."""
    try:
        bank_impact_compute(impact_id=impact_id)
    except Exception as error:
        bank_impact_failed(impact_id=impact_id, error=repr(error))
        raise
