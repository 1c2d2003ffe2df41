from celery import shared_task

from benchmarks.services import peer_pool_prune


@shared_task
def prune_pool_history() -> int:
    return peer_pool_prune()
