"""A respondent's own data through their private link: what is kept and who sees it, all of it
as JSON, and erasing it after a confirmation (a second try finds nothing)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from benchmarks.models import PoolEntry
from reports.models import Report
from responses.models import Erasure, Response
from tests.privacy.test_erasure import campaign, completed  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_the_page_says_what_is_kept_and_that_the_consultant_sees_it(spec, campaign):  # noqa: F811
    ana = completed(spec, "ana@gmail.com", campaign)

    page = Client().get(f"/survey/{ana.token}/data/")

    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert "ana@gmail.com" in html and "consultant@firm.example" in html
    assert "groups of 5 organisations or more" in html.replace("figures of", "groups of")
    assert f'action="/survey/{ana.token}/data/erase/"' in html


def test_the_download_holds_answers_as_given_and_as_read_scores_and_comparisons(spec):
    ana = completed(spec, "ana@gmail.com")

    download = Client().get(f"/survey/{ana.token}/data/download/")

    assert download["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(download.content)
    assert data["response"]["e-mail"] == "ana@gmail.com"
    answers = {answer["question"]: answer for answer in data["answers"]}
    q15 = next(q for q in spec.questions if q.number == 15)
    chosen = q15.option_by_code(answers[15]["answer"])
    assert chosen is not None and answers[15]["as_read"] == chosen.text
    assert len(answers) == len(ana.answers)
    assert data["scores"]["overall"] == str(ana.score.overall)
    assert len(data["scores"]["pillars"]) == len(spec.pillars)
    assert len(data["comparisons"]) == ana.benchmarks.count() >= 1
    assert [report["number"] for report in data["reports"]] == [1]


def test_erasing_needs_the_box_ticked_and_keeps_everything_until_then(spec):
    ana = completed(spec, "ana@gmail.com")

    page = Client().post(f"/survey/{ana.token}/data/erase/", {})

    assert page.status_code == 200
    assert "Tick the box to confirm" in page.content.decode()
    assert Response.objects.filter(pk=ana.pk).exists()


def test_erasing_removes_it_all_and_the_link_then_leads_nowhere(spec):
    ana = completed(spec, "ana@gmail.com")
    browser = Client()

    done = browser.post(f"/survey/{ana.token}/data/erase/", {"confirm": "yes"}, follow=True)

    assert "Your data was erased" in done.content.decode()
    assert not Response.objects.filter(pk=ana.pk).exists()
    assert not Report.objects.exists() and not PoolEntry.objects.exists()
    assert Erasure.objects.get().reason == Erasure.Reason.RESPONDENT
    again = browser.post(f"/survey/{ana.token}/data/erase/", {"confirm": "yes"})
    assert again.status_code == 404 and "Nothing here" in again.content.decode()
    assert Erasure.objects.count() == 1
    assert browser.get(f"/survey/{ana.token}/data/").status_code == 404
