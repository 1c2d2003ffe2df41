"""Editing a draft question bank in admin: a compact page, one-line inputs for one-line texts,
a pillar among the bank's own, and values refused on save by the rules publishing applies."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client

from responses.models import Bucket, Option, Pillar, Question, QuestionBank
from responses.services import bank_new_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(bank: QuestionBank) -> QuestionBank:
    """A draft copied from the published bank: both have a pillar named "Alignment"."""
    return bank_new_version(bank=bank)


def bank_url(bank: QuestionBank) -> str:
    return f"/admin/responses/questionbank/{bank.pk}/change/"


def question_url(question: Question) -> str:
    return f"/admin/responses/question/{question.pk}/change/"


def _bound_values(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif value is not None:
            data[bound.html_name] = value
    return data


def page_data(page: Any) -> dict[str, Any]:
    """What the browser would post back unchanged: the form and every inline's forms."""
    data = _bound_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(_bound_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_bound_values(form))
    return {**data, "_save": "Save"}


def post_changed(client: Client, url: str, changes: dict[str, Any]) -> Any:
    return client.post(url, {**page_data(client.get(url)), **changes})


def question(bank: QuestionBank, number: int) -> Question:
    return Question.objects.get(bank=bank, number=number)


def pillar_choices(page: Any) -> set[int]:
    """The pillars the question page's Pillar list offers."""
    return {pillar.pk for pillar in page.context["adminform"].form.fields["pillar"].queryset}


# --- the page ------------------------------------------------------------------------------------


def test_the_bank_page_lists_questions_one_line_each_with_a_link_to_edit_each(draft, admin_client):
    page = admin_client.get(bank_url(draft))
    html = page.content.decode()

    assert page.status_code == 200
    for q in Question.objects.filter(bank=draft):
        assert f'href="{question_url(q)}"' in html
    assert 'name="questions-0-text"' not in html  # texts are edited on the question's page
    assert f"/admin/responses/question/add/?bank={draft.pk}" in html
    assert "has_original" not in html.split('id="questions-group"')[1].split("</table>")[0]


def test_one_line_texts_get_one_line_inputs_and_long_texts_small_boxes(draft, admin_client):
    bank_page = admin_client.get(bank_url(draft)).content.decode()
    q16 = question(draft, 16)
    question_page = admin_client.get(question_url(q16)).content.decode()

    assert '<input type="text" name="title"' in bank_page
    assert '<textarea name="intro" cols="80" rows="3"' in bank_page
    assert '<input type="text" name="pillars-0-name"' in bank_page
    assert '<input type="text" name="buckets-0-name"' in bank_page
    assert '<input type="text" name="section"' in question_page
    assert '<input type="text" name="options-0-text"' in question_page
    assert '<textarea name="text" cols="80" rows="2"' in question_page
    assert 'rows="10"' not in bank_page + question_page


# --- pillars -------------------------------------------------------------------------------------


def test_a_questions_pillar_is_chosen_among_its_own_banks_pillars_only(bank, draft, admin_client):
    own = set(Pillar.objects.filter(bank=draft).values_list("pk", flat=True))

    on_question_page = admin_client.get(question_url(question(draft, 16)))
    on_add_page = admin_client.get(f"/admin/responses/question/add/?bank={draft.pk}")
    on_bank_page = admin_client.get(bank_url(draft))

    assert pillar_choices(on_question_page) == own
    assert pillar_choices(on_add_page) == own
    inline = next(
        i for i in on_bank_page.context["inline_admin_formsets"] if i.formset.prefix == "questions"
    )
    assert all(
        {p.pk for p in form.fields["pillar"].queryset} == own for form in inline.formset.forms
    )
    html = on_bank_page.content.decode()
    assert html.count(">Alignment</option>") == len(inline.formset.forms)


def test_a_pillar_of_another_bank_is_refused_on_save(bank, draft, admin_client):
    q16 = question(draft, 16)
    old_version_pillar = Pillar.objects.get(bank=bank, key="team")

    page = post_changed(admin_client, question_url(q16), {"pillar": old_version_pillar.pk})

    assert page.status_code == 200
    assert "Choose one of this bank&#x27;s own pillars." in page.content.decode()
    q16.refresh_from_db()
    assert q16.pillar is not None and q16.pillar.bank_id == draft.pk and q16.pillar.key != "team"


def test_a_pillar_of_another_bank_is_refused_on_the_bank_page_too(bank, draft, admin_client):
    rows = [q.pk for q in Question.objects.filter(bank=draft).order_by("number")]
    row = rows.index(question(draft, 16).pk)
    foreign = Pillar.objects.get(bank=bank, key="team")

    page = post_changed(admin_client, bank_url(draft), {f"questions-{row}-pillar": foreign.pk})

    assert "Choose one of this bank&#x27;s own pillars." in page.content.decode()
    pillar = question(draft, 16).pillar
    assert pillar is not None and pillar.bank_id == draft.pk


# --- values checked on save ----------------------------------------------------------------------


def test_points_out_of_range_are_refused_on_save_with_the_publishing_message(draft, admin_client):
    q16 = question(draft, 16)
    first = q16.options.order_by("position").first()
    assert first is not None

    page = post_changed(admin_client, question_url(q16), {"options-0-points": "5"})

    assert f"option &#x27;{first.text}&#x27;, points: 5 is outside 0..3." in page.content.decode()
    first.refresh_from_db()
    assert first.points == 0


def test_points_within_range_are_saved(draft, admin_client):
    q16 = question(draft, 16)

    page = post_changed(admin_client, question_url(q16), {"options-1-points": "2.5"})

    assert page.status_code == 302
    assert Option.objects.get(question=q16, position=1).points == 2.5


def test_options_of_a_question_without_pillar_may_not_score(draft, admin_client):
    q16 = question(draft, 16)

    page = post_changed(admin_client, question_url(q16), {"pillar": "", "scoring": ""})

    assert "points: the question has no pillar." in page.content.decode()
    assert question(draft, 16).pillar is not None


def test_min_above_max_is_refused_on_save(draft, admin_client):
    customers = question(draft, 8)  # an integer question

    page = post_changed(
        admin_client, question_url(customers), {"min_value": "10", "max_value": "5"}
    )

    assert "Question 8, min/max: min 10 is above max 5." in page.content.decode()
    customers.refresh_from_db()
    assert customers.min_value is None or customers.min_value <= (customers.max_value or 10**9)


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        (
            ["0", "25", "150", "175"],
            "Bucket &#x27;expanding&#x27;, from: must lie between 0 and 100.",
        ),
        (["0", "25", "25", "75"], "Bucket &#x27;expanding&#x27;, from: must be above"),
        (["10", "25", "50", "75"], "the first bucket must start at 0."),
    ],
)
def test_bucket_bounds_are_refused_on_save_unless_from_0_increasing_up_to_100(
    draft, admin_client, bounds, message
):
    keys = list(Bucket.objects.filter(bank=draft).values_list("key", flat=True))
    assert keys == ["undeveloped", "emerging", "expanding", "conquering"]
    changes = {f"buckets-{i}-lower_bound": bound for i, bound in enumerate(bounds)}

    page = post_changed(admin_client, bank_url(draft), changes)

    assert message in page.content.decode()
    assert list(Bucket.objects.filter(bank=draft).values_list("lower_bound", flat=True)) == [
        0,
        25,
        50,
        75,
    ]


# --- role and order ------------------------------------------------------------------------------


def test_role_is_a_choice_of_the_known_roles(draft, admin_client):
    nrr = Question.objects.get(bank=draft, role="nrr")
    page = admin_client.get(question_url(nrr))
    html = page.content.decode()

    assert '<select name="role"' in html
    assert '<option value="nrr" selected>nrr</option>' in html
    refused = post_changed(admin_client, question_url(nrr), {"role": "favourite_colour"})
    assert "Select a valid choice. favourite_colour is not one of the available choices." in (
        refused.content.decode()
    )
    assert Question.objects.get(pk=nrr.pk).role == "nrr"


def test_question_numbers_are_unique_within_the_bank(draft, admin_client):
    rows = [q.pk for q in Question.objects.filter(bank=draft).order_by("number")]

    page = post_changed(admin_client, bank_url(draft), {"questions-1-number": "1"})

    assert page.status_code == 200
    assert "Please correct the duplicate data for number" in page.content.decode()
    assert (
        list(Question.objects.filter(bank=draft).order_by("number").values_list("pk", flat=True))
        == rows
    )


def test_questions_are_renumbered_and_reweighted_on_the_bank_page(draft, admin_client):
    last = Question.objects.filter(bank=draft).order_by("number").last()
    assert last is not None
    row = Question.objects.filter(bank=draft).count() - 1

    page = post_changed(
        admin_client,
        bank_url(draft),
        {f"questions-{row}-number": "90", f"questions-{row}-weight": "2"},
    )

    assert page.status_code == 302
    last.refresh_from_db()
    assert (last.number, last.weight) == (90, 2)


def test_a_published_bank_stays_read_only(bank, admin_client):
    html = admin_client.get(bank_url(bank)).content.decode()

    assert 'name="questions-0-number"' not in html
    assert "Add a question to this bank" not in html


# --- adding options and questions ----------------------------------------------------------------


def test_a_new_option_without_code_gets_the_questions_next_code(draft, admin_client):
    q16 = question(draft, 16)
    url = question_url(q16)
    data = page_data(admin_client.get(url))
    row = int(data["options-TOTAL_FORMS"])
    data.update(
        {
            "options-TOTAL_FORMS": row + 1,
            f"options-{row}-question": q16.pk,
            f"options-{row}-position": row,
            f"options-{row}-text": "Our board reviews customer health",
            f"options-{row}-points": "1",
        }
    )

    page = admin_client.post(url, data)

    assert page.status_code == 302 and page["Location"] == bank_url(draft)  # back to the bank
    added = Option.objects.get(question=q16, text="Our board reviews customer health")
    assert added.code == max(o.code for o in q16.options.exclude(pk=added.pk)) + 1


def test_a_question_is_added_to_the_bank_from_its_page(draft, admin_client):
    alignment = Pillar.objects.get(bank=draft, key="alignment")
    data = page_data(admin_client.get(f"/admin/responses/question/add/?bank={draft.pk}"))
    data.update(
        {
            "number": "40",
            "kind": "single",
            "section": "Alignment",
            "text": "Does your board review customer health?",
            "pillar": alignment.pk,
            "scoring": "single",
            "weight": "1",
            "options-TOTAL_FORMS": 2,
            "options-0-position": 1,
            "options-0-text": "No",
            "options-0-points": "0",
            "options-1-position": 2,
            "options-1-text": "Yes",
            "options-1-points": "3",
        }
    )

    page = admin_client.post("/admin/responses/question/add/", data)

    assert page.status_code == 302
    added = question(draft, 40)
    assert added.pillar == alignment
    assert list(added.options.values_list("code", "text")) == [(4001, "No"), (4002, "Yes")]
