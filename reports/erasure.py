"""Reports' part of erasing responses (responses.erasure): their PDFs, and every ZIP of their
campaigns, since a ZIP may hold one of those PDFs (ZIPs are copies, bundled again on request)."""

from __future__ import annotations

from reports.models import CampaignArchive, Report
from responses.erasure import ErasurePart
from responses.models import Response


def reports_erasure_step(response_ids: list[int]) -> ErasurePart:
    files = list(
        Report.objects.filter(response_id__in=response_ids)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    campaigns = Response.objects.filter(pk__in=response_ids, campaign__isnull=False).values(
        "campaign_id"
    )
    archives = CampaignArchive.objects.filter(campaign_id__in=campaigns)
    files += archives.exclude(file="").values_list("file", flat=True)
    # A ZIP being built finds its row gone when it is done, and removes its own file.
    archives.delete()
    return ErasurePart(files=files)
