"""A campaign's PDFs in one ZIP, built by a worker with its progress kept in the database."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from reports.models import CampaignArchive, Report
from reports.storage import file_store_from_path
from responses.languages import language_override
from responses.models import Campaign
from responses.task_queue import task_send

logger = logging.getLogger(__name__)


def archive_request(*, campaign: Campaign) -> CampaignArchive:
    """Queue a ZIP of the campaign's PDFs; one already on its way is returned instead."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        waiting = campaign.archives.filter(
            status__in=[CampaignArchive.Status.PENDING, CampaignArchive.Status.BUILDING]
        ).first()
        if waiting is not None:
            return waiting
        archive = CampaignArchive.objects.create(campaign=campaign)
        transaction.on_commit(lambda: _enqueue(archive.pk))
    return archive


def _enqueue(archive_id: int) -> None:
    from reports.tasks import build_archive

    task_send(build_archive, archive_id, what=f"campaign ZIP {archive_id}")


def archive_reports(*, campaign: Campaign) -> list[Report]:
    """The newest ready report of each response of the campaign."""
    newest: dict[int, Report] = {}
    ready = Report.objects.filter(
        response__campaign=campaign, status=Report.Status.READY
    ).select_related("response")
    for report in ready.order_by("response_id", "-generation"):
        newest.setdefault(report.response_id, report)
    return list(newest.values())


def archive_build(*, archive_id: int) -> bool:
    """Build the ZIP if it is still waiting (one worker only), counting PDFs as they go in; what
    it names in words, in the campaign's language."""
    claimed = CampaignArchive.objects.filter(
        pk=archive_id, status=CampaignArchive.Status.PENDING
    ).update(status=CampaignArchive.Status.BUILDING, progress_at=timezone.now())
    if not claimed:
        return False
    archive = CampaignArchive.objects.select_related("campaign").get(pk=archive_id)
    with language_override(archive.campaign.language):
        return _archive_fill(archive)


def _archive_fill(archive: CampaignArchive) -> bool:
    archive_id = archive.pk
    reports = archive_reports(campaign=archive.campaign)
    CampaignArchive.objects.filter(pk=archive_id).update(total=len(reports), done=0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.zip"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as bundle:
            for number, report in enumerate(reports, 1):
                with report.file.open("rb") as pdf:
                    bundle.writestr(_member_name(number, report), pdf.read())
                CampaignArchive.objects.filter(pk=archive_id).update(
                    done=F("done") + 1, progress_at=timezone.now()
                )
        name = file_store_from_path(f"archives/{archive.token}.zip", path)
    finished = CampaignArchive.objects.filter(pk=archive_id).update(
        status=CampaignArchive.Status.READY, file=name, finished_at=timezone.now()
    )
    if not finished:  # a respondent of the campaign was erased meanwhile: keep no copy
        default_storage.delete(name)
    return bool(finished)


def archive_failed(*, archive_id: int, error: str) -> None:
    CampaignArchive.objects.filter(pk=archive_id).update(
        status=CampaignArchive.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def archives_reconcile() -> list[int]:
    """Mend what the queue or a worker lost, so that "download all" never stays stuck: a ZIP
    still queued after the grace a worker needs to pick it up is queued again; one whose build
    has put nothing in for ARCHIVE_STALL_SECONDS (its worker died) fails, and the next request
    starts a new one. Returns the ids queued again."""
    now = timezone.now()
    CampaignArchive.objects.filter(
        status=CampaignArchive.Status.BUILDING,
        progress_at__lt=now - timedelta(seconds=settings.ARCHIVE_STALL_SECONDS),
    ).update(
        status=CampaignArchive.Status.FAILED,
        error="The worker building it stopped before it was done.",
        finished_at=now,
    )
    lost = CampaignArchive.objects.filter(
        status=CampaignArchive.Status.PENDING,
        requested_at__lt=now - timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS),
    )
    archive_ids = list(lost.values_list("pk", flat=True))
    for archive_id in archive_ids:
        _enqueue(archive_id)
    return archive_ids


def archives_expire() -> int:
    """Delete ZIPs (file and row) finished more than ARCHIVE_KEEP_HOURS ago: they are copies of
    PDFs, which the campaign page bundles again on request. Returns how many went."""
    cutoff = timezone.now() - timedelta(hours=settings.ARCHIVE_KEEP_HOURS)
    expired = list(CampaignArchive.objects.filter(finished_at__lt=cutoff)[:EXPIRED_PER_RUN])
    for archive in expired:
        if archive.file:
            archive.file.delete(save=False)
        archive.delete()
    return len(expired)


EXPIRED_PER_RUN = 500  # the rest go in the next run, a minute later


def _member_name(number: int, report: Report) -> str:
    # PDFs are stored already compressed; names come from the respondent's address, made safe.
    # Translators: in a PDF's file name inside a campaign's ZIP, when the address gives no name.
    who = slugify(report.response.email.split("@")[0]) or slugify(gettext("respondent"))
    return f"{number:03d}-{who}-{report.finished_at:%Y-%m-%d}.pdf"
