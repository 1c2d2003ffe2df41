"""An admin's round with a changed question bank, in a real browser: import the file, preview
it as a respondent, read what it changes and what it would do to the peer pool, publish it, and
find the publication in the bank's history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from benchmarks.services import peer_pool_rebuild
from responses.demo import demo_responses_create
from responses.models import QuestionBank, Response
from survey.pages import first_page_with, survey_pages
from tests.browser.conftest import screenshot
from tests.conftest import DEFAULT_BANK_FILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def looked_at(page, name: str) -> None:
    """Keep a screenshot of the page, and check that nothing on it reaches past the window's
    right edge (a table cut off there hides its last columns)."""
    screenshot(page, name)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page is {overflow} px wider than the window"


OLD_TEXT = "What is the highest level of management on your customer success team?"
NEW_TEXT = "Who is the most senior leader of your customer success team?"


def test_admin_imports_previews_compares_and_publishes_a_changed_bank(
    new_page, bank, spec, settings, tmp_path
):
    settings.BENCHMARK_INCLUDE_DEMO = True
    demo_responses_create(bank=bank, count=40, seed=16, min_group=0)
    peer_pool_rebuild()
    changed = (
        DEFAULT_BANK_FILE.read_text(encoding="utf-8")
        .replace("version: 1\n", "version: 2\n", 1)
        .replace(OLD_TEXT, NEW_TEXT)
        .replace(
            '{text: "No manager, just front-line CSMs", points: 0}',
            '{text: "No manager, just front-line CSMs", points: 3}',
        )
    )
    bank_file = tmp_path / "cspi-v2.yaml"
    bank_file.write_text(changed, encoding="utf-8")
    User.objects.create_superuser("curator", "curator@example.com", "a-long-pass-phrase-42")

    admin = new_page()
    admin.goto("/admin/responses/questionbank/")
    admin.get_by_label("Username").fill("curator")
    admin.get_by_label("Password").fill("a-long-pass-phrase-42")
    admin.get_by_role("button", name="Log in").click()
    looked_at(admin, "admin-bank-list")

    # Import the changed file as a draft.
    admin.get_by_role("link", name="Import a bank file").click()
    admin.get_by_label("Bank file (YAML)").set_input_files(str(bank_file))
    admin.get_by_role("button", name="Check and import as a draft").click()
    expect(admin.get_by_text("Nothing was published.")).to_be_visible()
    looked_at(admin, "admin-bank-import")
    draft = QuestionBank.objects.get(key="cspi", version=2)
    assert draft.status == QuestionBank.Status.DRAFT

    # Read the diff against the published version.
    admin.get_by_role("link", name="Compare it with the published v1").click()
    question = admin.locator(".bank-diff-item").filter(has_text="Question 15")
    expect(question).to_contain_text(OLD_TEXT)
    expect(question).to_contain_text(NEW_TEXT)
    points = question.get_by_role("row").filter(has_text="Points")
    expect(points.get_by_role("cell")).to_have_text(["0", "3"])
    looked_at(admin, "admin-bank-compare")

    # Preview the draft's page with question 15 as a respondent sees it, errors included.
    admin.goto(f"/admin/responses/questionbank/{draft.pk}/change/")
    looked_at(admin, "admin-bank-edit")
    admin.get_by_role("link", name="Options and points").click()
    expect(admin.get_by_label("Question 15, option 1501: points")).to_have_value("3.000")
    looked_at(admin, "admin-bank-options")
    admin.go_back()
    admin.get_by_role("link", name="Preview as a respondent").click()
    expect(admin.get_by_role("status")).to_contain_text("Preview of draft v2")
    page = first_page_with(survey_pages(spec), {15})
    assert page is not None
    admin.goto(f"/admin-tools/banks/{draft.pk}/preview/page/{page.number}/")
    expect(admin.get_by_role("group", name=NEW_TEXT)).to_be_visible()
    admin.get_by_role("button", name="Next").click()
    expect(admin.get_by_role("alert").first).to_be_visible()
    expect(admin.get_by_role("status")).to_contain_text("nothing you enter is stored")
    looked_at(admin, "admin-bank-preview")

    # Publishing shows the impact on the pool first, then publishes on confirmation.
    admin.goto(f"/admin/responses/questionbank/{draft.pk}/change/")
    admin.get_by_role("link", name="Publish…").click()
    summary = admin.locator(".impact-summary")
    expect(summary).to_contain_text("If the peer pool's 40 responses were rescored")
    alignment = admin.get_by_role("row").filter(
        has=admin.get_by_role("rowheader", name="Alignment", exact=True)
    )
    expect(alignment).to_be_visible()
    looked_at(admin, "admin-bank-impact")
    admin.get_by_role("button", name="Yes, publish Customer Success Performance Index v2").click()
    expect(admin.get_by_text("Published Customer Success Performance Index v2.")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.PUBLISHED

    # The History page names who published it and what changed.
    admin.goto(f"/admin/responses/questionbank/{draft.pk}/history/")
    published = admin.get_by_role("region", name="Published")
    expect(published).to_contain_text("by curator")
    published.get_by_text("What changed").click()
    expect(published).to_contain_text(NEW_TEXT)
    looked_at(admin, "admin-bank-history")

    # A response's admin page reads as questions and chosen options, not codes.
    response = Response.objects.filter(status=Response.Status.COMPLETED).first()
    assert response is not None
    admin.goto(f"/admin/responses/response/{response.pk}/change/")
    expect(admin.get_by_text(OLD_TEXT)).to_be_visible()
    looked_at(admin, "admin-response")
