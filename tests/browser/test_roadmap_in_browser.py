"""A respondent sets a target and milestones through their private link, downloads them, and
finds them in a new PDF that a real worker renders."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import Report
from tests.browser.conftest import screenshot
from tests.roadmaps.conftest import completed
from tests.worker import queue_purge, running_worker, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://evil.example","x")'
PROPOSED = "Q18: choose “CS team that includes operations roles”"


def test_targets_and_milestones_reach_the_exports_and_the_pdf(new_page, spec, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    queue_purge()
    response = completed(spec)  # example A: Team 27.78, Emerging; its first PDF is queued
    owner_due = timezone.localdate() + timedelta(weeks=3)
    own_due = timezone.localdate() + timedelta(weeks=6)
    with running_worker(tmp_path) as worker:
        page = new_page()
        page.goto(f"/survey/{response.token}/roadmap/")

        team = page.locator("#pillar-team")
        team.get_by_label("Target for Team").select_option("expanding")
        team.get_by_role("button", name="Set target").click()
        expect(page.get_by_role("alert").first).to_contain_text("Target for Team: Expanding.")
        expect(team).to_contain_text("22.22 points to go")

        page.get_by_role("link", name=f"Edit “{PROPOSED}”").click()
        page.get_by_label("Owner").fill("Dana Scully")
        page.get_by_label("Due date").fill(owner_due.isoformat())
        page.get_by_role("button", name="Save milestone").click()

        page.get_by_label("Milestone", exact=True).fill(HOSTILE)
        page.get_by_label("Pillar").select_option("segmentation")
        page.get_by_label("Owner").fill("=cmd|' /C calc'!A0")
        page.get_by_label("Due date").fill(own_due.isoformat())
        page.get_by_role("button", name="Add milestone").click()
        milestones = page.get_by_role("list", name="Milestones, in your order")
        expect(milestones).to_contain_text(HOSTILE)
        expect(milestones).to_contain_text("Dana Scully")
        screenshot(page, "roadmap-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "roadmap-phone")
        page.set_viewport_size({"width": 1280, "height": 900})

        with page.expect_download() as csv_download:
            page.get_by_role("link", name="Download as CSV").click()
        rows = csv_download.value.path().read_text(encoding="utf-8-sig").splitlines()
        assert rows[1].startswith(f"Team,{PROPOSED},Dana Scully,{owner_due.isoformat()},Planned")
        assert "'=cmd" in rows[2] and "<script>alert(1)</script>" in rows[2]
        with page.expect_download() as ics_download:
            page.get_by_role("link", name="Add to a calendar (.ics)").click()
        events = Calendar.from_ical(ics_download.value.path().read_bytes()).walk("VEVENT")
        assert [str(event["SUMMARY"]) for event in events] == [PROPOSED, HOSTILE]

        # The PDF made at completion knew no roadmap; ask for one that prints it.
        first_ready = wait_for(
            lambda: Report.objects.filter(response=response, status="ready").exists()
        )
        assert first_ready, f"no first report; the worker said:\n{worker.log_tail()}"
        page.reload()
        page.get_by_role("button", name="Make a new PDF with this roadmap").click()
        report = page.get_by_role("region", name="Your PDF benchmark report")
        expect(report.get_by_role("status")).to_have_text(
            "Your PDF report is ready.", timeout=60_000
        )
        with page.expect_download() as pdf_download:
            report.get_by_role("link", name="Download PDF").click()
        pdf = pdf_download.value.path().read_bytes()

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    words, letters = " ".join(text.split()), "".join(text.split())
    assert "Your roadmap" in words and "Your pillars against target" in words
    assert "Team 27.78 Emerging Expanding (from 50) 22.22 points to go" in words
    assert "".join(PROPOSED.split()) in letters and "Dana Scully" in words
    assert f"{owner_due:%-d %b %Y}" in words and f"{own_due:%-d %b %Y}" in words
    assert "".join(HOSTILE.split()) in letters and "'=cmd" not in letters
