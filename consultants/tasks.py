from celery import shared_task

from consultants.invitations import MailNotSent, invitation_send, invitations_reconcile


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def send_invitation(self, invitation_id: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        return invitation_send(invitation_id=invitation_id)
    except MailNotSent as not_sent:
        # Kept on the invitation; the reconciler tries again each minute if these retries fail.
        raise self.retry(exc=not_sent) from not_sent


@shared_task
def reconcile_invitations() -> int:
    return invitations_reconcile()
