"""The PDF of an assessment taken again prints "Since your assessment of …": the change per score,
the buckets crossed, every assessment, and the milestones set last time with their status."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reports.pdf import report_pdf
from responses.models import Response
from roadmaps.models import Milestone
from scoring.bank import BankSpec
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.reports.test_pdf_document import completed, pages_text, preview, squeezed

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken_again(spec: BankSpec) -> Response:
    """Example A on 12 March 2026 with a milestone, then example B taken again from it."""
    earlier = completed(spec, EXAMPLE_A, "ada@example.com")
    Response.objects.filter(pk=earlier.pk).update(completed_at=datetime(2026, 3, 12, tzinfo=UTC))
    Milestone.objects.create(
        response=earlier,
        pillar_key="playbook",
        title="Write the <renewal> playbook",
        due_on=date(2026, 5, 1),
    )
    later = completed(spec, EXAMPLE_B, "ada@example.com")
    Response.objects.filter(pk=later.pk).update(previous_assessment=earlier)
    later.refresh_from_db()
    return later


def test_the_report_of_a_second_assessment_prints_what_changed_since_the_first(taken_again):
    pdf = report_pdf(response=taken_again, benchmark=None)
    preview("report_progress.pdf", pdf)
    pages = pages_text(pdf)

    found = [page for page in pages if "Since your assessment of 12 March 2026\n" in page]
    assert len(found) == 1
    text = " ".join(found[0].split())
    assert "went up 46.85 points since 12 March 2026, from 14.28 to 61.13" in text
    assert "Into a higher bucket: Overall, Alignment, Team," in text
    assert "Overall 14.28 61.13 ▲ +46.85 rose from Undeveloped to Expanding" in text
    assert "Team 27.78 80.16 ▲ +52.38 rose from Emerging to Conquering" in text
    assert "12 March 2026 14.28 Undeveloped" in text  # every assessment, under the chart
    assert "Planned, overdue" in text  # 1 May 2026 has passed; still planned
    assert "Writethe<renewal>playbook" in squeezed(found[0])  # as typed, escaped
    contents = next(page for page in pages if "Contents" in page)
    assert "Since your assessment of 12 March 2026" in contents


def test_a_first_assessment_prints_no_progress(spec: BankSpec):
    first = completed(spec, EXAMPLE_A, "ada@example.com")

    pages = pages_text(report_pdf(response=first, benchmark=None))

    assert not any("Since your assessment" in page for page in pages)
