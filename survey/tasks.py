from celery import shared_task
from django.db import DatabaseError

from survey.services import MailNotSent, resume_link_send, resume_links_reconcile

RESUME_LINK_TRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=RESUME_LINK_TRIES)
def send_resume_link(self, response_id: int, request_base_url: str = "") -> bool:  # type: ignore[no-untyped-def]
    """Past its tries, the link waits for the reconciler (reconcile_resume_links)."""
    try:
        return resume_link_send(response_id=response_id, request_base_url=request_base_url)
    except (MailNotSent, DatabaseError) as error:
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def reconcile_resume_links() -> int:
    """Resume links still owed (every minute, by beat)."""
    return resume_links_reconcile()
