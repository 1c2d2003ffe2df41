"""Backups: an archive made by backup_create brings every row and stored file back through
backup_restore, and an archive that was changed, cut or is not ours is refused with a reason.

The restore replaces the tables from outside any test transaction (pg_restore is another
process), so these tests commit for real: django_db(transaction=True)."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import timezone

from consultants.campaigns import campaign_create
from consultants.models import ApiToken
from cspi.backups.database import database_row_counts
from reports.archives import archive_build
from reports.models import CampaignArchive, Report
from reports.storage import file_store_atomically
from responses.models import QuestionBank, Response
from scoring.bank import BankSpec
from tests.benchmarks.test_pool_service import complete

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"  # binary, not merely text

transactional = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Filled:
    response: Response
    report: Report
    archive: CampaignArchive
    consultant: User
    api_secret: str


@pytest.fixture
def media(request, settings, tmp_path: Path) -> str:
    """Where files are stored: a folder on disk, or (param "object store") a storage with no
    folder at all, as a bucket is, so that only the storage API can reach the files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    kind = getattr(request, "param", "disk")
    if kind == "object store":
        memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
        settings.STORAGES = {**settings.STORAGES, "default": memory}
    return kind


def stored_files(folder: str = "") -> list[str]:
    folders, files = default_storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for inner in folders:
        names += stored_files(f"{folder}{inner}/")
    return names


@pytest.fixture
def filled(spec: BankSpec, media: str) -> Filled:
    """A consultant with an API token and a campaign; a response completed in it, its PDF
    stored as the worker stores it, and the campaign's ZIP built by the worker's service."""
    consultant = User.objects.create_user("c@example.com", "c@example.com", "pw-c-123456")
    _, secret = ApiToken.issue(user=consultant, name="CRM import")
    campaign = campaign_create(
        owner=consultant,
        client_name="Acme",
        note="",
        bank=QuestionBank.objects.get(),
        closes_on=None,
    )
    response = complete(spec, "me@example.com")
    Response.objects.filter(pk=response.pk).update(campaign=campaign)
    report = Report.objects.get(response=response)
    name = file_store_atomically(f"reports/{report.token}.pdf", PDF)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY, file=name, finished_at=timezone.now()
    )
    archive = CampaignArchive.objects.create(campaign=campaign)
    assert archive_build(archive_id=archive.pk)
    return Filled(
        response=Response.objects.get(pk=response.pk),
        report=Report.objects.get(pk=report.pk),
        archive=CampaignArchive.objects.get(pk=archive.pk),
        consultant=consultant,
        api_secret=secret,
    )


def backup(folder: Path) -> Path:
    path = folder / "backup.tar.gz"
    call_command("backup_create", output=str(path), stdout=io.StringIO())
    return path


def restore(path: Path, **options: bool) -> str:
    out = io.StringIO()
    call_command("backup_restore", str(path), stdout=out, **options)
    return out.getvalue()


def rewritten(source: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the archive with each member's bytes passed through `change`."""
    target = source.with_name("changed.tar.gz")
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())  # type: ignore[union-attr]
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target


@transactional
@pytest.mark.parametrize("media", ["disk", "object store"], indirect=True)
def test_a_restore_brings_back_every_row_and_the_stored_files(filled, tmp_path):
    # Given: a backup of the filled database and storage
    rows_before = database_row_counts()
    with filled.archive.file.open("rb") as bundle:
        zip_before = bundle.read()
    archive = backup(tmp_path)

    # When: every row and every file is lost, and the archive restored
    call_command("flush", interactive=False, verbosity=0)
    for name in stored_files():
        default_storage.delete(name)
    assert not Response.objects.exists() and not User.objects.exists() and not stored_files()
    said = restore(archive)

    # Then: the same rows, the same bytes, and the restore says it checked them
    assert database_row_counts() == rows_before
    response = Response.objects.get(pk=filled.response.pk)
    assert response.is_completed and response.campaign is not None
    assert response.campaign.owner.email == "c@example.com"
    assert ApiToken.for_secret(filled.api_secret) is not None
    report = Report.objects.get(pk=filled.report.pk)
    assert report.is_downloadable and report.token == filled.report.token
    with default_storage.open(report.file.name, "rb") as pdf:
        assert pdf.read() == PDF
    with default_storage.open(filled.archive.file.name, "rb") as bundle:
        assert bundle.read() == zip_before
    assert "every table has its row count and every file its SHA-256" in said


@transactional
def test_restoring_over_data_without_yes_refuses_with_a_nonzero_exit(filled, tmp_path, capsys):
    archive = backup(tmp_path)
    User.objects.create_user("late@example.com", "late@example.com", "pw-l-123456")

    command = load_command_class("cspi", "backup_restore")
    with pytest.raises(SystemExit) as exit_status:
        command.run_from_argv(["manage.py", "backup_restore", str(archive)])

    assert exit_status.value.code != 0
    error = capsys.readouterr().err
    assert "already holds data" in error and "--yes" in error
    assert User.objects.filter(username="late@example.com").exists()  # nothing was replaced


def cut_dump(name: str, data: bytes) -> bytes:
    return data[: len(data) // 2] if name.startswith("database.") else data


def changed_pdf(name: str, data: bytes) -> bytes:
    return data.replace(b"%%EOF", b"%%EOX") if name.startswith("media/reports/") else data


@transactional
@pytest.mark.parametrize(
    ("change", "expected"),
    [(cut_dump, "bytes, the manifest says"), (changed_pdf, "SHA-256 differs")],
    ids=["truncated dump", "changed PDF"],
)
def test_a_changed_archive_is_refused_before_anything_is_replaced(
    filled, tmp_path, change, expected
):
    tampered = rewritten(backup(tmp_path), change)
    User.objects.create_user("late@example.com", "late@example.com", "pw-l-123456")

    with pytest.raises(CommandError, match="does not match its manifest") as refused:
        restore(tampered, yes=True)

    assert expected in str(refused.value) and "Nothing was restored" in str(refused.value)
    assert User.objects.filter(username="late@example.com").exists()


@transactional
def test_a_restore_that_does_not_match_the_manifest_fails_after_checking(filled, tmp_path):
    def one_more_response(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return data.replace(b'"survey_response": 1,', b'"survey_response": 2,')

    lying = rewritten(backup(tmp_path), one_more_response)

    with pytest.raises(CommandError, match="survey_response: 1 rows, the manifest says 2"):
        restore(lying, yes=True)


def test_a_cut_or_foreign_file_is_refused_with_a_reason(tmp_path):
    cut = tmp_path / "cut.tar.gz"
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    cut.write_bytes(foreign.read_bytes()[:40])
    text = tmp_path / "notes.txt"
    text.write_text("not an archive")

    for path, reason in [
        (foreign, "holds no manifest"),
        (cut, "damaged, cut short or of another kind"),
        (text, "damaged, cut short or of another kind"),
        (tmp_path / "absent.tar.gz", "no such file"),
    ]:
        with pytest.raises(CommandError, match=reason):
            restore(path, check=True)
