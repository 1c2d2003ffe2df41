"""The survey in German, in a real browser whose language is German, with a real worker: the
pages, the results page and the PDF speak German and write example A's scores the German way."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from responses.bank_texts import bank_spec_shown, translations_load_beside
from responses.models import Response
from scoring.bank import BankSpec, Kind
from survey.pages import survey_pages
from tests.benchmarks.test_pool_service import complete
from tests.browser.conftest import screenshot
from tests.conftest import DEFAULT_BANK_FILE
from tests.survey.answering import EXAMPLE_A
from tests.worker import queue_purge, running_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(text: str) -> str:
    """The German of one of our interface texts, from the catalogue (never the English)."""
    with translation.override("de"):
        translated = translation.gettext(text)
    assert translated != text, f"no German for {text!r}"
    return translated


def answer_in_german(page: Page, english: BankSpec, shown: BankSpec, number: int) -> None:
    """Answer example A on one page by reading the German legends and labels."""
    for question in survey_pages(english)[number - 1].questions:
        if question.number not in EXAMPLE_A:
            continue
        value: Any = EXAMPLE_A[question.number]
        in_german = shown.question(question.number)
        assert in_german is not None
        group = page.get_by_role("group", name=in_german.text)
        labels: Mapping[str, str] = {
            o.text: t.text for o, t in zip(question.options, in_german.options, strict=True)
        }
        if question.number == 10:
            group.get_by_role("textbox").fill("96,5")  # as a German writes it
        elif value is None:
            group.get_by_label(german("Unknown / prefer not to say")).check()
        elif question.kind == Kind.MULTI:
            for text in value:
                group.get_by_label(labels[text], exact=True).check()
        elif question.kind == Kind.SINGLE:
            group.get_by_label(labels[str(value)], exact=True).check()
        else:
            group.get_by_role("textbox").fill(str(value))


def test_a_german_respondent_reads_german_pages_and_a_german_pdf(
    new_page, bank, spec, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    translations_load_beside(bank=bank, bank_file=DEFAULT_BANK_FILE)
    shown = bank_spec_shown(bank=bank, language="de")
    for number in range(6):
        complete(spec, f"cs@peer{number}.example")
    queue_purge()
    with running_worker(tmp_path) as worker:
        page = new_page(locale="de-DE")
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_label(german("Language"))).to_have_value("de")
        screenshot(page, "de-landing")
        consent = page.locator("label[for=consent]")
        expect(consent).to_contain_text("Datenschutz")  # the privacy notice, in German
        page.locator("#consent").check()
        page.get_by_role("button", name=german("Start the assessment")).click()

        pages = survey_pages(spec)
        for number in range(1, len(pages) + 1):
            expect(page.get_by_role("heading", level=1)).to_have_text(
                survey_pages(shown)[number - 1].title
            )
            answer_in_german(page, spec, shown, number)
            if number == 2:
                screenshot(page, "de-survey-page-2")
            last = number == len(pages)
            page.get_by_role("button", name=german("Submit my answers" if last else "Next")).click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            german("Thank you: here is where you stand")
        )
        results = page.locator("main")
        expect(results).to_contain_text("14,28")  # example A's overall score, German style
        expect(page.locator(".overall-bucket")).to_have_text("Unentwickelt")
        screenshot(page, "de-results")

        report = page.get_by_role("region", name=german("Your PDF benchmark report"))
        button = report.get_by_role("link", name=german("Download PDF"))
        try:
            expect(button).to_be_visible(timeout=60_000)
        except AssertionError as error:
            raise AssertionError(f"no report; the worker said:\n{worker.log_tail()}") from error
        with page.expect_download() as download:
            button.click()
        pdf = download.value.path().read_bytes()

    (tmp_path / "de-report.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.root_object["/Lang"] == "de"  # the PDF says its language
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for score in ("14,28", "27,78", "25,00", "3,03", "5,13"):  # overall, Team, Onboarding, …
        assert score in text
    assert "14.28" not in text and "27.78" not in text
    assert "Ausrichtung" in text and "Unentwickelt" in text
    assert german("Where you stand") in text and german("How to read this report") in text
    response = Response.objects.get(email="ada@example.com")
    assert response.language == "de"
    assert response.answers["10"] == 96.5
    assert (response.region, response.industry) == ("Europe", "Software and SaaS")
