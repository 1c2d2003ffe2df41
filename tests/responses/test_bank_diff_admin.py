"""The "Compare versions" page of the bank admin, and the buttons that lead to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from responses.bank_file import bank_spec_from_document
from responses.models import Option, Question, QuestionBank
from responses.services import bank_import, bank_new_version

BANK_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "cspi-v1.yaml"
COMPARE_URL = reverse("admin:responses_questionbank_compare")

SECTIONS = ("Buckets", "Questions")


def compare(
    client: Client, old: QuestionBank | None = None, new: QuestionBank | None = None
) -> str:
    query = {"old": old.pk, "new": new.pk} if old and new else {}
    response = client.get(COMPARE_URL, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def draft(bank: QuestionBank) -> QuestionBank:
    """Version 2 with the question text, one option's points and a bucket bound changed."""
    draft = bank_new_version(bank=bank)
    Question.objects.filter(bank=draft, number=15).update(text="Who leads <b>customer success</b>?")
    Option.objects.filter(question__bank=draft, code=1503).update(points=2)
    draft.buckets.filter(key="emerging").update(lower_bound=30)
    return draft


@pytest.mark.django_db
def test_compare_shows_each_change_with_old_and_new_values_side_by_side(
    admin_client: Client, bank: QuestionBank, draft: QuestionBank
) -> None:
    page = compare(admin_client, bank, draft)

    assert "2 changed, 0 added, 0 removed" in page  # a bucket and a question
    buckets, questions = (f'<h2 class="bank-diff-section">{name}</h2>' for name in SECTIONS)
    assert buckets in page
    assert page.index(buckets) < page.index(questions)
    assert "Bucket &#x27;emerging&#x27;" in page
    assert '<td class="old changed">25</td>' in page
    assert '<td class="new changed">30</td>' in page
    assert '<td class="old changed">1.5</td>' in page
    assert '<td class="new changed">2</td>' in page
    assert "Manager who reports to a C-level executive in the company" in page
    assert "Who leads &lt;b&gt;customer success&lt;/b&gt;?" in page
    assert "<b>customer success</b>" not in page


@pytest.mark.django_db
def test_versions_compared_either_way_round_show_added_and_removed(
    admin_client: Client, bank: QuestionBank
) -> None:
    document: dict[str, Any] = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    document["version"] = 2
    document["questions"].append({"number": 60, "kind": "text", "text": "Anything else?"})
    newer, _ = bank_import(spec=bank_spec_from_document(document), publish=False)

    forwards = compare(admin_client, bank, newer)
    backwards = compare(admin_client, newer, bank)

    assert "0 changed, 1 added, 0 removed" in forwards
    assert "Question 60" in forwards
    assert "0 changed, 0 added, 1 removed" in backwards


@pytest.mark.django_db
def test_a_version_compared_with_an_equal_copy_says_no_difference(
    admin_client: Client, bank: QuestionBank
) -> None:
    copy = bank_new_version(bank=bank)

    assert "no difference" in compare(admin_client, bank, copy)


@pytest.mark.django_db
def test_two_different_banks_cannot_be_compared(admin_client: Client, bank: QuestionBank) -> None:
    other = QuestionBank.objects.create(key="other", version=1, title="Another bank")

    page = compare(admin_client, bank, other)

    assert "Pick two versions of the same bank" in page
    assert '<h2 class="bank-diff-section">Questions</h2>' not in page


@pytest.mark.django_db
def test_without_a_choice_the_newest_version_is_offered_against_the_published_one(
    admin_client: Client, bank: QuestionBank, draft: QuestionBank
) -> None:
    page = compare(admin_client)
    from_drafts_page = admin_client.get(COMPARE_URL, {"new": draft.pk}).content.decode()
    from_published_page = admin_client.get(COMPARE_URL, {"new": bank.pk}).content.decode()

    for shown in (page, from_drafts_page, from_published_page):
        assert f'<option value="{bank.pk}" selected>' in shown
        assert f'<option value="{draft.pk}" selected>' in shown
        assert "2 changed, 0 added, 0 removed" in shown


@pytest.mark.django_db
def test_a_bank_with_one_version_asks_for_two(admin_client: Client, bank: QuestionBank) -> None:
    page = admin_client.get(COMPARE_URL, {"new": bank.pk}).content.decode()

    assert "Pick two versions of one bank" in page
    assert "This field is required" not in page


@pytest.mark.django_db
def test_bank_pages_lead_to_compare_import_and_export(
    admin_client: Client, bank: QuestionBank
) -> None:
    listing = admin_client.get(reverse("admin:responses_questionbank_changelist")).content.decode()
    change = admin_client.get(
        reverse("admin:responses_questionbank_change", args=[bank.pk])
    ).content.decode()

    assert COMPARE_URL in listing
    assert reverse("admin:responses_questionbank_import") in listing
    assert f"{COMPARE_URL}?new={bank.pk}" in change
    assert reverse("admin:responses_questionbank_export", args=[bank.pk]) in change
