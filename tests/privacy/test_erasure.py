"""Erasing a response removes every copy of it: rows, pool entries (closed ones too), its PDFs
and every ZIP that held them, on local disk and in an S3 bucket; a storage that is down gets its
files removed later; the record of an erasure keeps no personal data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.utils import timezone

from benchmarks.models import PoolEntry, PoolState
from reports.models import CampaignArchive, Report
from reports.services import report_render
from reports.storage import file_store_atomically
from responses.erasure import erased_files_remove, responses_erase, retention_erase
from responses.models import Campaign, Erasure, FileToErase, QuestionBank, Response
from scoring.bank import BankSpec
from teams.models import Team, TeamMember, TeamReport
from tests.teams.conftest import answered

pytestmark = pytest.mark.django_db


def completed(spec: BankSpec, email: str, campaign: Campaign | None = None) -> Response:
    """A response completed through the survey's own service (a mix of examples A and B)."""
    return answered(spec, email, campaign=campaign)


def pdf_stored(response: Response) -> str:
    """The response's report, rendered (a stand-in PDF) and stored as the worker stores it."""
    report = Report.objects.filter(response=response).first()
    assert report is not None
    name = file_store_atomically(
        f"reports/{report.token}.pdf", b"%PDF-1.4 " + response.email.encode()
    )
    Report.objects.filter(pk=report.pk).update(status=Report.Status.READY, file=name)
    return name


def zip_stored(campaign: Campaign) -> str:
    archive = CampaignArchive.objects.create(campaign=campaign, status=CampaignArchive.Status.READY)
    name = file_store_atomically(f"archives/{archive.token}.zip", b"PK zip")
    CampaignArchive.objects.filter(pk=archive.pk).update(file=name)
    return name


def team_pdf_stored(*responses: Response) -> str:
    team = Team.objects.create(organisation_key=responses[0].organisation_key)
    for response in responses:
        TeamMember.objects.create(team=team, response=response, status=TeamMember.Status.JOINED)
    report = TeamReport.objects.create(
        team=team, audience=TeamReport.Audience.MEMBERS, status=TeamReport.Status.READY
    )
    name = file_store_atomically(f"team-reports/{report.token}.pdf", b"%PDF-1.4 team")
    TeamReport.objects.filter(pk=report.pk).update(file=name)
    return name


@pytest.fixture
def campaign(bank: QuestionBank, django_user_model: Any) -> Campaign:
    owner = django_user_model.objects.create_user("consultant@firm.example")
    return Campaign.objects.create(owner=owner, client_name="Acme", bank=bank)


def erase(response: Response, reason: Erasure.Reason = Erasure.Reason.RESPONDENT) -> Erasure:
    erased = responses_erase(responses=Response.objects.filter(pk=response.pk), reason=reason)
    assert erased is not None
    return erased


def test_erasing_removes_the_response_its_pool_entries_pdfs_and_zips(
    spec, campaign, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    earlier = completed(spec, "ana@gmail.com", campaign)  # her first assessment: entry closed…
    ana = completed(spec, "ana@gmail.com", campaign)  # …by her second
    colleague = completed(spec, "cy@acme.example", campaign)
    files = [pdf_stored(ana), pdf_stored(colleague), zip_stored(campaign), team_pdf_stored(ana)]
    assert PoolEntry.objects.filter(organisation_key="ana@gmail.com").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        erased = erase(ana)

    assert not Response.objects.filter(pk=ana.pk).exists()
    assert Response.objects.filter(pk__in=[earlier.pk, colleague.pk]).count() == 2
    # Her second assessment's entries are gone, closed ones too; her first one counts again.
    ana_entries = PoolEntry.objects.filter(organisation_key="ana@gmail.com")
    assert sorted((e.response_id, e.removed_seq is None) for e in ana_entries) == [
        (earlier.pk, False),
        (earlier.pk, True),
    ]
    assert not PoolEntry.objects.filter(response__isnull=True).exists()
    state = PoolState.objects.get()
    assert state.rebuilt_seq == state.seq  # every process loads the pool without her values
    # Her PDF, the campaign's ZIP and the team PDF that showed her are gone; the colleague's PDF
    # stays (the campaign bundles a new ZIP on request).
    assert [Path(tmp_path, name).exists() for name in files] == [False, True, False, False]
    assert not Report.objects.filter(response_id=ana.pk).exists()
    assert not CampaignArchive.objects.exists() and not TeamReport.objects.exists()
    assert not FileToErase.objects.exists()
    # The record keeps how much and why, nothing of her.
    assert (erased.reason, erased.responses, erased.files) == ("respondent", 1, 3)
    assert "ana" not in str(Erasure.objects.values().get())


def test_erasing_again_finds_nothing_and_changes_nothing(spec):
    ana = completed(spec, "ana@gmail.com")
    erase(ana)

    assert (
        responses_erase(
            responses=Response.objects.filter(pk=ana.pk), reason=Erasure.Reason.RESPONDENT
        )
        is None
    )
    assert Erasure.objects.count() == 1


def test_files_a_storage_refused_are_removed_once_it_is_back(
    spec, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    ana = completed(spec, "ana@gmail.com")
    name = pdf_stored(ana)

    def storage_down(name: str) -> None:
        raise OSError("storage unreachable")

    with monkeypatch.context() as down:
        down.setattr(default_storage, "delete", storage_down)
        with django_capture_on_commit_callbacks(execute=True):
            erase(ana)
        assert Path(tmp_path, name).exists()
        waiting = FileToErase.objects.get()
        assert (waiting.name, waiting.attempts) == (name, 1)
        assert "storage unreachable" in waiting.last_error

    assert erased_files_remove() == 0
    assert not Path(tmp_path, name).exists() and not FileToErase.objects.exists()


def test_in_an_s3_bucket_the_erased_files_are_deleted_too(
    spec, campaign, settings, s3_endpoint, django_capture_on_commit_callbacks
):
    import boto3

    options = {"endpoint_url": s3_endpoint, "region_name": "eu-west-1"}
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    s3 = boto3.client("s3", **options, **keys)
    s3.create_bucket(
        Bucket="cspi-erasure", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "cspi-erasure",
                **options,
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
            },
        },
    }
    ana = completed(spec, "ana@gmail.com", campaign)
    colleague = completed(spec, "cy@acme.example", campaign)
    kept = pdf_stored(colleague)
    erased_names = {pdf_stored(ana), zip_stored(campaign)}
    stored = {item["Key"] for item in s3.list_objects_v2(Bucket="cspi-erasure")["Contents"]}
    assert stored == {kept, *erased_names}

    with django_capture_on_commit_callbacks(execute=True):
        erase(ana)

    stored = {item["Key"] for item in s3.list_objects_v2(Bucket="cspi-erasure")["Contents"]}
    assert stored == {kept}


def test_a_pdf_rendering_while_its_response_is_erased_leaves_no_file(
    spec, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    ana = completed(spec, "ana@gmail.com")
    report = Report.objects.get(response=ana)

    def render_while_erased(**_: Any) -> bytes:
        erase(ana)
        return b"%PDF-1.4 rendered"

    monkeypatch.setattr("reports.pdf.report_pdf", render_while_erased)

    assert report_render(report_id=report.pk) is False
    assert not Path(tmp_path, "reports", f"{report.token}.pdf").exists()


def test_retention_erases_completed_responses_older_than_the_setting(spec, settings):
    old, recent = completed(spec, "old@gmail.com"), completed(spec, "new@gmail.com")
    Response.objects.filter(pk=old.pk).update(completed_at=timezone.now() - timedelta(days=400))
    settings.RESPONSE_RETENTION_MONTHS = 0
    assert retention_erase() == 0

    settings.RESPONSE_RETENTION_MONTHS = 12
    assert retention_erase() == 1

    assert list(Response.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Erasure.objects.get().reason == Erasure.Reason.RETENTION
    assert not PoolEntry.objects.filter(organisation_key="old@gmail.com").exists()


def test_an_admins_delete_is_an_erasure_with_an_audit_entry_and_no_address_in_any_log(
    spec, admin_client
):
    ana = completed(spec, "ana@gmail.com")

    page = admin_client.post(
        f"/admin/responses/response/{ana.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert page.status_code == 200
    assert not Response.objects.exists() and not PoolEntry.objects.exists()
    erasure = Erasure.objects.get()
    assert (erasure.reason, erasure.actor_text) == ("admin", "admin")
    assert not LogEntry.objects.filter(object_repr__contains="ana").exists()
