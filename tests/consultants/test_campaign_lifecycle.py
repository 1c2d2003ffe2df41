"""A campaign's life in the consultant's hands: edited, closed now, reopened, archived and back;
deleted only while nobody has answered; never another consultant's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from responses.models import Campaign, QuestionBank
from responses.services import bank_new_version, bank_publish
from tests.consultants.test_campaigns import answered_through, campaign, consultants  # noqa: F401
from tests.examples import EXAMPLE_A
from tests.survey.answering import CONSENT

pytestmark = pytest.mark.django_db


def signed_in(consultants, who: str = "a") -> Client:  # noqa: F811
    client = Client()
    client.force_login(consultants[who])
    return client


def edit_data(campaign: Campaign, **changes: object) -> dict[str, object]:  # noqa: F811
    data = {
        "client_name": campaign.client_name,
        "note": campaign.note,
        "bank": campaign.bank_id,
        "closes_on": campaign.closes_on.isoformat() if campaign.closes_on else "",
    }
    return data | changes


def test_details_are_edited_and_the_link_stays(campaign, consultants):  # noqa: F811
    token = campaign.token
    saved = signed_in(consultants).post(
        f"/workspace/campaigns/{token}/edit/",
        edit_data(
            campaign,
            client_name="Acme Analytics",
            note="Kick-off in May",
            reminder_days="5",
            reminder_limit="3",
        ),
        follow=True,
    )

    assert "The campaign&#39;s details are saved." in saved.content.decode()
    campaign.refresh_from_db()
    assert (campaign.client_name, campaign.note, campaign.token) == (
        "Acme Analytics",
        "Kick-off in May",
        token,
    )
    assert (campaign.reminder_days, campaign.reminder_limit) == (5, 3)


def test_the_bank_cannot_change_once_someone_answered(campaign, consultants, spec, bank):  # noqa: F811
    answered_through(Client(), campaign, spec, EXAMPLE_A)
    newer = bank_new_version(bank=bank)
    bank_publish(bank=newer)

    page = signed_in(consultants).post(
        f"/workspace/campaigns/{campaign.token}/edit/",
        edit_data(campaign, bank=newer.pk, client_name="Renamed"),
    )

    assert page.status_code == 200
    assert "The question bank cannot change: people have already answered" in (
        page.content.decode()
    )
    campaign.refresh_from_db()
    assert campaign.bank_id == bank.pk and campaign.client_name != "Renamed"


def test_a_closing_date_already_past_may_stay_but_not_be_set(campaign, consultants):  # noqa: F811
    yesterday = timezone.localdate() - timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=yesterday)
    campaign.refresh_from_db()
    consultant = signed_in(consultants)

    kept = consultant.post(
        f"/workspace/campaigns/{campaign.token}/edit/", edit_data(campaign, note="late")
    )
    assert kept.status_code == 302
    earlier = consultant.post(
        f"/workspace/campaigns/{campaign.token}/edit/",
        edit_data(campaign, closes_on=(yesterday - timedelta(days=1)).isoformat()),
    )
    assert "The closing date is in the past" in earlier.content.decode()


def test_closing_now_stops_new_answers_and_reopening_takes_them_again(campaign, consultants):  # noqa: F811
    consultant = signed_in(consultants)
    state = f"/workspace/campaigns/{campaign.token}/state/"

    closed = consultant.post(state, {"change": "close"}, follow=True)

    assert "Closed: the link takes no new answers." in closed.content.decode()
    assert Client().get(f"/c/{campaign.token}/").status_code == 410
    assert Client().post(f"/c/{campaign.token}/start/", CONSENT).status_code == 410

    Campaign.objects.filter(pk=campaign.pk).update(
        closes_on=timezone.localdate() - timedelta(days=3)
    )
    reopened = consultant.post(state, {"change": "reopen"}, follow=True)

    assert "Its closing date had passed, so it now has none" in reopened.content.decode()
    assert Client().get(f"/c/{campaign.token}/").status_code == 200


def test_archived_campaigns_are_listed_apart_closed_and_kept(campaign, consultants, spec):  # noqa: F811
    response = answered_through(Client(), campaign, spec, EXAMPLE_A)
    consultant = signed_in(consultants)

    consultant.post(f"/workspace/campaigns/{campaign.token}/state/", {"change": "archive"})

    listed = consultant.get("/workspace/").content.decode()
    assert campaign.client_name.replace('"', "&#34;") not in listed
    assert "Archived (1)" in listed
    archived = consultant.get("/workspace/?show=archived").content.decode()
    assert f"/workspace/campaigns/{campaign.token}/" in archived
    assert Client().get(f"/c/{campaign.token}/").status_code == 410
    assert campaign.responses.get() == response

    consultant.post(f"/workspace/campaigns/{campaign.token}/state/", {"change": "unarchive"})
    assert (
        f"/workspace/campaigns/{campaign.token}/" in consultant.get("/workspace/").content.decode()
    )
    assert Client().get(f"/c/{campaign.token}/").status_code == 410  # still closed


def test_only_a_campaign_nobody_answered_can_be_deleted(campaign, consultants, spec, bank):  # noqa: F811
    consultant = signed_in(consultants)
    answered_through(Client(), campaign, spec, EXAMPLE_A)

    asked = consultant.get(f"/workspace/campaigns/{campaign.token}/delete/").content.decode()
    assert "cannot be deleted" in asked and "Archive it" in asked
    refused = consultant.post(f"/workspace/campaigns/{campaign.token}/delete/", follow=True)
    assert "cannot be deleted: archive it instead" in refused.content.decode()
    assert Campaign.objects.filter(pk=campaign.pk).exists()

    empty = Campaign.objects.create(owner=consultants["a"], client_name="Empty", bank=bank)
    gone = consultant.post(f"/workspace/campaigns/{empty.token}/delete/", follow=True)
    assert "Deleted the campaign for Empty." in gone.content.decode()
    assert not Campaign.objects.filter(pk=empty.pk).exists()


def test_another_consultant_can_change_nothing(campaign, consultants):  # noqa: F811
    other = signed_in(consultants, "b")

    for path, data in [
        ("edit/", edit_data(campaign, client_name="Hijacked")),
        ("state/", {"change": "close"}),
        ("delete/", {}),
    ]:
        assert other.post(f"/workspace/campaigns/{campaign.token}/{path}", data).status_code == 404
    campaign.refresh_from_db()
    assert campaign.closed_at is None and campaign.client_name != "Hijacked"


def test_an_unknown_change_changes_nothing(campaign, consultants):  # noqa: F811
    page = signed_in(consultants).post(
        f"/workspace/campaigns/{campaign.token}/state/", {"change": "explode"}, follow=True
    )

    assert "That change is not one a campaign knows" in page.content.decode()
    assert QuestionBank.objects.exists() and Campaign.objects.get().closed_at is None
