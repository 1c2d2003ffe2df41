from celery import shared_task

from responses.services import drafts_purge


@shared_task
def purge_expired_drafts() -> int:
    return drafts_purge()
