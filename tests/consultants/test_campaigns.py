"""Consultants' campaigns: their links, their workspace pages, and nobody else's."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from consultants.campaigns import campaign_create
from reports.models import Report
from responses.models import Campaign, Response
from survey.services import response_complete
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.survey.answering import CONSENT, form_data, stored_form


@pytest.fixture
def consultants(db) -> dict[str, User]:
    return {
        "a": User.objects.create_user("a@example.com", "a@example.com", "pw-a-123456"),
        "b": User.objects.create_user("b@example.com", "b@example.com", "pw-b-123456"),
        "admin": User.objects.create_superuser("root@example.com", "root@example.com", "pw-r"),
    }


@pytest.fixture
def campaign(bank, consultants) -> Campaign:
    return campaign_create(
        owner=consultants["a"],
        client_name='=HYPERLINK("http://x")',
        note="",
        bank=bank,
        closes_on=None,
    )


def answered_through(client: Client, campaign: Campaign, spec, answers) -> Response:
    """A respondent opens the campaign link and completes the survey."""
    assert client.post(f"/c/{campaign.token}/start/", CONSENT).status_code == 302
    response = Response.objects.filter(campaign=campaign).latest("created_at")
    Response.objects.filter(pk=response.pk).update(
        answers=stored_form(spec, answers), email=str(answers[3])
    )
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def test_responses_through_the_link_belong_to_the_campaign(campaign, spec):
    page = Client().get(f"/c/{campaign.token}/")
    assert page.status_code == 200 and "Start the assessment" in page.content.decode()

    response = answered_through(Client(), campaign, spec, EXAMPLE_A)

    assert response.campaign == campaign and response.bank == campaign.bank


def test_a_closed_campaign_says_so_and_stores_nothing(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )

    assert Client().get(f"/c/{campaign.token}/").status_code == 410
    reply = Client().post(f"/c/{campaign.token}/start/", CONSENT)

    assert reply.status_code == 410 and "This survey has closed" in reply.content.decode()
    assert not Response.objects.filter(campaign=campaign).exists()


def test_a_draft_started_before_the_campaign_closed_takes_no_more_answers(campaign, spec):
    # Given: a respondent who started through the link and answered page 1.
    client = Client()
    assert client.post(f"/c/{campaign.token}/start/", CONSENT).status_code == 302
    draft = Response.objects.get(campaign=campaign)
    first = form_data(spec, 1, EXAMPLE_A)
    assert client.post(f"/survey/{draft.token}/page/1/", first).status_code == 302
    draft.refresh_from_db()
    kept = dict(draft.answers)

    # When: the campaign closes, then the respondent comes back and sends page 2.
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    resumed = client.get(f"/survey/{draft.token}/")
    sent = client.post(f"/survey/{draft.token}/page/2/", form_data(spec, 2, EXAMPLE_A))

    # Then: both pages say the survey has closed, and nothing more was stored.
    for reply in (resumed, sent):
        assert reply.status_code == 410 and "This survey has closed" in reply.content.decode()
    draft.refresh_from_db()
    assert draft.answers == kept and not draft.is_completed


def test_an_unknown_campaign_link_is_not_found(db):
    assert Client().get("/c/not-a-campaign/").status_code == 404


@pytest.mark.parametrize(("who", "expected"), [("a", 200), ("b", 404), ("admin", 200), (None, 302)])
def test_only_the_owner_and_admins_reach_a_campaigns_pages(
    campaign, spec, consultants, tmp_path, settings, who, expected
):
    settings.MEDIA_ROOT = tmp_path
    response = answered_through(Client(), campaign, spec, EXAMPLE_A)
    report = Report.objects.get(response=response)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "r.pdf").write_bytes(b"%PDF-1.7")
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY, file="reports/r.pdf", finished_at=timezone.now()
    )
    client = Client()
    if who:
        client.force_login(consultants[who])

    for path in (
        f"/workspace/campaigns/{campaign.token}/",
        f"/workspace/campaigns/{campaign.token}/responses.csv",
        f"/workspace/reports/{report.token}.pdf",
    ):
        assert client.get(path).status_code == expected, path


def test_the_campaign_list_shows_only_ones_own(campaign, consultants, bank):
    campaign_create(
        owner=consultants["b"], client_name="Other client", note="", bank=bank, closes_on=None
    )
    client = Client()
    client.force_login(consultants["a"])

    page = client.get("/workspace/").content.decode()

    assert "HYPERLINK" in page and "Other client" not in page


def test_creating_a_campaign_refuses_a_past_closing_date_and_keeps_the_input(consultants, bank):
    client = Client()
    client.force_login(consultants["a"])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    page = client.post(
        "/workspace/campaigns/new/",
        {"client_name": "Acme", "note": "pilot", "bank": bank.pk, "closes_on": yesterday},
    )

    assert page.status_code == 200 and "The closing date is in the past" in page.content.decode()
    assert 'value="Acme"' in page.content.decode()
    assert not Campaign.objects.exists()
    created = client.post(
        "/workspace/campaigns/new/", {"client_name": "Acme", "note": "", "bank": bank.pk}
    )
    campaign = Campaign.objects.get()
    assert created["Location"] == f"/workspace/campaigns/{campaign.token}/"
    assert campaign.owner == consultants["a"] and campaign.bank == bank


def test_the_csv_holds_the_stored_scores_and_neutralises_formulas(campaign, spec, consultants):
    a = answered_through(Client(), campaign, spec, EXAMPLE_A)
    b = answered_through(Client(), campaign, spec, {**EXAMPLE_B, 1: "=cmd|' /C calc'!A0"})
    client = Client()
    client.force_login(consultants["a"])

    body = client.get(f"/workspace/campaigns/{campaign.token}/responses.csv").content
    rows = {
        row["response_id"]: row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    }

    assert set(rows) == {a.public_id, b.public_id}
    for response in (a, b):
        row, score = rows[response.public_id], response.score
        assert row["overall"] == str(score.overall)
        for pillar in score.pillars.all():
            assert row[f"pillar_{pillar.pillar_key}"] == str(pillar.score)
    assert rows[a.public_id]["overall"] == "14.28"
    assert (rows[a.public_id]["overall_bucket"], rows[b.public_id]["overall_bucket"]) == (
        "Undeveloped",
        "Expanding",
    )
    assert rows[a.public_id]["q4"] == "Europe"
    assert rows[b.public_id]["q1"].startswith("'=")  # shown as text, never run as a formula


def test_the_campaign_summary_puts_respondents_side_by_side_with_the_pool(
    campaign, spec, consultants, settings
):
    settings.BENCHMARK_K = 2
    answered_through(Client(), campaign, spec, EXAMPLE_A)
    answered_through(Client(), campaign, spec, {**EXAMPLE_B, 3: "bo@another-company.example"})
    client = Client()
    client.force_login(consultants["a"])

    page = client.get(f"/workspace/campaigns/{campaign.token}/").content.decode()
    summary = page[page.index('id="summary-heading"') :]
    overall = summary[summary.index('<th scope="row">Overall</th>') :]
    cells = re.findall(r'<td class="text-end">([^<]+)</td>', overall[: overall.index("</tr>")])

    # A 14.28, B 61.13; their median 37.705 rounds half up; the pool holds just A and B (two
    # organisations: colleagues would count once).
    assert cells == ["14.28", "61.13", "37.71", "37.71"]
    assert "(2 organisations)" in summary
    # Each column is headed by the name the respondent gave.
    heads = re.findall(r'<th scope="col" class="text-end">([^<]+)</th>', summary)
    assert heads[:2] == ["Ada Example", "Bo Example"]


def test_the_pool_median_is_withheld_under_k(campaign, spec, consultants):
    answered_through(Client(), campaign, spec, EXAMPLE_A)
    client = Client()
    client.force_login(consultants["a"])

    page = client.get(f"/workspace/campaigns/{campaign.token}/").content.decode()

    assert "fewer than 5 organisations" in page[page.index('id="summary-heading"') :]


def test_all_pdfs_of_a_campaign_as_one_zip_with_progress(
    campaign, spec, consultants, tmp_path, settings
):
    import zipfile

    from reports.archives import archive_build
    from reports.models import CampaignArchive

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "reports").mkdir()
    for number, answers in enumerate((EXAMPLE_A, EXAMPLE_B, {**EXAMPLE_A, 3: "c@example.com"})):
        response = answered_through(Client(), campaign, spec, answers)
        report = Report.objects.get(response=response)
        (tmp_path / "reports" / f"{number}.pdf").write_bytes(b"%PDF-" + bytes([48 + number]))
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.READY, file=f"reports/{number}.pdf", finished_at=timezone.now()
        )
    owner, other = Client(), Client()
    owner.force_login(consultants["a"])
    other.force_login(consultants["b"])

    for _ in range(2):  # a double click queues one ZIP
        owner.post(f"/workspace/campaigns/{campaign.token}/archive/")
    archive = CampaignArchive.objects.get()
    status_url = f"/workspace/campaigns/{campaign.token}/archive/status/"
    assert owner.get(status_url).json()["status"] == "pending"
    assert other.get(status_url).status_code == 404

    assert archive_build(archive_id=archive.pk)
    assert not archive_build(archive_id=archive.pk)  # built once

    state = owner.get(status_url).json()
    assert (state["status"], state["done"], state["total"]) == ("ready", 3, 3)
    assert other.get(state["download_url"]).status_code == 404
    body = b"".join(owner.get(state["download_url"]).streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as bundle:
        contents = sorted(bundle.read(name) for name in bundle.namelist())
    assert contents == [b"%PDF-0", b"%PDF-1", b"%PDF-2"]


def test_the_campaign_table_sorts_and_filters(campaign, spec, consultants):
    # Given: A completes (low score), then B (higher score), then someone starts and stops.
    answered_through(Client(), campaign, spec, EXAMPLE_A)
    answered_through(Client(), campaign, spec, EXAMPLE_B)
    assert Client().post(f"/c/{campaign.token}/start/", CONSENT).status_code == 302
    client = Client()
    client.force_login(consultants["a"])

    def rows(query: str) -> list[str]:
        page = client.get(f"/workspace/campaigns/{campaign.token}/?{query}").content.decode()
        table = page.split('id="summary-heading"')[0]  # the responses, not the summary
        return re.findall(r'<th scope="row">([^<]*)</th>', table)

    drafted = "Not given yet"
    assert rows("") == ["bo@example.com", "ada@example.com", drafted]  # newest completion first
    assert rows("sort=score") == ["bo@example.com", "ada@example.com", drafted]
    Response.objects.filter(email="ada@example.com").update(
        completed_at=timezone.now() + timedelta(minutes=5)
    )
    assert rows("sort=completed") == ["ada@example.com", "bo@example.com", drafted]
    assert rows("sort=started") == [drafted, "bo@example.com", "ada@example.com"]
    assert rows("status=in_progress") == [drafted]
    assert rows("status=completed&sort=score") == ["bo@example.com", "ada@example.com"]
    assert rows("sort=nonsense") == rows("sort=completed")  # an unknown order: the default


def test_no_empty_zip_when_no_pdf_is_ready(campaign, spec, consultants):
    from reports.models import CampaignArchive

    answered_through(Client(), campaign, spec, EXAMPLE_A)  # its report is still pending
    owner = Client()
    owner.force_login(consultants["a"])
    page = owner.post(f"/workspace/campaigns/{campaign.token}/archive/", follow=True)
    assert "No PDF of this campaign is ready yet" in page.content.decode()
    assert not page.redirect_chain[-1][0].endswith("#archive")  # opens where the message is
    assert not CampaignArchive.objects.exists()


def test_a_zip_lost_by_the_queue_or_its_worker_never_blocks_download_all(
    campaign, spec, consultants, tmp_path, settings
):
    from reports.archives import archives_reconcile
    from reports.models import CampaignArchive

    settings.MEDIA_ROOT = tmp_path
    response = answered_through(Client(), campaign, spec, EXAMPLE_A)
    Report.objects.filter(response=response).update(
        status=Report.Status.READY, file="reports/a.pdf", finished_at=timezone.now()
    )
    owner = Client()
    owner.force_login(consultants["a"])
    ask = f"/workspace/campaigns/{campaign.token}/archive/"
    owner.post(ask)
    queued = CampaignArchive.objects.get()
    assert archives_reconcile() == []  # just asked for: a worker has time to pick it up

    # The queue lost it: queued again once the grace has passed.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    CampaignArchive.objects.filter(pk=queued.pk).update(requested_at=an_hour_ago)
    assert archives_reconcile() == [queued.pk]

    # Its worker died while building: a live build is left alone, a stalled one fails ...
    CampaignArchive.objects.filter(pk=queued.pk).update(
        status=CampaignArchive.Status.BUILDING, progress_at=timezone.now()
    )
    assert archives_reconcile() == []
    assert CampaignArchive.objects.get().status == CampaignArchive.Status.BUILDING
    CampaignArchive.objects.filter(pk=queued.pk).update(progress_at=an_hour_ago)
    archives_reconcile()
    stalled = CampaignArchive.objects.get()
    assert stalled.status == CampaignArchive.Status.FAILED and "stopped" in stalled.error

    # ... and "download all" starts a new ZIP.
    owner.post(ask)
    assert CampaignArchive.objects.filter(status=CampaignArchive.Status.PENDING).count() == 1


def test_the_excel_export_holds_the_same_table_as_the_csv(campaign, spec, consultants):
    import pandas as pd

    answered_through(Client(), campaign, spec, EXAMPLE_A)
    client = Client()
    client.force_login(consultants["a"])

    reply = client.get(f"/workspace/campaigns/{campaign.token}/responses.xlsx")
    sheet = pd.read_excel(io.BytesIO(reply.content), dtype=str)
    table = pd.read_csv(
        io.BytesIO(client.get(f"/workspace/campaigns/{campaign.token}/responses.csv").content),
        dtype=str,
    )

    assert reply["Content-Type"].startswith("application/vnd.openxmlformats")
    assert list(sheet.columns) == list(table.columns)
    assert sheet.loc[0, "overall"] == "14.28" and sheet.loc[0, "q4"] == "Europe"
    assert client.get(f"/workspace/campaigns/{campaign.token}/responses.exe").status_code == 404


def test_a_zip_is_deleted_file_and_all_once_its_time_is_over(campaign, settings, tmp_path):
    from datetime import timedelta

    from reports.archives import archives_expire
    from reports.models import CampaignArchive

    # Given two built ZIPs, one from four days ago and one from an hour ago, with a 72-hour life
    settings.MEDIA_ROOT = tmp_path
    settings.ARCHIVE_KEEP_HOURS = 72
    (tmp_path / "archives").mkdir()
    now = timezone.now()
    archives = {}
    for name, age in (("old", timedelta(days=4)), ("new", timedelta(hours=1))):
        (tmp_path / "archives" / f"{name}.zip").write_bytes(b"PK")
        archives[name] = CampaignArchive.objects.create(
            campaign=campaign,
            status=CampaignArchive.Status.READY,
            file=f"archives/{name}.zip",
            finished_at=now - age,
        )

    # When the expiry runs
    assert archives_expire() == 1

    # Then the old ZIP's file and row are gone; the new one stays, file and row
    assert list(CampaignArchive.objects.values_list("pk", flat=True)) == [archives["new"].pk]
    assert not (tmp_path / "archives" / "old.zip").exists()
    assert (tmp_path / "archives" / "new.zip").exists()
