from celery import shared_task

from api.idempotency import idempotent_replies_purge


@shared_task
def purge_idempotent_replies() -> int:
    """Replies to Idempotency-Keys kept past their time (every hour, by beat)."""
    return idempotent_replies_purge()
