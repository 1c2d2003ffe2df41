"""A consultant's day, in a real browser: sign in, create a campaign, watch a client's answer
arrive and download its PDF, rendered by a real worker."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from consultants.accounts import consultant_create
from survey.pages import survey_pages
from tests.browser.conftest import screenshot, start_assessment
from tests.browser.test_survey_in_browser import answer_page
from tests.worker import queue_purge, running_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consultant_creates_a_campaign_and_downloads_a_clients_pdf(
    new_page, spec, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    consultant: User = consultant_create(email="consultant@example.com")
    consultant.set_password("a-long-pass-phrase-42")
    consultant.save()
    queue_purge()
    with running_worker(tmp_path) as worker:
        desk = new_page()
        desk.goto("/workspace/")
        desk.get_by_label("E-mail address").fill("Consultant@example.com")
        desk.get_by_label("Password").fill("a-long-pass-phrase-42")
        desk.get_by_role("button", name="Sign in").click()
        expect(desk.get_by_role("heading", name="Your campaigns")).to_be_visible()
        desk.get_by_role("link", name="New campaign").click()
        desk.get_by_label("Client name").fill("Acme <Analytics>")
        desk.get_by_role("button", name="Create campaign and get its link").click()
        expect(desk.get_by_role("heading", name="Acme <Analytics>")).to_be_visible()
        link = desk.get_by_label("Survey link to send to Acme <Analytics>").input_value()

        client = new_page(width=390, height=844)
        client.goto(link)
        expect(
            client.get_by_text("Asked for by consultant@example.com for Acme <Analytics>")
        ).to_be_visible()
        start_assessment(client)
        pages = survey_pages(spec)
        for number in range(1, len(pages) + 1):
            answer_page(client, spec, number)
            label = "Submit my answers" if number == len(pages) else "Next"
            client.get_by_role("button", name=label).click()
        expect(client.get_by_text("Overall CSPI score: 14.28")).to_be_visible()

        responses = desk.get_by_role("table").filter(has_text="PDF report")
        row = responses.get_by_role("row", name="ada@example.com")
        download_link = row.get_by_role("link", name="Download PDF")
        for _ in range(60):
            desk.reload()
            if download_link.count():
                break
            desk.wait_for_timeout(1000)
        else:
            raise AssertionError(f"the PDF never became ready:\n{worker.log_tail()}")
        expect(row).to_contain_text("14.28")
        desk.get_by_role("button", name="Download all PDFs as a ZIP").click()
        expect(desk.get_by_role("status").filter(has_text="ZIP")).to_have_text(
            "The ZIP of 1 PDF is ready.", timeout=30_000
        )
        screenshot(desk, "workspace-campaign")
        with desk.expect_download() as bundle:
            desk.get_by_role("link", name="Download the ZIP").click()
        assert bundle.value.path().read_bytes().startswith(b"PK")
        with desk.expect_download() as download:
            download_link.click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
