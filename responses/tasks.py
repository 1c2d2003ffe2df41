from celery import shared_task

from responses.erasure import erased_files_remove, retention_erase
from responses.services import drafts_purge


@shared_task
def purge_expired_drafts() -> int:
    return drafts_purge()


@shared_task
def erase_past_retention() -> int:
    """Completed responses older than RESPONSE_RETENTION_MONTHS, erased with every copy."""
    return retention_erase()


@shared_task
def remove_erased_files() -> int:
    """Files of erased data the storage refused at the time (it was down), removed now."""
    return erased_files_remove()
