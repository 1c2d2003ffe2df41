"""A bank's history: who copied, imported, edited, published and archived which version, when,
and what each change did, on the bank's History page in admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from responses.models import BankEvent, Question, QuestionBank
from responses.services import bank_new_version, bank_publish
from tests.responses.test_bank_edit_admin import bank_url, post_changed, question_url

pytestmark = pytest.mark.django_db

BANK_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "cspi-v1.yaml"


def history_url(bank: QuestionBank) -> str:
    return f"/admin/responses/questionbank/{bank.pk}/history/"


def events(bank: QuestionBank) -> list[BankEvent]:
    return list(BankEvent.objects.filter(bank=bank).order_by("at", "pk"))


def log_messages(bank: QuestionBank) -> list[str]:
    entries = LogEntry.objects.filter(
        content_type__model="questionbank", object_id=str(bank.pk)
    ).order_by("action_time", "pk")
    return [entry.get_change_message() for entry in entries]


def diff_rows(event: BankEvent) -> list[dict[str, Any]]:
    """(item label, row) for every row of an event's recorded diff."""
    assert event.diff is not None
    return [
        {"item": item["label"], **row}
        for section in event.diff["sections"]
        for item in section["items"]
        for row in item["rows"]
    ]


@pytest.fixture
def draft(bank: QuestionBank, admin_user: Any) -> QuestionBank:
    return bank_new_version(bank=bank, actor=admin_user)


def test_copying_a_bank_in_admin_records_who_made_the_draft(bank, admin_client, admin_user):
    admin_client.post(
        "/admin/responses/questionbank/",
        {"action": "new_draft_version", "_selected_action": [bank.pk]},
    )

    draft = QuestionBank.objects.get(key=bank.key, version=bank.version + 1)
    [created] = events(draft)
    assert created.action == BankEvent.Action.CREATED
    assert created.actor == admin_user and created.actor_text == admin_user.get_username()
    assert created.summary == "Created draft v2 as a copy of v1; no changes"
    assert created.diff is not None and created.diff["sections"] == []
    assert log_messages(draft) == [created.summary]


def test_editing_a_question_and_an_option_records_the_diff(draft, admin_client, admin_user):
    q16 = Question.objects.get(bank=draft, number=16)
    first = q16.options.order_by("position").first()
    assert first is not None

    page = post_changed(
        admin_client,
        question_url(q16),
        {"text": "How aligned is the team, really?", "options-0-points": "1"},
    )

    assert page.status_code == 302
    edited = events(draft)[-1]
    assert edited.action == BankEvent.Action.EDITED and edited.actor == admin_user
    assert edited.summary == "Edited v2; 2 changes (Question 16)"
    rows = {(row["item"], row["option"], row["field"]): row for row in diff_rows(edited)}
    text = rows["Question 16", None, "Text"]
    assert (text["old"], text["new"]) == (q16.text, "How aligned is the team, really?")
    points = rows["Question 16", first.code, "Points"]
    assert (points["old"], points["new"]) == ("0", "1")
    assert edited.summary in log_messages(draft)


def test_editing_the_bank_page_logs_once_and_saving_unchanged_records_nothing(draft, admin_client):
    post_changed(admin_client, bank_url(draft), {"title": "CSPI, second edition"})
    post_changed(admin_client, bank_url(draft), {})

    copied, edited = events(draft)
    assert edited.summary == "Edited v2; 1 change (Bank)"
    assert log_messages(draft) == [copied.summary, edited.summary, "No fields changed."]


def test_publishing_records_published_and_archived_with_what_changed(bank, draft, admin_user):
    Question.objects.filter(bank=draft, number=16).update(text="Reworded")

    bank_publish(bank=draft, actor=admin_user)

    published = events(draft)[-1]
    archived = events(bank)[-1]
    assert published.action == BankEvent.Action.PUBLISHED and published.actor == admin_user
    assert published.summary == "Published v2 (archived v1); 1 change (Question 16)"
    assert archived.action == BankEvent.Action.ARCHIVED and archived.actor == admin_user
    assert archived.summary == "Archived v1 (replaced by v2); 1 change (Question 16)"
    [row] = diff_rows(published)
    assert (row["field"], row["new"]) == ("Text", "Reworded")
    assert published.diff is not None
    assert published.diff["columns"] == ["v1 (was published)", "v2 (published)"]
    assert archived.summary in log_messages(bank)


def test_load_bank_records_the_command_line_and_no_admin_log(db):
    call_command("load_bank", str(BANK_FILE), "--publish", stdout=None)

    bank = QuestionBank.objects.get()
    imported, published = events(bank)
    assert (imported.action, published.action) == ("imported", "published")
    assert {imported.actor_text, published.actor_text} == {"command line"}
    assert imported.actor is None and published.actor is None
    assert imported.summary == "Imported v1 from a bank file (the bank's first version)"
    assert published.summary == "Published v1 (the first published version)"
    assert log_messages(bank) == []  # Django's log needs a user


def test_importing_a_file_in_admin_records_the_admin_and_the_diff(bank, admin_client, admin_user):
    document = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    document["version"] = 2
    next(q for q in document["questions"] if q["number"] == 16)["text"] = "Imported wording"
    content = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()

    admin_client.post(
        "/admin/responses/questionbank/import/",
        {"file": SimpleUploadedFile("bank.yaml", content, content_type="application/yaml")},
    )

    [imported] = events(QuestionBank.objects.get(version=2))
    assert imported.actor == admin_user
    assert imported.summary.startswith("Imported v2 from a bank file, compared with ")
    assert imported.summary.endswith("; 1 change (Question 16)")


def test_the_history_page_shows_each_change_with_its_diff_escaped(bank, draft, admin_client):
    q16 = Question.objects.get(bank=draft, number=16)
    post_changed(admin_client, question_url(q16), {"text": "<script>alert(1)</script> Aligned?"})
    bank_publish(bank=draft, actor=None)

    page = admin_client.get(history_url(draft))
    html = page.content.decode()

    assert page.status_code == 200
    assert "Created draft v2 as a copy of v1; no changes" in html
    assert "Edited v2; 1 change (Question 16)" in html
    assert "Published v2 (archived v1); 1 change (Question 16)" in html
    assert "by admin" in html and "by unknown" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Aligned?" in html
    assert "<script>alert(1)" not in html
    assert html.index("Published v2") < html.index("Edited v2") < html.index("Created draft v2")
    assert "Archived v1 (replaced by v2)" in admin_client.get(history_url(bank)).content.decode()
