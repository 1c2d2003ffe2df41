"""What a personal invitation link does for the person who got it (the consultant's side, the
sending and the reminders, is consultants.invitations): start the campaign's survey with the
invited address filled in, come back to that same assessment, and stop the e-mails."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from responses.languages import language_active
from responses.models import Invitation, MailOptOut, Response
from responses.selectors import bank_spec_for
from responses.url_tokens import is_token_shaped


def invitation_by_token(*, token: str) -> Invitation | None:
    if not is_token_shaped(token):
        return None
    return (
        Invitation.objects.select_related("campaign__bank", "campaign__owner", "response")
        .filter(token=token)
        .first()
    )


def invitation_response_start(*, invitation: Invitation, consented: bool = False) -> Response:
    """The invitation's assessment: the one started already, or a new one in the campaign with
    the invited address as the e-mail answer. A double click gets the same one."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.response_id is not None:
            return Response.objects.get(pk=locked.response_id)
        campaign = invitation.campaign
        spec = bank_spec_for(bank=campaign.bank)
        email_question = spec.question_for_role("email")
        answers = {str(email_question.number): locked.email} if email_question else {}
        response = Response.objects.create(
            bank=campaign.bank,
            campaign=campaign,
            answers=answers,
            email=locked.email,
            consented_at=timezone.now() if consented else None,
            language=language_active(),
        )
        Invitation.objects.filter(pk=locked.pk).update(response=response)
    return response


def invitation_unsubscribe(*, invitation: Invitation) -> None:
    """No more mail about this campaign, nor invitations from this consultant to this address."""
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        MailOptOut.objects.get_or_create(
            owner_id=invitation.campaign.owner_id, email=invitation.email
        )
