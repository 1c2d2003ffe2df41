"""Every option of a bank on one admin page: grouped by question, checked as publishing checks
them, a refused save keeping what was typed and changing nothing, a saved one in the history."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from responses.models import BankEvent, Option, QuestionBank
from responses.services import bank_new_version, bank_publish
from tests.responses.test_bank_edit_admin import _bound_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(bank: QuestionBank) -> QuestionBank:
    return bank_new_version(bank=bank)


def options_url(bank: QuestionBank, section: str = "alignment") -> str:
    return f"/admin/responses/questionbank/{bank.pk}/options/?section={section}"


def form_index(page: Any, *, question: int, position: int) -> int:
    for index, form in enumerate(page.context["formset"].forms):
        if (form.instance.question.number, form.instance.position) == (question, position):
            return index
    raise AssertionError(f"no form for question {question}, position {position}")


def post_changed(
    client: Client,
    bank: QuestionBank,
    changes: dict[tuple[int, int, str], str],
    section: str = "alignment",
) -> Any:
    """Post the page back as the browser would, with `changes` keyed by (question, position,
    field)."""
    page = client.get(options_url(bank, section))
    formset = page.context["formset"]
    data = _bound_values(formset.management_form)
    for form in formset.forms:
        data.update(_bound_values(form))
    for (number, position, field), value in changes.items():
        index = form_index(page, question=number, position=position)
        data[f"form-{index}-{field}"] = value
    return client.post(options_url(bank, section), data)


def test_each_pillars_options_are_listed_under_their_questions(bank, draft, admin_client):
    page = admin_client.get(options_url(draft, "team"))

    assert page.status_code == 200
    shown = [(question.number, len(forms)) for question, forms in page.context["questions"]]
    stored = Option.objects.filter(question__bank=draft, question__pillar__key="team")
    assert shown == [
        (number, stored.filter(question__number=number).count())
        for number in sorted(set(stored.values_list("question__number", flat=True)))
    ]
    html = page.content.decode()
    assert "How is your customer success team structured?" in html
    assert 'value="Save the options"' in html
    # Every pillar, and the questions that are not scored, have a part of their own.
    sections = [key for key, _ in page.context["sections"]]
    assert sections == [*(p.key for p in draft.pillars.order_by("position")), "profile"]
    assert (
        sum(
            len(admin_client.get(options_url(draft, key)).context["formset"].forms)
            for key in sections
        )
        == Option.objects.filter(question__bank=draft).count()
    )


def test_points_are_saved_for_several_questions_at_once_and_recorded(draft, admin_client):
    page = post_changed(admin_client, draft, {(15, 0, "points"): "1", (16, 10, "points"): "1.5"})

    assert page.status_code == 302
    options = Option.objects.filter(question__bank=draft)
    assert options.get(question__number=15, position=0).points == 1
    assert options.get(question__number=16, position=10).points == 1.5
    event = BankEvent.objects.get(bank=draft, action=BankEvent.Action.EDITED)
    assert "Question 15" in event.summary and "Question 16" in event.summary
    assert "2 options of 2 questions" in admin_client.get(options_url(draft)).content.decode()


def test_points_out_of_range_change_nothing_and_keep_what_was_typed(draft, admin_client):
    page = post_changed(
        admin_client,
        draft,
        {(15, 0, "points"): "1", (15, 1, "text"): "A new text", (16, 1, "points"): "5"},
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing was saved" in html
    assert "Question 16, option" in html and "points: 5 is outside 0..3." in html
    assert 'value="A new text"' in html  # typed values stay in the form
    assert Option.objects.get(question__bank=draft, question__number=15, position=0).points == 0
    assert not BankEvent.objects.filter(bank=draft, action=BankEvent.Action.EDITED).exists()


def test_a_question_that_is_not_scored_refuses_points(draft, admin_client):
    page = post_changed(admin_client, draft, {(4, 0, "points"): "2"}, section="profile")

    assert page.status_code == 200
    assert "Question 4, option" in page.content.decode()
    assert Option.objects.get(question__bank=draft, question__number=4, position=0).points is None


def test_a_published_bank_is_shown_read_only_and_refuses_a_save_politely(bank, admin_client):
    page = admin_client.get(options_url(bank))

    assert page.status_code == 200
    html = page.content.decode()
    assert "cannot change" in html and "Save the options" not in html
    assert all(
        field.disabled for form in page.context["formset"].forms for field in form.fields.values()
    )
    refused = admin_client.post(options_url(bank), {}, follow=True)
    assert "is published: nothing was saved." in refused.content.decode()


def test_a_draft_published_while_the_page_was_open_is_not_changed(bank, draft, admin_client):
    page = admin_client.get(options_url(draft))
    formset = page.context["formset"]
    data = _bound_values(formset.management_form)
    for form in formset.forms:
        data.update(_bound_values(form))
    data[f"form-{form_index(page, question=15, position=0)}-points"] = "1"
    bank_publish(bank=draft)

    answer = admin_client.post(options_url(draft), data, follow=True)

    assert "is published: nothing was saved." in answer.content.decode()
    assert Option.objects.get(question__bank=draft, question__number=15, position=0).points == 0
