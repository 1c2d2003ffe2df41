"""From the last survey page to the PDF in hand: a real worker renders it while the page waits."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from benchmarks.groups import GroupKey
from benchmarks.selectors import benchmark_latest
from responses.models import Response
from survey.pages import survey_pages
from tests.benchmarks.test_pool_service import complete
from tests.browser.conftest import screenshot, start_assessment
from tests.browser.test_survey_in_browser import answer_page
from tests.worker import queue_purge, running_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_results_page_follows_the_report_until_it_can_be_downloaded(
    new_page, spec, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    for number in range(6):
        complete(spec, f"cs@peer{number}.example")
    queue_purge()
    with running_worker(tmp_path) as worker:
        page = new_page()
        page.goto("/")
        start_assessment(page)
        pages = survey_pages(spec)
        for number in range(1, len(pages) + 1):
            answer_page(page, spec, number)
            label = "Submit my answers" if number == len(pages) else "Next"
            page.get_by_role("button", name=label).click()

        report = page.get_by_role("region", name="Your PDF benchmark report")
        button = report.get_by_role("link", name="Download PDF")
        try:
            expect(button).to_be_visible(timeout=60_000)
        except AssertionError as error:
            raise AssertionError(f"no report; the worker said:\n{worker.log_tail()}") from error
        expect(report.get_by_role("status")).to_have_text("Your PDF report is ready.")
        screenshot(page, "results-report-ready")
        with page.expect_download() as download:
            button.click()
        pdf = download.value.path().read_bytes()

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "14.28" in text and "Undeveloped" in text
    for score in ("27.78", "25.00", "3.03", "5.13"):  # Team, Onboarding, Alignment, ROI
        assert score in text
    mine = Response.objects.get(email="ada@example.com")
    everyone = benchmark_latest(response=mine).comparison.group(GroupKey.ALL)  # type: ignore[union-attr]
    assert everyone.pillars is not None
    for stats in everyone.pillars.values():
        assert f"{stats.median:.2f}" in text
