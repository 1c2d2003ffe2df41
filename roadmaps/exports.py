"""A roadmap's milestones as files: CSV for spreadsheets, iCalendar for calendars.

Titles and owners are whatever people typed. In the CSV a cell a spreadsheet would run as a
formula is kept as text; in the calendar the icalendar library escapes every value.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from responses.models import Response
from roadmaps.models import Milestone
from roadmaps.selectors import MilestoneLine, roadmap_for

PRODID = "-//CSPI Benchmark//Roadmap//EN"
UID_DOMAIN = "roadmap.cspi-benchmark"
# The header row, in the language of the person downloading it.
CSV_COLUMNS = (
    gettext_lazy("Pillar"),
    gettext_lazy("Title"),
    gettext_lazy("Owner"),
    gettext_lazy("Due date"),
    gettext_lazy("Status"),
)
# A cell starting with one of these runs as a formula in Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet would run as a formula is kept as text (a leading apostrophe)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def roadmap_csv(*, response: Response) -> bytes:
    """One row per milestone, soonest first, UTF-8 with a BOM (which tells Excel so)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column) for column in CSV_COLUMNS])
    for line in roadmap_for(response=response).by_due_date:
        writer.writerow(
            [
                spreadsheet_text(line.pillar_name),
                spreadsheet_text(line.title),
                spreadsheet_text(line.owner),
                line.due_on.isoformat() if line.due_on else "",
                line.status_label,
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def roadmap_ics(*, response: Response) -> bytes:
    """An all-day event on each milestone's due date (calendars import events everywhere;
    to-dos only some); milestones without a date are left out. A milestone keeps its UID, so
    importing the file again updates the events instead of doubling them."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("CSPI roadmap"))
    stamps = dict(
        Milestone.objects.filter(response=response).values_list("public_id", "updated_at")
    )
    for line in roadmap_for(response=response).by_due_date:
        if line.due_on is not None:
            calendar.add_component(_event(line, stamps[line.public_id]))
    return calendar.to_ical()


def _event(line: MilestoneLine, stamp: object) -> Event:
    assert line.due_on is not None
    event = Event()
    event.add("uid", f"{line.public_id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", line.due_on)
    event.add("dtend", line.due_on + timedelta(days=1))
    event.add("summary", line.title)
    facts = {"owner": line.owner, "pillar": line.pillar_name, "status": line.status_label}
    if line.owner:
        description = _("Owner: %(owner)s. Pillar: %(pillar)s. Status: %(status)s.") % facts
    else:
        description = _("Pillar: %(pillar)s. Status: %(status)s.") % facts
    event.add("description", description)
    event.add("categories", [line.pillar_name])
    event.add("status", "CANCELLED" if line.status == Milestone.Status.DROPPED else "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a milestone does not make anyone busy all day
    return event
