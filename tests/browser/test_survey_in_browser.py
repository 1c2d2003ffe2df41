"""The whole survey in a real browser, by what a respondent sees: legends and option labels."""

from collections.abc import Mapping
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from responses.models import Response
from scoring.bank import BankSpec, Kind
from survey.pages import survey_pages
from tests.benchmarks.test_pool_service import complete
from tests.browser.conftest import screenshot, start_assessment
from tests.survey.answering import EXAMPLE_A, stored_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_page(
    page: Page, spec: BankSpec, page_number: int, answers: Mapping[int, Any] | None = None
) -> None:
    """Answer one page as a respondent would (example A unless `answers` says otherwise)."""
    chosen: Mapping[int, Any] = EXAMPLE_A if answers is None else answers
    for question in survey_pages(spec)[page_number - 1].questions:
        if question.number not in chosen:
            continue
        value = chosen[question.number]
        group = page.get_by_role("group", name=question.text)
        if value is None:
            group.get_by_label("Unknown / prefer not to say").check()
        elif question.kind == Kind.MULTI:
            for text in value:
                group.get_by_label(text, exact=True).check()
        elif question.kind == Kind.SINGLE:
            group.get_by_label(str(value), exact=True).check()
        elif question.kind in (Kind.INTEGER, Kind.PERCENT):
            group.get_by_role("textbox").fill(str(value))
        else:
            group.get_by_role("textbox").fill(str(value))


def test_respondent_completes_the_survey_leaving_halfway_and_resuming_elsewhere(new_page, spec):
    page = new_page()
    page.goto("/")
    start_assessment(page)
    pages = survey_pages(spec)
    halfway = len(pages) // 2
    # A number as people write it ("96,5") reaches the server as typed, and is read as 96.5.
    typed = {**EXAMPLE_A, 10: "96,5"}
    assert 10 in {q.number for p in pages[:halfway] for q in p.questions}
    for number in range(1, halfway + 1):
        expect(page.get_by_role("heading", level=1)).to_have_text(pages[number - 1].title)
        answer_page(page, spec, number, typed)
        if number == 1:
            screenshot(page, "survey-page-1")
        page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("questions completed")).to_contain_text(
        f"{sum(q.number in EXAMPLE_A for p in pages[:halfway] for q in p.questions)} of 35"
    )
    resume_link = page.get_by_label("Your private resume link").input_value()

    other_device = new_page(width=390, height=844)
    other_device.goto(resume_link)
    expect(other_device.get_by_role("heading", level=1)).to_have_text(pages[halfway].title)
    screenshot(other_device, "survey-phone-resumed")
    for number in range(halfway + 1, len(pages) + 1):
        answer_page(other_device, spec, number)
        label = "Submit my answers" if number == len(pages) else "Next"
        other_device.get_by_role("button", name=label).click()
    expect(other_device.get_by_role("heading", level=1)).to_have_text(
        "Thank you: here is where you stand"
    )

    screenshot(other_device, "results-phone")

    # Example A of SCORING.md, read off the results page as a respondent sees it.
    expect(other_device.get_by_text("Overall CSPI score: 14.28")).to_be_visible()
    expect(other_device.locator(".overall-bucket")).to_have_text("Undeveloped")
    expect(other_device.locator("#weakest")).to_contain_text("Segmentation 0.00, Undeveloped")
    expect(other_device.locator("#next-steps li")).to_have_count(3)
    table = other_device.locator("#radar").get_by_role("table")
    for pillar, score, bucket in [
        ("Team", "27.78", "Emerging"),
        ("Onboarding", "25.00", "Emerging"),
        ("Segmentation", "0.00", "Undeveloped"),
    ]:
        row = table.get_by_role("row", name=f"{pillar} {score} {bucket}", exact=True)
        expect(row).to_be_visible()
    expect(other_device.locator("#figures").get_by_text("Customer retention rate")).to_be_visible()
    page.goto(other_device.url)
    screenshot(page, "results-desktop")
    response = Response.objects.get()
    assert response.status == Response.Status.COMPLETED
    assert response.answers == stored_form(spec, EXAMPLE_A) | {"10": 96.5}


def test_exclusive_option_unticks_the_others_and_errors_are_tied_to_questions(new_page, spec):
    page = new_page()
    page.goto("/")
    start_assessment(page)
    alignment = next(p for p in survey_pages(spec) if p.title == "Alignment")
    page.goto(page.url.replace("/page/1/", f"/page/{alignment.number}/"))
    shaped = page.get_by_role("group", name=spec.question(16).text)  # type: ignore[union-attr]
    other = shaped.get_by_label("Customer feedback is used to tailor our marketing messages")
    none_of_these = shaped.get_by_label("None of these", exact=True)
    other.check()
    none_of_these.check()
    expect(other).not_to_be_checked()
    other.check()
    expect(none_of_these).not_to_be_checked()

    page.get_by_role("button", name="Next").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check 2 answers on this page")
    expect(summary).to_be_focused()
    unanswered = page.get_by_role("group", name=spec.question(15).text)  # type: ignore[union-attr]
    expect(unanswered).to_have_attribute("aria-invalid", "true")
    expect(unanswered).to_contain_text("Choose one option.")
    expect(other).to_be_checked()
    screenshot(page, "survey-errors")


def test_keyboard_alone_can_answer_and_move_on(new_page, spec):
    page = new_page()
    page.goto("/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")  # the language picker
    page.keyboard.press("Tab")  # its button
    page.keyboard.press("Tab")  # consultants' sign-in
    page.keyboard.press("Tab")
    expect(page.get_by_label("I have read the privacy notice")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the privacy notice's link
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Start the assessment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    name = page.get_by_role("group", name="Your name").get_by_role("textbox")
    name.focus()
    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # radios: arrows move and choose
    title = page.get_by_role("group", name="Your title")
    expect(title.get_by_label("Chief Customer Officer")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.com")
    page.keyboard.press("Enter")  # Enter submits with the first button: Next
    expect(page.get_by_role("heading", level=1)).to_have_text("Your company")
    answers = Response.objects.get().answers
    assert answers["1"] == "Kim Keyboard" and answers["3"] == "kim@example.com"


def test_results_page_compares_with_peers_and_hides_a_small_group(new_page, spec):
    for number in range(6):
        region = "North America" if number < 2 else "Europe"
        complete(spec, f"cs@peer{number}.example", region=region)  # 4 share the region
    page = new_page()
    page.goto("/")
    start_assessment(page)
    pages = survey_pages(spec)
    for number in range(1, len(pages) + 1):
        answer_page(page, spec, number)
        label = "Submit my answers" if number == len(pages) else "Next"
        page.get_by_role("button", name=label).click()

    section = page.get_by_role("region", name="How you compare with peers")
    expect(section).to_contain_text("with 6 peer organisations.")
    matrix = section.locator("table.peer-matrix")
    expect(matrix.get_by_role("columnheader", name="All respondents 6 peers")).to_be_visible()
    expect(matrix.get_by_role("row", name="Overall", exact=False).first).to_be_visible()
    expect(matrix).not_to_contain_text("Region: Europe")
    region = section.locator(".peer-withheld", has_text="Region: Europe")
    expect(region).to_contain_text("fewer than 5 organisations, not shown")
    expect(region).not_to_contain_text("4")
    screenshot(page, "results-peers-desktop")
