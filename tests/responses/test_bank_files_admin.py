"""Bank files in Django admin: export any version as YAML, import a file as a draft, checked by
the rules of `manage.py load_bank`, changing nothing when refused."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from responses.bank_export import MAX_BANK_FILE_BYTES, bank_spec_export, bank_text_read
from responses.bank_file import bank_file_read
from responses.models import Option, Question, QuestionBank
from responses.selectors import bank_spec_for
from responses.services import bank_new_version

BANK_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "cspi-v1.yaml"
IMPORT_URL = reverse("admin:responses_questionbank_import")
Document = dict[str, Any]


@pytest.fixture
def document() -> Document:
    return yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))


def question(document: Document, number: int) -> dict[str, Any]:
    return next(item for item in document["questions"] if item["number"] == number)


def as_yaml(document: Document) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()


def upload(client: Client, content: bytes, **fields: Any) -> Any:
    file = SimpleUploadedFile("bank.yaml", content, content_type="application/yaml")
    return client.post(IMPORT_URL, {"file": file, **fields}, follow=True)


def stored() -> tuple[int, int, int, dict[int, str]]:
    banks = dict(QuestionBank.objects.values_list("version", "status"))
    return QuestionBank.objects.count(), Question.objects.count(), Option.objects.count(), banks


def export(client: Client, bank: QuestionBank) -> Any:
    return client.get(reverse("admin:responses_questionbank_export", args=[bank.pk]))


# --- export and round trip ------------------------------------------------------------------------


def test_the_bank_file_reads_back_equal_after_an_export() -> None:
    spec = bank_file_read(BANK_FILE)

    assert bank_text_read(bank_spec_export(spec).encode()) == spec


@pytest.mark.django_db
def test_export_downloads_the_version_as_a_file_that_loads_as_an_equal_bank(
    admin_client: Client, bank: QuestionBank
) -> None:
    response = export(admin_client, bank)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert 'filename="cspi-v1.yaml"' in response["Content-Disposition"]
    assert bank_text_read(response.content) == bank_spec_for(bank=bank)


@pytest.mark.django_db
def test_fixture_imported_in_admin_then_exported_is_the_same_bank(admin_client: Client) -> None:
    upload(admin_client, BANK_FILE.read_bytes())
    draft = QuestionBank.objects.get(key="cspi", version=1)

    exported = export(admin_client, draft)

    assert bank_text_read(exported.content) == bank_file_read(BANK_FILE)


@pytest.mark.django_db
def test_a_draft_edited_into_codes_a_file_cannot_carry_is_not_exported(
    admin_client: Client, bank: QuestionBank
) -> None:
    draft = bank_new_version(bank=bank)
    Option.objects.filter(question__bank=draft, code=1503).update(code=1599)

    response = admin_client.get(
        reverse("admin:responses_questionbank_export", args=[draft.pk]), follow=True
    )

    assert response.redirect_chain[-1][0].endswith(f"/{draft.pk}/change/")
    assert "Question 15, option" in response.content.decode()
    assert "code: 1599 is not 1503" in response.content.decode()


# --- import ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_good_file_becomes_a_draft_linked_to_its_diff_and_nothing_is_published(
    admin_client: Client, bank: QuestionBank, document: Document
) -> None:
    document["version"] = 2
    question(document, 15)["options"][2]["points"] = 2

    response = upload(admin_client, as_yaml(document))

    draft = QuestionBank.objects.get(key="cspi", version=2)
    assert draft.status == QuestionBank.Status.DRAFT
    bank.refresh_from_db()
    assert bank.status == QuestionBank.Status.PUBLISHED
    page = response.content.decode()
    assert "Nothing was published" in page
    assert reverse("admin:responses_questionbank_change", args=[draft.pk]) in page
    compare = reverse("admin:responses_questionbank_compare")
    assert f"{compare}?old={bank.pk}&amp;new={draft.pk}" in page


def _not_yaml(document: Document) -> bytes:
    return b"bank: cspi\nquestions: [unclosed\n"


def _unknown_fields(document: Document) -> bytes:
    document["colour"] = "blue"
    question(document, 20)["optoins"] = question(document, 20).pop("options")
    return as_yaml(document)


def _duplicate_numbers(document: Document) -> bytes:
    question(document, 16)["number"] = 17
    return as_yaml(document)


def _pillar_without_questions(document: Document) -> bytes:
    document["pillars"].append({"key": "advocacy", "name": "Advocacy"})
    return as_yaml(document)


def _points_out_of_range(document: Document) -> bytes:
    question(document, 24)["options"][0]["points"] = 4
    return as_yaml(document)


def _not_utf8(document: Document) -> bytes:
    return as_yaml(document).replace(b"Your name", b"Your n\xe4me")


def _aliases(document: Document) -> bytes:
    return b"bank: &k cspi\ntitle: *k\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (_not_yaml, "The file is not valid YAML"),
        (_unknown_fields, "Question 20: unknown field &#x27;optoins&#x27;."),
        (_unknown_fields, "Unknown top-level field &#x27;colour&#x27;."),
        (_duplicate_numbers, "Question 17, number: used by 2 questions."),
        (_pillar_without_questions, "Pillar &#x27;advocacy&#x27; has no required question"),
        (
            _points_out_of_range,
            "Question 24, option &#x27;During the Sales cycle&#x27;, points: 4 is outside 0..3.",
        ),
        (_not_utf8, "The file is not UTF-8 text"),
        (_aliases, "The file uses YAML aliases"),
    ],
)
def test_a_refused_file_names_each_problem_keeps_the_form_and_changes_nothing(
    admin_client: Client, bank: QuestionBank, document: Document, make_file: Any, message: str
) -> None:
    document["version"] = 2
    before = stored()

    response = upload(admin_client, make_file(copy.deepcopy(document)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file was refused; nothing was changed" in page
    assert message in page
    assert 'type="file" name="file"' in page
    assert stored() == before


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_with_the_limit(admin_client: Client) -> None:
    response = upload(admin_client, b"#" * (MAX_BANK_FILE_BYTES + 1))

    assert "the limit is 512 KiB" in response.content.decode()
    assert QuestionBank.objects.count() == 0


@pytest.mark.django_db
def test_an_existing_draft_is_replaced_only_when_asked(
    admin_client: Client, bank: QuestionBank, document: Document
) -> None:
    draft = bank_new_version(bank=bank)
    document["version"] = draft.version
    document["title"] = "CSPI from a file"

    refused = upload(admin_client, as_yaml(document))

    assert "is a draft already" in refused.content.decode()
    assert QuestionBank.objects.get(pk=draft.pk).title == bank.title

    upload(admin_client, as_yaml(document), replace_draft="on")

    assert QuestionBank.objects.get(key="cspi", version=draft.version).title == "CSPI from a file"


@pytest.mark.django_db
def test_the_published_version_uploaded_again_changes_nothing_and_says_so(
    admin_client: Client, bank: QuestionBank, document: Document
) -> None:
    before = stored()

    same = upload(admin_client, BANK_FILE.read_bytes())
    question(document, 24)["text"] = "When do you first talk about business objectives?"
    different = upload(admin_client, as_yaml(document))

    assert "nothing was imported" in same.content.decode()
    assert "Give the file a new version number" in different.content.decode()
    assert stored() == before


@pytest.mark.django_db
def test_text_from_the_file_is_shown_escaped(admin_client: Client, document: Document) -> None:
    question(document, 15)["<script>alert(1)</script>"] = 1

    page = upload(admin_client, as_yaml(document)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_needs_the_csrf_token(admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("bank.yaml", BANK_FILE.read_bytes())}
    )

    assert response.status_code == 403
    assert QuestionBank.objects.count() == 0


@pytest.mark.django_db
def test_staff_without_bank_permissions_cannot_import_or_export(
    client: Client, bank: QuestionBank
) -> None:
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)

    assert client.get(IMPORT_URL).status_code == 403
    assert export(client, bank).status_code == 403
    anonymous = Client()
    assert anonymous.get(IMPORT_URL).status_code == 302
