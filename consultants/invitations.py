"""Invitations and reminders: a campaign's personal links e-mailed to pasted addresses, reminders
on the schedule the consultant picks until the person finishes, and the unsubscribe they honour.

Mail is sent by a worker (`consultants.tasks`), never on the request path. A send is claimed
first (two workers never send the same mail), marked only once the mail server took it, and a
refusal is kept on the invitation (attempts, the error) and tried again by the reconciler every
minute: shown on the campaign page, never lost silently.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from responses.bank_texts import bank_spec_shown
from responses.branding import consultant_shown
from responses.languages import language_override
from responses.links import link_base
from responses.models import Campaign, Invitation, MailOptOut, Response
from responses.task_queue import task_send

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 120
MAX_PER_RECONCILE = 200
MAX_ADDRESSES = 500  # in one paste
ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


class MailNotSent(Exception):
    """The mail server did not take the e-mail; it is tried again later."""


@dataclass
class InvitationsAdded:
    """What became of a pasted list: each address that was not invited is named with why."""

    invited: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    opted_out: list[str] = field(default_factory=list)


def invitations_add(*, campaign: Campaign, pasted: str) -> InvitationsAdded:
    """Invite every well-formed, new address of the pasted text; the others are named back."""
    outcome = InvitationsAdded()
    seen: set[str] = set()
    opted_out = set(
        MailOptOut.objects.filter(owner_id=campaign.owner_id).values_list("email", flat=True)
    )
    invited = set(campaign.invitations.values_list("email", flat=True))
    for written in [part for part in ADDRESS_SEPARATORS.split(pasted) if part][:MAX_ADDRESSES]:
        address = written.strip("<>()\"'").lower()
        try:
            validate_email(address)
        except ValidationError:
            outcome.malformed.append(written)
            continue
        if address in seen:
            outcome.repeated.append(address)
        elif address in invited:
            outcome.already.append(address)
        elif address in opted_out:
            outcome.opted_out.append(address)
        else:
            outcome.invited.append(address)
        seen.add(address)
    created = []
    with transaction.atomic():
        for address in outcome.invited:
            try:
                with transaction.atomic():
                    created.append(Invitation.objects.create(campaign=campaign, email=address))
            except IntegrityError:  # invited by another request meanwhile
                outcome.already.append(address)
        outcome.invited = [invitation.email for invitation in created]
        for invitation in created:
            transaction.on_commit(partial(_queue, invitation.pk))
    return outcome


def _queue(invitation_id: int) -> None:
    from consultants.tasks import send_invitation  # the task module imports this one

    task_send(send_invitation, invitation_id, what=f"invitation {invitation_id}")


def _owed(now: datetime) -> QuerySet[Invitation]:
    """Invitations that may be owed a mail: never sent, or due a reminder by count (whether its
    day came is `_day_came`), for people who have not finished, of open campaigns, not
    unsubscribed."""
    unfinished = Q(response__isnull=True) | ~Q(response__status=Response.Status.COMPLETED)
    reminder_left = (
        Q(sent_at__isnull=False)
        & Q(campaign__reminder_days__gt=0)
        & Q(reminders_sent__lt=F("campaign__reminder_limit"))
        & unfinished
    )
    return (
        Invitation.objects.filter(
            unsubscribed_at__isnull=True,
            campaign__closed_at__isnull=True,
            campaign__archived_at__isnull=True,
        )
        .filter(
            Q(campaign__closes_on__isnull=True)
            | Q(campaign__closes_on__gte=timezone.localdate(now))
        )
        .filter(Q(sent_at__isnull=True) | reminder_left)
    )


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _day_came(invitation: Invitation, now: datetime) -> bool:
    """Never sent, or the last mail went out at least the campaign's reminder days ago."""
    last = invitation.reminded_at or invitation.sent_at
    return last is None or last <= now - timedelta(days=invitation.campaign.reminder_days)


def invitations_due(now: datetime | None = None) -> list[int]:
    """The ids of invitations owed a mail now and not being sent by another worker, oldest
    first."""
    now = now or timezone.now()
    candidates = _owed(now).filter(_unclaimed(now)).select_related("campaign").order_by("pk")
    return [invitation.pk for invitation in candidates if _day_came(invitation, now)]


def invitation_send(*, invitation_id: int, request_base_url: str = "") -> bool:
    """Send the invitation, or the reminder it is owed; False when nothing is owed (sent by
    another worker, finished, unsubscribed, campaign closed). MailNotSent when the server
    refused: the refusal is kept and the reconciler tries again.

    The invitation is claimed first and only then read: a worker that finished sending it
    meanwhile has marked it sent before letting go of its claim, so it is not sent twice."""
    now = timezone.now()
    claimed = Invitation.objects.filter(_unclaimed(now), pk=invitation_id).update(
        claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
    )
    if not claimed:
        return False
    invitation = (
        _owed(now)
        .select_related("campaign__owner", "campaign__bank")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not _day_came(invitation, now):
        Invitation.objects.filter(pk=invitation_id).update(claimed_until=None)
        return False
    reminder = invitation.sent_at is not None
    subject, body = _mail(invitation, reminder=reminder, base=link_base(request_base_url))
    try:
        send_mail(subject, body, None, [invitation.email])
    except (OSError, smtplib.SMTPException) as error:
        Invitation.objects.filter(pk=invitation_id).update(
            claimed_until=None, attempts=invitation.attempts + 1, last_error=str(error)[:500]
        )
        raise MailNotSent(f"Invitation {invitation_id} not sent yet") from error
    sent: dict[str, object] = {"claimed_until": None, "attempts": 0, "last_error": ""}
    if reminder:
        sent |= {"reminded_at": now, "reminders_sent": invitation.reminders_sent + 1}
    else:
        sent |= {"sent_at": now}
    Invitation.objects.filter(pk=invitation_id).update(**sent)
    return True


def _mail(invitation: Invitation, *, reminder: bool, base: str) -> tuple[str, str]:
    """The subject and body, in the campaign's language (each respondent may still choose
    another on the survey's pages)."""
    campaign = invitation.campaign
    with language_override(campaign.language):
        who = consultant_shown(campaign.owner)
        title = bank_spec_shown(bank=campaign.bank).title
        context = {
            "who": who,
            "client": campaign.client_name,
            "title": title,
            "reminder": reminder,
            "url": base + reverse("survey:invitation", args=[invitation.token]),
            "unsubscribe_url": base
            + reverse("survey:invitation-unsubscribe", args=[invitation.token]),
            "closes_on": campaign.closes_on,
        }
        named = {"who": who, "title": title}
        subject = (
            _("Reminder: %(who)s asks you to take the %(title)s") % named
            if reminder
            else _("%(who)s asks you to take the %(title)s") % named
        )
        return subject, render_to_string("workspace/email/invitation.txt", context)


def invitations_reconcile() -> int:
    """Send what is owed: invitations a lost queue or a mail outage left, and reminders whose
    day came. Returns how many went out."""
    sent = 0
    for invitation_id in invitations_due()[:MAX_PER_RECONCILE]:
        try:
            sent += invitation_send(invitation_id=invitation_id)
        except MailNotSent:
            logger.warning("Mail server still down; invitations wait for the next run")
            break
    return sent


@dataclass(frozen=True, slots=True)
class InvitationCounts:
    invited: int
    started: int
    finished: int
    unsubscribed: int


def invitation_counts(*, campaign: Campaign) -> InvitationCounts:
    invitations = list(campaign.invitations.select_related("response"))
    return InvitationCounts(
        invited=len(invitations),
        started=sum(1 for i in invitations if i.response_id is not None),
        finished=sum(1 for i in invitations if i.response and i.response.is_completed),
        unsubscribed=sum(1 for i in invitations if i.unsubscribed_at),
    )
