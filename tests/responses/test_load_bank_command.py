"""Loading question banks with `manage.py load_bank`, new draft versions, and the bank admin."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client

from responses.models import Option, Question, QuestionBank
from responses.selectors import bank_spec_for
from responses.services import bank_new_version

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BANK_FILE = REPO / "fixtures" / "cspi-v1.yaml"

Document = dict[str, Any]


@pytest.fixture
def document() -> Document:
    return yaml.safe_load(DEFAULT_BANK_FILE.read_text(encoding="utf-8"))


def question(document: Document, number: int) -> dict[str, Any]:
    return next(item for item in document["questions"] if item["number"] == number)


def write(tmp_path: Path, document: Document, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def load(path: Path) -> str:
    out = StringIO()
    call_command("load_bank", str(path), publish=True, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return QuestionBank.objects.count(), Question.objects.count(), Option.objects.count()


def statuses() -> dict[int, str]:
    return dict(QuestionBank.objects.filter(key="cspi").values_list("version", "status"))


# --- load_bank ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("loaded_before", [False, True], ids=["empty-db", "after-valid-bank"])
def test_refused_file_names_question_and_field_and_changes_nothing(
    tmp_path: Path, document: Document, loaded_before: bool
) -> None:
    if loaded_before:
        load(DEFAULT_BANK_FILE)
    bad = copy.deepcopy(document)
    bad["version"] = 2
    question(bad, 15)["pillar"] = "alignmnt"
    question(bad, 24)["options"][0]["points"] = 4
    before, before_statuses = counts(), statuses()

    with pytest.raises(CommandError) as caught:
        load(write(tmp_path, bad))

    message = str(caught.value)
    assert "Question 15, pillar" in message
    assert "Question 24, option 'During the Sales cycle', points" in message
    assert "nothing was changed" in message
    assert counts() == before
    assert statuses() == before_statuses


@pytest.mark.django_db
def test_loading_the_default_twice_says_unchanged_and_keeps_one_bank() -> None:
    first = load(DEFAULT_BANK_FILE)
    second = load(DEFAULT_BANK_FILE)

    assert "created" in first
    assert "unchanged" in second
    assert "35 questions" in second
    assert QuestionBank.objects.count() == 1
    assert Question.objects.count() == 35
    assert statuses() == {1: "published"}


@pytest.mark.django_db
def test_different_file_under_a_published_version_is_refused_and_changes_nothing(
    tmp_path: Path, document: Document
) -> None:
    load(DEFAULT_BANK_FILE)
    question(document, 24)["text"] = "When do you first talk about business objectives?"
    before = counts()

    with pytest.raises(CommandError) as caught:
        load(write(tmp_path, document))

    assert "new version number" in str(caught.value)
    assert counts() == before
    assert statuses() == {1: "published"}
    stored = Question.objects.get(bank__version=1, number=24)
    assert (
        stored.text
        == "When is the first time you discuss key business objectives with your clients?"
    )


@pytest.mark.django_db
def test_publishing_a_new_version_archives_the_old_one(tmp_path: Path, document: Document) -> None:
    load(DEFAULT_BANK_FILE)
    document["version"] = 2
    document["title"] = "Customer Success Performance Index 2"

    output = load(write(tmp_path, document))

    assert "v2" in output
    assert statuses() == {1: "archived", 2: "published"}
    assert QuestionBank.objects.filter(status="published").count() == 1
    published = QuestionBank.objects.get(status="published")
    assert published.title == "Customer Success Performance Index 2"
    assert published.published_at is not None


@pytest.mark.django_db
def test_reloading_an_archived_version_leaves_the_newer_one_published(
    tmp_path: Path, document: Document
) -> None:
    load(DEFAULT_BANK_FILE)
    document["version"] = 2
    load(write(tmp_path, document))

    output = load(DEFAULT_BANK_FILE)

    assert "unchanged" in output
    assert statuses() == {1: "archived", 2: "published"}


@pytest.mark.django_db
def test_points_finer_than_stored_are_refused_or_kept_exactly(
    tmp_path: Path, document: Document
) -> None:
    question(document, 26)["options"][1]["points"] = 0.7777
    path = write(tmp_path, document)

    try:
        load(path)
    except CommandError as error:  # refusing it up front is fine too
        assert "Question 26" in str(error) and "points" in str(error)
        return

    assert Option.objects.get(code=2602).points == Decimal("0.7777")
    assert "unchanged" in load(path)


@pytest.mark.django_db
def test_duplicate_bucket_key_is_refused_with_a_message_not_a_crash(
    tmp_path: Path, document: Document
) -> None:
    document["buckets"][1]["key"] = "undeveloped"
    before = counts()

    with pytest.raises(CommandError) as caught:
        load(write(tmp_path, document))

    assert "undeveloped" in str(caught.value)
    assert counts() == before


# --- new draft version ---------------------------------------------------------------------------


def test_new_version_copies_a_published_bank_into_a_draft(bank: QuestionBank) -> None:
    published_spec = bank_spec_for(bank=bank)

    draft = bank_new_version(bank=bank)

    assert draft.version == bank.version + 1
    assert draft.status == "draft"
    assert draft.title == bank.title
    bank.refresh_from_db()
    assert bank.status == "published"
    assert bank_spec_for(bank=draft) == dataclasses.replace(published_spec, version=draft.version)
    assert Question.objects.filter(bank=draft).count() == 35
    assert (
        Option.objects.filter(question__bank=draft).count()
        == Option.objects.filter(question__bank=bank).count()
    )


# --- admin ----------------------------------------------------------------------------------------


@pytest.fixture
def admin_browser(client: Client, django_user_model: Any) -> Client:
    superuser = django_user_model.objects.create_superuser(
        username="admin", email="admin@example.com", password="not-used"
    )
    client.force_login(superuser)
    return client


def change_url(bank: QuestionBank) -> str:
    return f"/admin/responses/questionbank/{bank.pk}/change/"


def test_published_bank_change_page_shows_title_without_an_input(
    bank: QuestionBank, admin_browser: Client
) -> None:
    response = admin_browser.get(change_url(bank))

    assert response.status_code == 200
    html = response.content.decode()
    assert bank.title in html
    assert 'name="title"' not in html


def test_post_to_a_published_bank_does_not_change_its_title(
    bank: QuestionBank, admin_browser: Client
) -> None:
    title = bank.title

    admin_browser.post(change_url(bank), {"title": "Renamed", "intro": "", "_save": "Save"})

    bank.refresh_from_db()
    assert bank.title == title


def test_draft_bank_change_page_has_an_editable_title(
    bank: QuestionBank, admin_browser: Client
) -> None:
    draft = bank_new_version(bank=bank)

    response = admin_browser.get(change_url(draft))

    assert response.status_code == 200
    assert 'name="title"' in response.content.decode()


def test_question_list_is_ordered_by_number(bank: QuestionBank, admin_browser: Client) -> None:
    response = admin_browser.get("/admin/responses/question/")

    assert response.status_code == 200
    numbers = [q.number for q in response.context["cl"].result_list]
    assert numbers == list(range(1, 36))


def test_question_search_for_kickoff_finds_q24(bank: QuestionBank, admin_browser: Client) -> None:
    response = admin_browser.get("/admin/responses/question/", {"q": "kickoff"})

    assert response.status_code == 200
    assert [q.number for q in response.context["cl"].result_list] == [24]
    assert "When is the first time you discuss key business objectives" in response.content.decode()


@pytest.mark.django_db
def test_loading_a_draft_again_replaces_it(tmp_path: Path, document: Document) -> None:
    load(DEFAULT_BANK_FILE)
    document["version"] = 2
    call_command("load_bank", str(write(tmp_path, document)), stdout=StringIO())
    question(document, 15)["text"] = "Who leads customer success, and at what level?"

    call_command("load_bank", str(write(tmp_path, document, "again.yaml")), stdout=StringIO())

    draft = QuestionBank.objects.get(version=2)
    assert draft.status == "draft"
    assert draft.questions.get(number=15).text == "Who leads customer success, and at what level?"
    assert QuestionBank.objects.count() == 2
