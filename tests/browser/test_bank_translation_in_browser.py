"""An admin translates a bank in the browser: the languages with what each lacks, a text typed
beside its English, and a respondent reading it; each admin page no wider than the window."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from responses.bank_texts import translations_load_beside
from responses.models import BankTranslation
from tests.browser.test_bank_curation_in_browser import looked_at
from tests.conftest import DEFAULT_BANK_FILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_fills_in_a_missing_french_text_that_respondents_then_read(new_page, bank):
    translations_load_beside(bank=bank, bank_file=DEFAULT_BANK_FILE)
    french = BankTranslation.objects.get(bank=bank, language="fr")
    del french.texts["questions"]["1"]  # "Your name" not yet in French
    french.save()
    User.objects.create_superuser("curator", "curator@example.com", "a-long-pass-phrase-42")

    admin = new_page()
    admin.goto(f"/admin/responses/questionbank/{bank.pk}/change/")
    admin.get_by_label("Username").fill("curator")
    admin.get_by_label("Password").fill("a-long-pass-phrase-42")
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Translations").click()
    row = admin.get_by_role("row").filter(has_text="French")
    expect(row).to_contain_text("1 text")
    expect(admin.get_by_role("row").filter(has_text="German")).to_contain_text("Complete")
    looked_at(admin, "admin-bank-translations")

    row.get_by_role("link", name="French").click()
    expect(admin.get_by_text("respondents read it in English")).to_be_visible()
    field = admin.get_by_label("Question 1", exact=True)
    expect(field).to_have_value("")
    looked_at(admin, "admin-bank-translation-fr")
    field.fill("Votre nom")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_text("Every text is translated.")).to_be_visible()

    respondent = new_page(width=390, height=844, locale="fr-FR")
    respondent.goto("/")
    respondent.locator("#consent").check()
    respondent.locator("form button[type=submit]").last.click()
    expect(respondent.get_by_role("group", name="Votre nom")).to_be_visible()
