"""An admin previews a question bank as a respondent sees it: the survey's own pages from the
draft, errors included, marked as a preview, and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from celery import Task
from django.contrib.auth.models import Permission, User
from django.test import Client

from responses.models import Option, Question, QuestionBank, Response
from responses.selectors import bank_spec_for
from responses.services import bank_new_version
from scoring.bank import BankSpec
from scoring.scores import response_score
from survey.pages import survey_pages
from tests.survey.answering import EXAMPLE_A, form_data, option_code, stored_form

pytestmark = pytest.mark.django_db

BANNER = "nothing you enter is stored"


@pytest.fixture
def draft(bank: QuestionBank) -> QuestionBank:
    return bank_new_version(bank=bank)


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tasks a request sends to the workers."""
    sent: list[str] = []
    monkeypatch.setattr(Task, "apply_async", lambda task, *a, **k: sent.append(task.name))
    return sent


def page_url(bank: QuestionBank, number: int) -> str:
    return f"/admin-tools/banks/{bank.pk}/preview/page/{number}/"


def end_url(bank: QuestionBank) -> str:
    return f"/admin-tools/banks/{bank.pk}/preview/end/"


def first_questions_changed(draft: QuestionBank) -> dict[int, str]:
    """Give the first question of every page a new text, with markup an admin might type."""
    changed = {}
    for page in survey_pages(bank_spec_for(bank=draft)):
        number = page.questions[0].number
        changed[number] = f"Draft wording <b>{number}</b> & more"
        Question.objects.filter(bank=draft, number=number).update(text=changed[number])
    return changed


def test_every_page_of_a_draft_shows_the_drafts_changed_question_text(admin_client, draft):
    changed = first_questions_changed(draft)
    spec = bank_spec_for(bank=draft)
    for page in survey_pages(spec):
        reply = admin_client.get(page_url(draft, page.number))
        html = reply.content.decode()
        assert reply.status_code == 200, page.number
        assert f"Preview of draft v{draft.version}" in html
        assert BANNER in html
        text = changed[page.questions[0].number]
        assert text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html
        assert text not in html  # escaped, never markup
        assert "Save and finish later" not in html and "resume-link" not in html


def test_the_preview_starts_blank_at_the_first_page(admin_client, draft, spec):
    admin_client.post(page_url(draft, 1), form_data(spec, 1, EXAMPLE_A))
    reply = admin_client.get(f"/admin-tools/banks/{draft.pk}/preview/")
    assert reply.status_code == 302 and reply["Location"] == page_url(draft, 1)
    assert "ada@example.com" not in admin_client.get(page_url(draft, 1)).content.decode()


def test_an_invalid_answer_shows_the_surveys_error_and_keeps_what_was_typed(
    admin_client, draft, spec
):
    data = {**form_data(spec, 1, EXAMPLE_A), "q3": "not-an-address"}
    reply = admin_client.post(page_url(draft, 1), data)
    html = reply.content.decode()
    assert reply.status_code == 200
    assert 'id="error-summary"' in html
    assert "Enter a valid e-mail address, like name@company.com." in html
    assert 'value="not-an-address"' in html
    assert BANNER in html


def test_back_and_next_carry_the_answers_between_pages(admin_client, draft, spec):
    assert admin_client.post(page_url(draft, 1), form_data(spec, 1, EXAMPLE_A))[
        "Location"
    ] == page_url(draft, 2)
    back = admin_client.post(page_url(draft, 2), form_data(spec, 2, {}, nav="back"))
    assert back["Location"] == page_url(draft, 1)
    assert 'value="ada@example.com"' in admin_client.get(page_url(draft, 1)).content.decode()


def answer_every_page(client: Client, bank: QuestionBank, spec: BankSpec) -> Any:
    replies = [
        client.post(page_url(bank, page.number), form_data(spec, page.number, EXAMPLE_A))
        for page in survey_pages(spec)
    ]
    return replies[-1]


def test_answering_every_page_stores_nothing_and_ends_with_the_scores(
    admin_client, draft, queued, django_capture_on_commit_callbacks
):
    spec = bank_spec_for(bank=draft)
    with django_capture_on_commit_callbacks() as on_commit:
        last = answer_every_page(admin_client, draft, spec)
        assert last.status_code == 302 and last["Location"] == end_url(draft)
        end = admin_client.get(end_url(draft)).content.decode()
    assert "End of the preview" in end and BANNER in end
    expected = response_score(spec=spec, answers=stored_form(spec, EXAMPLE_A))
    assert f'<td class="text-end fw-bold">{expected.overall}</td>' in end
    for pillar in expected.pillars:
        assert f'{pillar.name}</th><td class="text-end">{pillar.score}</td>' in end
    assert Response.objects.count() == 0
    assert on_commit == [] and queued == []


def test_an_answer_the_draft_no_longer_offers_is_named_at_the_end_not_a_failure(
    admin_client, draft
):
    spec = bank_spec_for(bank=draft)
    answer_every_page(admin_client, draft, spec)
    chosen = int(option_code(spec, 15, str(EXAMPLE_A[15])))
    Option.objects.filter(question__bank=draft, question__number=15, code=chosen).delete()
    reply = admin_client.get(end_url(draft))
    assert reply.status_code == 200
    assert "Question 15:" in reply.content.decode()


def test_the_end_sends_the_admin_back_to_an_unanswered_required_question(admin_client, draft):
    reply = admin_client.get(end_url(draft), follow=True)
    assert reply.redirect_chain[-1][0] == page_url(draft, 1)
    assert "Some required questions are still unanswered: 1, 2, 3" in reply.content.decode()


def test_a_published_bank_can_be_previewed_too(admin_client, bank):
    html = admin_client.get(page_url(bank, 1)).content.decode()
    assert f"Preview of published v{bank.version}" in html and BANNER in html
    assert "Respondents see these pages now." in html


def test_a_form_changed_before_it_was_sent_is_refused(admin_client, draft, spec):
    data = {**form_data(spec, 1, EXAMPLE_A), "nav": "save"}
    assert admin_client.post(page_url(draft, 1), data).status_code == 400
    assert admin_client.get(page_url(draft, 99)).status_code == 404


def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, draft):
    assert "/admin/login/" in client.get(page_url(draft, 1))["Location"]
    client.force_login(User.objects.create_user("reader", password="x"))
    assert "/admin/login/" in client.get(page_url(draft, 1))["Location"]


def test_staff_who_may_not_see_banks_are_refused(client, draft):
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(page_url(draft, 1)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_questionbank"))
    client.force_login(User.objects.get(pk=staff.pk))  # a fresh user, without cached perms
    assert client.get(page_url(draft, 1)).status_code == 200


def test_the_preview_form_needs_its_csrf_token(admin_user, draft, spec):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert "csrfmiddlewaretoken" in client.get(page_url(draft, 1)).content.decode()
    assert client.post(page_url(draft, 1), form_data(spec, 1, EXAMPLE_A)).status_code == 403


def test_the_bank_admin_page_links_to_the_preview(admin_client, draft):
    html = admin_client.get(f"/admin/responses/questionbank/{draft.pk}/change/").content.decode()
    assert f'href="/admin-tools/banks/{draft.pk}/preview/">Preview as a respondent' in html
