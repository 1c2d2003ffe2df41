"""Teams' part of erasing responses (responses.erasure): the team PDFs that showed them go (a
new one is made on request, without them); their membership goes with the response."""

from __future__ import annotations

from responses.erasure import ErasurePart
from teams.models import TeamReport


def team_reports_erasure_step(response_ids: list[int]) -> ErasurePart:
    reports = TeamReport.objects.filter(team__members__response_id__in=response_ids).distinct()
    files = list(reports.exclude(file="").values_list("file", flat=True))
    TeamReport.objects.filter(pk__in=list(reports.values_list("pk", flat=True))).delete()
    return ErasurePart(files=files)
