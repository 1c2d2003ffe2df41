"""A respondent of a consultant's campaign downloads their data, then erases it, in a real
browser; the consultant's campaign page no longer lists them."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from consultants.accounts import consultant_create
from consultants.campaigns import campaign_create
from responses.models import QuestionBank, Response
from tests.browser.conftest import screenshot
from tests.browser.test_bank_curation_in_browser import looked_at
from tests.privacy.test_erasure import completed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_respondent_downloads_then_erases_their_data(new_page, bank: QuestionBank, spec):
    consultant = consultant_create(email="consultant@example.com")
    consultant.set_password("a-long-pass-phrase-42")
    consultant.save()
    campaign = campaign_create(
        owner=consultant, client_name="Acme", note="", bank=bank, closes_on=None
    )
    ana = completed(spec, "ana@acme.example", campaign)

    respondent = new_page(width=390, height=844)
    respondent.goto(f"/survey/{ana.token}/results/")
    respondent.get_by_role("link", name="Your data").click()
    expect(respondent.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    expect(respondent.get_by_text("consultant@example.com, who asked you")).to_be_visible()
    looked_at(respondent, "your-data-phone")
    with respondent.expect_download() as download:
        respondent.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["response"]["e-mail"] == "ana@acme.example" and data["answers"]

    desk = new_page(width=390, height=844)  # the consultant, on a phone
    desk.goto("/")
    desk.get_by_role("link", name="Consultants: sign in").click()
    desk.get_by_label("E-mail address").fill("consultant@example.com")
    desk.get_by_label("Password").fill("a-long-pass-phrase-42")
    desk.get_by_role("button", name="Sign in").click()
    looked_at(desk, "workspace-campaigns-phone")
    desk.get_by_role("link", name="Acme").click()
    expect(desk.get_by_role("row", name="ana@acme.example")).to_be_attached()
    looked_at(desk, "workspace-campaign-phone")

    respondent.get_by_role("button", name="Erase my data").click()
    expect(respondent.get_by_text("Tick the box to confirm")).to_be_visible()
    respondent.get_by_label("I understand that everything of this assessment is erased").check()
    respondent.get_by_role("button", name="Erase my data").click()
    expect(respondent.get_by_role("heading", name="Your data was erased")).to_be_visible()
    screenshot(respondent, "your-data-erased-phone")
    assert not Response.objects.filter(pk=ana.pk).exists()

    desk.reload()
    expect(desk.get_by_role("row", name="ana@acme.example")).to_have_count(0)
