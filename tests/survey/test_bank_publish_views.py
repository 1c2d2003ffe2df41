"""Publishing a draft bank from admin: the action leads to a confirmation page with the draft's
impact on the pool; staff with the bank change permission only; CSRF; a changed draft is asked
again."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from benchmarks.models import BankImpact
from benchmarks.services import peer_pool_rebuild
from responses.demo import demo_responses_create
from responses.models import Option, QuestionBank
from responses.services import bank_new_version

CHANGELIST = reverse("admin:responses_questionbank_changelist")


@pytest.fixture
def draft(bank: QuestionBank, settings: Any) -> QuestionBank:
    settings.BENCHMARK_INCLUDE_DEMO = True
    demo_responses_create(bank=bank, count=30, seed=5, min_group=0)
    peer_pool_rebuild()
    draft = bank_new_version(bank=bank)
    _points_set(draft, position=0, points=3)
    return draft


def _points_set(bank: QuestionBank, *, position: int, points: int) -> None:
    Option.objects.filter(question__bank=bank, question__number=15, position=position).update(
        points=points
    )


def _publish_action(client: Client, *banks: QuestionBank) -> Any:
    return client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [bank.pk for bank in banks]},
    )


def test_the_publish_action_leads_to_the_confirmation_page(
    admin_client: Client, draft: QuestionBank
) -> None:
    reply = _publish_action(admin_client, draft)

    assert reply.status_code == 302
    assert reply["Location"] == reverse("bank-publish", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT


def test_several_selected_drafts_are_refused(
    admin_client: Client, draft: QuestionBank, bank: QuestionBank
) -> None:
    reply = _publish_action(admin_client, draft, bank)

    assert reply.status_code == 302 and reply["Location"].startswith(CHANGELIST)
    page = admin_client.get(reply["Location"]).content.decode()
    assert "Choose one draft to publish." in page


def test_the_confirmation_page_shows_the_impact(admin_client: Client, draft: QuestionBank) -> None:
    page = admin_client.get(reverse("bank-publish", args=[draft.pk])).content.decode()

    assert "If the peer pool's <strong>30</strong> responses were rescored" in page
    assert "Buckets and quartiles" in page and "Alignment" in page
    assert "Largest changes of the overall score" in page
    assert "Yes, publish" in page and 'name="csrfmiddlewaretoken"' in page


def test_confirming_publishes(
    admin_client: Client, draft: QuestionBank, bank: QuestionBank
) -> None:
    admin_client.get(reverse("bank-publish", args=[draft.pk]))
    impact = BankImpact.objects.get(bank=draft)

    reply = admin_client.post(reverse("bank-publish", args=[draft.pk]), {"impact": impact.pk})

    assert reply.status_code == 302 and reply["Location"] == CHANGELIST
    assert (
        "Published Customer Success Performance Index v2."
        in admin_client.get(CHANGELIST).content.decode()
    )
    draft.refresh_from_db()
    bank.refresh_from_db()
    assert (draft.status, bank.status) == ("published", "archived")


def test_a_draft_changed_since_the_page_is_asked_again(
    admin_client: Client, draft: QuestionBank
) -> None:
    url = reverse("bank-publish", args=[draft.pk])
    admin_client.get(url)
    impact = BankImpact.objects.get(bank=draft)
    _points_set(draft, position=1, points=3)

    reply = admin_client.post(url, {"impact": impact.pk}, follow=True)

    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT
    assert reply.redirect_chain[0][0] == url
    page = reply.content.decode()
    assert "was changed after its impact was computed" in page and "Yes, publish" in page


def test_the_second_of_two_admins_is_told(admin_client: Client, draft: QuestionBank) -> None:
    url = reverse("bank-publish", args=[draft.pk])
    admin_client.get(url)
    impact = BankImpact.objects.get(bank=draft)
    admin_client.post(url, {"impact": impact.pk})

    reply = admin_client.post(url, {"impact": impact.pk}, follow=True)

    assert "is not a draft" in reply.content.decode()


def test_only_staff_with_the_change_permission(client: Client, draft: QuestionBank) -> None:
    url = reverse("bank-publish", args=[draft.pk])
    assert client.get(url).status_code == 302  # to the admin's sign-in
    staff = User.objects.create_user("clerk", password="pw-pw-pw-pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert client.get(reverse("bank-publish-status", args=[draft.pk])).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="change_questionbank"))
    staff = User.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_confirming_needs_the_csrf_token(admin_user: User, draft: QuestionBank) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = reverse("bank-publish", args=[draft.pk])
    client.get(url)
    impact = BankImpact.objects.get(bank=draft)

    assert client.post(url, {"impact": impact.pk}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT


def test_the_status_says_how_far_the_worker_is(admin_client: Client, draft: QuestionBank) -> None:
    admin_client.get(reverse("bank-publish", args=[draft.pk]))
    BankImpact.objects.filter(bank=draft).update(status="running", done=10, total=30)

    state = admin_client.get(reverse("bank-publish-status", args=[draft.pk])).json()

    assert state["status"] == "running" and state["percent"] == 33
    assert "Rescored 10 of 30" in state["text"]


def test_a_draft_that_fails_the_checks_is_sent_back_with_its_problems(
    admin_client: Client, draft: QuestionBank
) -> None:
    _points_set(draft, position=0, points=5)

    reply = admin_client.get(reverse("bank-publish", args=[draft.pk]), follow=True)

    assert reply.redirect_chain[-1][0] == reverse(
        "admin:responses_questionbank_change", args=[draft.pk]
    )
    assert "cannot be published" in reply.content.decode()


def test_a_form_without_a_valid_impact_publishes_nothing(
    admin_client: Client, draft: QuestionBank
) -> None:
    url = reverse("bank-publish", args=[draft.pk])

    reply = admin_client.post(url, {"impact": "not-a-number"}, follow=True)

    assert reply.status_code == 200
    assert "The impact of this draft is not computed yet." in reply.content.decode()
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT
