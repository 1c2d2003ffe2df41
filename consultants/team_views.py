"""The workspace's team views: one organisation's completed responses in a consultant's
campaign, seen together with names, and their team PDF. Thin: `teams.access` decides, one
service or selector does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from responses.access import campaigns_visible_to
from teams.access import Audience, consultant_teams
from teams.models import Team, TeamReport
from teams.selectors import team_view_for
from teams.services import campaign_team_for, team_report_request
from teams.views import team_pdf_download


@login_required
@require_POST
def campaign_team_open(request: HttpRequest, token: str) -> HttpResponse:
    """The team of one organisation of the campaign (made on first use), then its page."""
    campaign = get_object_or_404(campaigns_visible_to(request.user), token=token)
    organisation_key = request.POST.get("organisation", "")
    answered = campaign.responses.filter(status="completed", organisation_key=organisation_key)
    if not organisation_key or not answered.exists():
        messages.error(
            request, _("Nobody of that organisation has completed this campaign's survey.")
        )
        return redirect("workspace:campaign", token=token)
    team = campaign_team_for(campaign=campaign, organisation_key=organisation_key)
    return redirect("workspace:team", public_id=team.public_id)


def _team_or_404(request: HttpRequest, public_id: str) -> Team:
    return get_object_or_404(
        consultant_teams(user=request.user).select_related("campaign"), public_id=public_id
    )


@login_required
@require_GET
def team_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    team = _team_or_404(request, public_id)
    try:
        view = team_view_for(team=team, audience=Audience.CONSULTANT)
    except LookupError as error:
        raise Http404("This team has no scored assessment.") from error
    context = {
        "team": team,
        "campaign": team.campaign,
        "view": view,
        "report": team.reports.filter(audience=Audience.CONSULTANT).first(),
    }
    return render(request, "workspace/team.html", context)


@login_required
@require_POST
def team_pdf_new(request: HttpRequest, public_id: str) -> HttpResponse:
    team = _team_or_404(request, public_id)
    team_report_request(team=team, audience=Audience.CONSULTANT)
    return redirect(reverse("workspace:team", args=[public_id]) + "#team-pdf")


@login_required
@require_GET
def team_pdf(request: HttpRequest, public_id: str, report_token: str) -> FileResponse:
    team = _team_or_404(request, public_id)
    report = TeamReport.objects.filter(
        team=team, audience=Audience.CONSULTANT, token=report_token
    ).first()
    if report is None or not report.is_ready:
        raise Http404("No such file.")
    return team_pdf_download(report)


urlpatterns = [
    path("campaigns/<token:token>/team/", campaign_team_open, name="campaign-team"),
    path("teams/<token:public_id>/", team_detail, name="team"),
    path("teams/<token:public_id>/pdf/", team_pdf_new, name="team-pdf-new"),
    path("teams/<token:public_id>/pdf/<token:report_token>.pdf", team_pdf, name="team-pdf"),
]
