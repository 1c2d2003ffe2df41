"""Invitations and reminders: a pasted list (each address not invited named, the rest sent),
personal links, reminders on the consultant's schedule until the person finishes, a refused send
kept and tried again, and the unsubscribe that is honoured."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from consultants.invitations import (
    MailNotSent,
    invitation_send,
    invitations_add,
    invitations_reconcile,
)
from responses.erasure import responses_erase
from responses.models import Campaign, Erasure, Invitation, MailOptOut, Response
from survey.services import response_complete
from tests.consultants.test_campaigns import campaign, consultants  # noqa: F401
from tests.examples import EXAMPLE_A
from tests.survey.answering import CONSENT, stored_form

pytestmark = pytest.mark.django_db


def signed_in(consultants) -> Client:  # noqa: F811
    client = Client()
    client.force_login(consultants["a"])
    return client


def invite(campaign: Campaign, *addresses: str) -> list[Invitation]:  # noqa: F811
    outcome = invitations_add(campaign=campaign, pasted=", ".join(addresses))
    return list(Invitation.objects.filter(email__in=outcome.invited))


def sent_days_ago(invitation: Invitation, days: int) -> None:
    """Move the clock: the last mail went out `days` ago."""
    moved = timezone.now() - timedelta(days=days)
    Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(sent_at=moved)
    Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=False).update(reminded_at=moved)


def test_a_pasted_list_invites_the_good_addresses_and_names_every_other(campaign, consultants):  # noqa: F811
    invite(campaign, "bo@acme.example")
    MailOptOut.objects.create(owner=consultants["a"], email="cy@acme.example")

    page = signed_in(consultants).post(
        f"/workspace/campaigns/{campaign.token}/invite/",
        {
            "addresses": "ana@acme.example, not-an-address; bo@acme.example\nANA@acme.example "
            "cy@acme.example"
        },
        follow=True,
    )

    html = page.content.decode()
    assert "Invited 1 address: the e-mails are on their way." in html
    assert "Not e-mail addresses: not-an-address." in html
    assert "In the list twice (invited once): ana@acme.example." in html
    assert "Invited already: bo@acme.example." in html
    assert "Asked you for no more e-mails, so not invited: cy@acme.example." in html
    assert '">not-an-address</textarea>' in html  # the one to fix is back in the box
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ana@acme.example",
        "bo@acme.example",
    ]


def test_the_invitation_mail_carries_the_personal_link_and_a_way_out(campaign):  # noqa: F811
    (ana,) = invite(campaign, "ana@acme.example")  # queued on commit: the test's transaction
    assert invitation_send(invitation_id=ana.pk)

    (sent,) = mail.outbox
    assert sent.to == ["ana@acme.example"]
    assert sent.subject.endswith("asks you to take the Customer Success Performance Index")
    assert f"/i/{ana.token}/\n" in sent.body and f"/i/{ana.token}/unsubscribe/" in sent.body
    assert not invitation_send(invitation_id=ana.pk)  # sent once
    ana.refresh_from_db()
    assert ana.sent_at is not None and len(mail.outbox) == 1


def test_reminders_follow_the_schedule_until_the_limit(campaign):  # noqa: F811
    Campaign.objects.filter(pk=campaign.pk).update(reminder_days=3, reminder_limit=2)
    (ana,) = invite(campaign, "ana@acme.example")
    assert invitations_reconcile() == 1  # the invitation itself

    assert invitations_reconcile() == 0  # not yet
    sent_days_ago(ana, 2)
    assert invitations_reconcile() == 0
    sent_days_ago(ana, 3)
    assert invitations_reconcile() == 1
    ana.refresh_from_db()
    sent_days_ago(ana, 3)
    assert invitations_reconcile() == 1
    ana.refresh_from_db()
    sent_days_ago(ana, 30)
    assert invitations_reconcile() == 0  # two reminders at most

    subjects = [message.subject for message in mail.outbox]
    assert [subject.startswith("Reminder:") for subject in subjects] == [False, True, True]


def test_no_reminder_for_a_finisher_an_unsubscriber_or_a_closed_campaign(campaign, spec):  # noqa: F811
    Campaign.objects.filter(pk=campaign.pk).update(reminder_days=1)
    ana, bo, cy = invite(campaign, "ana@acme.example", "bo@acme.example", "cy@acme.example")
    assert invitations_reconcile() == 3
    finisher = Client()
    finisher.post(f"/i/{ana.token}/start/", CONSENT)
    response = Response.objects.get(invitation__pk=ana.pk)
    Response.objects.filter(pk=response.pk).update(
        answers=stored_form(spec, EXAMPLE_A | {3: "ana@acme.example"})
    )
    assert response_complete(response=response).completed_now
    Client().post(f"/i/{bo.token}/unsubscribe/")
    for invitation in (ana, bo, cy):
        sent_days_ago(invitation, 5)

    assert invitations_reconcile() == 1  # only cy
    assert mail.outbox[-1].to == ["cy@acme.example"]
    sent_days_ago(cy, 5)
    Campaign.objects.filter(pk=campaign.pk).update(closed_at=timezone.now())
    assert invitations_reconcile() == 0


def test_a_refused_send_is_kept_shown_and_sent_later(campaign, consultants, monkeypatch):  # noqa: F811
    (ana,) = invite(campaign, "ana@acme.example")

    def refused(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("connection lost")

    with monkeypatch.context() as down:
        down.setattr("consultants.invitations.send_mail", refused)
        with pytest.raises(MailNotSent):
            invitation_send(invitation_id=ana.pk)
    ana.refresh_from_db()
    assert (ana.sent_at, ana.attempts, ana.last_error) == (None, 1, "connection lost")
    page = signed_in(consultants).get(f"/workspace/campaigns/{campaign.token}/")
    assert "Not sent yet (1 try): the mail server refused; trying again" in page.content.decode()

    assert invitations_reconcile() == 1
    ana.refresh_from_db()
    assert ana.sent_at is not None and ana.last_error == "" and len(mail.outbox) == 1


def test_the_personal_link_starts_with_the_address_and_comes_back_to_it(campaign, consultants):  # noqa: F811
    (ana,) = invite(campaign, "ana@acme.example")
    person = Client()

    landing = person.get(f"/i/{ana.token}/").content.decode()
    assert f'action="/i/{ana.token}/start/"' in landing
    started = person.post(f"/i/{ana.token}/start/", CONSENT)
    response = Response.objects.get()
    assert started["Location"] == f"/survey/{response.token}/"
    assert (response.campaign_id, response.email, response.answers) == (
        campaign.pk,
        "ana@acme.example",
        {"3": "ana@acme.example"},
    )
    assert Client().post(f"/i/{ana.token}/start/", CONSENT)["Location"] == started["Location"]
    assert Client().get(f"/i/{ana.token}/")["Location"] == f"/survey/{response.token}/"
    counts = signed_in(consultants).get(f"/workspace/campaigns/{campaign.token}/")
    assert "Invited 1 · started 1 · finished 0." in counts.content.decode()
    assert Client().get("/i/not-a-real-invitation-token/").status_code == 404


def test_unsubscribing_asks_first_then_stops_every_mail_from_that_consultant(
    campaign,  # noqa: F811
    consultants,  # noqa: F811
    bank,
):
    (ana,) = invite(campaign, "ana@acme.example")

    asked = Client().get(f"/i/{ana.token}/unsubscribe/")
    assert "Stop the e-mails about this survey?" in asked.content.decode()
    ana.refresh_from_db()
    assert ana.unsubscribed_at is None  # a GET (a mail scanner) changes nothing
    done = Client().post(f"/i/{ana.token}/unsubscribe/")
    assert "You will get no more e-mails" in done.content.decode()

    other = Campaign.objects.create(owner=consultants["a"], client_name="Other", bank=bank)
    outcome = invitations_add(campaign=other, pasted="ana@acme.example")
    assert (outcome.invited, outcome.opted_out) == ([], ["ana@acme.example"])
    assert invitations_reconcile() == 0


def test_a_closed_campaign_invites_nobody_and_keeps_the_list(campaign, consultants):  # noqa: F811
    Campaign.objects.filter(pk=campaign.pk).update(closed_at=timezone.now())

    page = signed_in(consultants).post(
        f"/workspace/campaigns/{campaign.token}/invite/",
        {"addresses": "ana@acme.example"},
        follow=True,
    )

    assert "The campaign is closed: reopen it to invite anyone." in page.content.decode()
    assert '">ana@acme.example</textarea>' in page.content.decode()
    assert not Invitation.objects.exists()


def test_erasing_the_response_erases_the_invitation_that_led_to_it(campaign):  # noqa: F811
    (ana,) = invite(campaign, "ana@acme.example")
    Client().post(f"/i/{ana.token}/start/", CONSENT)

    responses_erase(responses=Response.objects.all(), reason=Erasure.Reason.RESPONDENT)

    assert not Invitation.objects.exists()


def test_a_mail_another_worker_holds_or_just_sent_is_not_sent_again(campaign):  # noqa: F811
    (ana,) = invite(campaign, "ana@acme.example")
    held = timezone.now() + timedelta(seconds=60)
    Invitation.objects.filter(pk=ana.pk).update(claimed_until=held)

    assert not invitation_send(invitation_id=ana.pk)  # another worker is sending it

    Invitation.objects.filter(pk=ana.pk).update(claimed_until=None, sent_at=timezone.now())
    assert not invitation_send(invitation_id=ana.pk)  # it went out: nothing owed yet
    ana.refresh_from_db()
    assert ana.claimed_until is None and mail.outbox == []
