"""The team PDF: the team's view through a Jinja2 template, then WeasyPrint by the same helper
as the personal report (`reports.pdf.pdf_from_html`), which fetches nothing but our static
files."""

from __future__ import annotations

from django.template.loader import get_template
from django.utils import timezone

from reports.pdf import pdf_from_html
from responses.languages import language_override
from teams.access import Audience
from teams.models import Team
from teams.selectors import team_view_for

TEMPLATE = "reports/team_report.html"


def team_report_html(*, team: Team, audience: Audience) -> str:
    view = team_view_for(team=team, audience=audience)
    context = {"view": view, "printed_on": timezone.localdate()}
    return get_template(TEMPLATE, using="jinja2").render(context)


def team_report_pdf(*, team: Team, audience: Audience) -> bytes:
    """In the campaign's language for a campaign's team; in English for a team link, whose
    members may each speak another."""
    campaign = team.campaign if team.campaign_id else None
    with language_override(campaign.language if campaign else None):
        return pdf_from_html(team_report_html(team=team, audience=audience))
