"""A bank's translations in admin: what is missing per language, texts edited beside their
English, a refused save or file keeping what was typed and changing nothing, export and import."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from responses.bank_texts import bank_spec_shown, translations_load_beside
from responses.models import BankTranslation, QuestionBank, Response
from tests.conftest import DEFAULT_BANK_FILE

pytestmark = pytest.mark.django_db


def url(bank: QuestionBank, tail: str = "") -> str:
    return f"/admin/responses/questionbank/{bank.pk}/translations/{tail}"


def typed(page: Any) -> dict[str, str]:
    """The edit form posted back as the browser shows it."""
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields} | {"save": "Save"}


def test_the_overview_lists_what_each_language_lacks(bank, admin_client):
    translations_load_beside(bank=bank, bank_file=DEFAULT_BANK_FILE)
    BankTranslation.objects.filter(bank=bank, language="fr").delete()
    page = admin_client.get(url(bank))
    assert page.status_code == 200
    languages = {language["code"]: language for language in page.context["languages"]}
    assert languages["de"]["missing"] == [] and languages["es"]["missing"] == []
    french = languages["fr"]["missing"]
    assert len(french) == page.context["total"]  # nothing in French yet: all shown in English
    assert ("Question 1, text", "Your name") in [(m.where, m.english) for m in french]
    assert "Complete" in page.content.decode()


def test_a_text_saved_beside_its_english_is_what_respondents_read(bank, admin_client):
    page = admin_client.get(url(bank, "de/"))
    assert page.status_code == 200
    data = typed(page) | {
        "q.1.text": "Ihr <b>Name</b>",
        "q.2.option.1": "Chief Revenue Officer (CRO)",
    }
    saved = admin_client.post(url(bank, "de/"), data)
    assert saved.status_code == 302
    shown = bank_spec_shown(bank=bank, language="de")
    assert shown.question(1).text == "Ihr <b>Name</b>"  # type: ignore[union-attr]
    # Markup in a translation is text: the survey page escapes it like any bank text.
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.post("/start/", {"consent": "yes"})
    survey_page = client.get(f"/survey/{Response.objects.get().token}/page/1/").content.decode()
    assert "Ihr &lt;b&gt;Name&lt;/b&gt;" in survey_page
    # Still missing texts are listed on the page, and read in English by respondents.
    again = admin_client.get(url(bank, "de/"))
    assert ("Question 3, text", "Your e-mail address") in [
        (m.where, m.english) for m in again.context["missing"]
    ]
    assert shown.question(3).text == "Your e-mail address"  # type: ignore[union-attr]


def test_a_refused_save_changes_nothing_and_keeps_what_was_typed(bank, admin_client):
    page = admin_client.get(url(bank, "de/"))
    data = typed(page) | {
        "q.2.option.1": "Leiter",
        "q.2.option.2": "leiter",
        "q.1.text": "Ihr Name",
    }
    refused = admin_client.post(url(bank, "de/"), data)
    assert refused.status_code == 200
    assert "read the same" in refused.content.decode()
    assert refused.context["form"]["q.1.text"].value() == "Ihr Name"
    assert not BankTranslation.objects.filter(bank=bank).exists()


def test_an_export_imports_back_and_a_reordered_file_is_refused(bank, admin_client):
    translations_load_beside(bank=bank, bank_file=DEFAULT_BANK_FILE)
    exported = admin_client.get(url(bank, "es/export/"))
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith('.es.yaml"')
    document = yaml.safe_load(exported.content)
    before = BankTranslation.objects.get(bank=bank, language="es").texts

    # Options swapped: refused, naming the question; nothing changes.
    swapped = yaml.safe_load(exported.content)
    options = swapped["questions"]["4"]["options"]
    options[0], options[1] = options[1], options[0]
    file = SimpleUploadedFile("es.yaml", yaml.safe_dump(swapped, allow_unicode=True).encode())
    refused = admin_client.post(url(bank, "es/"), {"upload": "Import", "file": file})
    assert refused.status_code == 200
    assert "Question 4, option 1" in refused.content.decode()
    assert BankTranslation.objects.get(bank=bank, language="es").texts == before

    # The export as it is goes back in unchanged.
    file = SimpleUploadedFile("es.yaml", yaml.safe_dump(document, allow_unicode=True).encode())
    imported = admin_client.post(url(bank, "es/"), {"upload": "Import", "file": file})
    assert imported.status_code == 302
    assert BankTranslation.objects.get(bank=bank, language="es").texts == before


def test_a_language_banks_are_not_translated_into_is_not_found(bank, admin_client):
    assert admin_client.get(url(bank, "en/")).status_code == 404
    assert admin_client.get(url(bank, "xx/")).status_code == 404
