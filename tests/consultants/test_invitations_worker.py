"""Invitations and reminders sent by a real Celery worker, with the clock moved: the invitation
right after the paste, a reminder once its day has come, none for someone who finished."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consultants.invitations import invitations_add
from consultants.tasks import reconcile_invitations
from responses.models import Invitation, Response
from responses.task_queue import task_send
from survey.services import response_complete
from tests.consultants.test_campaigns import campaign, consultants  # noqa: F401
from tests.examples import EXAMPLE_A
from tests.survey.answering import CONSENT, stored_form
from tests.worker import queue_purge, running_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def state(address: str) -> tuple[bool, int]:
    invitation = Invitation.objects.get(email=address)
    return invitation.sent_at is not None, invitation.reminders_sent


def test_a_worker_invites_then_reminds_only_who_has_not_finished(
    campaign,  # noqa: F811
    spec,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path
    campaign.reminder_days = 3
    campaign.save()
    queue_purge()
    with running_worker(tmp_path) as worker:
        invitations_add(campaign=campaign, pasted="ana@acme.example, bo@acme.example")
        assert wait_for(lambda: state("ana@acme.example") == (True, 0)), worker.log_tail()
        assert wait_for(lambda: state("bo@acme.example") == (True, 0)), worker.log_tail()

        ana = Invitation.objects.get(email="ana@acme.example")
        Client().post(f"/i/{ana.token}/start/", CONSENT)
        response = Response.objects.get(invitation__pk=ana.pk)
        Response.objects.filter(pk=response.pk).update(
            answers=stored_form(spec, EXAMPLE_A | {3: "ana@acme.example"})
        )
        assert response_complete(response=response).completed_now
        # Four days pass: beat asks for the reconciler, the worker sends what is owed.
        Invitation.objects.update(sent_at=timezone.now() - timedelta(days=4))
        task_send(reconcile_invitations, what="invitations reconcile")
        assert wait_for(lambda: state("bo@acme.example") == (True, 1)), worker.log_tail()

    assert state("ana@acme.example") == (True, 0)  # she finished: no reminder
