"""Three colleagues answer through one team link; the team view opens after the third, its PDF
(rendered by a real worker) holds the team's medians; one of them answers again and sees what
changed."""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from responses.models import PillarScore, Response, ResponseScore
from scoring.bank import BankSpec
from scoring.rounding import round_half_up
from survey.pages import survey_pages
from tests.benchmarks.test_pool_service import complete
from tests.browser.conftest import screenshot, start_assessment
from tests.browser.test_survey_in_browser import answer_page
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.worker import queue_purge, running_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_all(page: Page, spec: BankSpec, answers: Mapping[int, Any]) -> None:
    """From the page the browser is on (a retake opens past the profile it carried) to the end."""
    pages = survey_pages(spec)
    here = re.search(r"/page/(\d+)/", page.url)
    for number in range(int(here[1]) if here else 1, len(pages) + 1):
        answer_page(page, spec, number, answers)
        label = "Submit my answers" if number == len(pages) else "Next"
        page.get_by_role("button", name=label).click()
    expect(page.get_by_role("heading", name="Thank you: here is where you stand")).to_be_visible()


def colleague_through(
    page: Page, share_url: str, spec: BankSpec, answers: Mapping[int, Any]
) -> None:
    page.goto(share_url)
    expect(page.get_by_role("heading", name="A colleague invites you")).to_be_visible()
    start_assessment(page)
    answer_all(page, spec, answers)


def team_medians() -> dict[str, str]:
    """Each pillar's and the overall median over the three members' kept scores, as shown."""
    members = Response.objects.filter(mail_domain="example.com", status="completed")
    overall = [s.overall for s in ResponseScore.objects.filter(response__in=members)]
    medians = {"overall": statistics.median(overall)}
    for row in (
        PillarScore.objects.filter(response_score__response__in=members)
        .values_list("pillar_key", flat=True)
        .distinct()
    ):
        values = PillarScore.objects.filter(
            response_score__response__in=members, pillar_key=row
        ).values_list("score", flat=True)
        medians[row] = statistics.median(values)
    return {key: f"{round_half_up(Fraction(value)):.2f}" for key, value in medians.items()}


def test_three_colleagues_form_a_team_and_one_answers_again(new_page, spec, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    for number in range(6):  # other organisations, so the team has peers
        complete(spec, f"cs@peer{number}.example")
    queue_purge()
    with running_worker(tmp_path) as worker:
        ada = new_page()
        ada.goto("/")
        start_assessment(ada)
        answer_all(ada, spec, EXAMPLE_A)
        ada.get_by_role("button", name="Invite colleagues to a team assessment").click()
        share_url = ada.locator("#team-link").input_value()
        expect(ada.locator("#team-progress")).to_contain_text("1 of 3 colleagues have answered")

        bo = new_page(width=390, height=844)  # a phone
        colleague_through(bo, share_url, spec, {**EXAMPLE_B, 3: "bo@example.com"})
        expect(bo.locator("#team-progress")).to_contain_text("2 of 3 colleagues have answered")
        expect(bo.get_by_role("link", name="See the team view")).to_have_count(0)

        cy = new_page()
        colleague_through(cy, share_url, spec, {**EXAMPLE_A, 3: "cy@Example.com"})
        cy.get_by_role("link", name="See the team view").click()

        expect(cy.get_by_role("heading", name="Your team assessment")).to_be_visible()
        spread = cy.locator("#team-spread")
        medians = team_medians()
        expect(spread.get_by_role("row", name="Overall")).to_contain_text(medians["overall"])
        screenshot(cy, "team-view")
        cy.get_by_role("button", name="Make the team PDF").click()
        download_link = cy.get_by_role("link", name="Download the team PDF")
        try:  # the page follows the worker without a reload
            expect(download_link).to_be_visible(timeout=60_000)
        except AssertionError as error:
            raise AssertionError(f"no team PDF; the worker said:\n{worker.log_tail()}") from error
        with cy.expect_download() as download:
            download_link.click()
        team_pdf = download.value.path().read_bytes()

        ada.goto(ada.url)
        ada.get_by_role("button", name="Take the assessment again").click()
        answer_all(ada, spec, EXAMPLE_B)
        progress = ada.locator("#progress")
        expect(progress).to_contain_text("Since your assessment of")
        expect(progress).to_contain_text("+46.85")
        screenshot(ada, "progress-after-second-assessment")

    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(team_pdf)).pages).split()
    )
    for median in medians.values():
        assert median in text
