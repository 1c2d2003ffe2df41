"""A respondent's team pages: a team's invitation link (`/t/<token>/`), and through their own
private link the team view, its PDF, their name consent and leaving. Thin: each asks
`teams.access` and calls one service."""

from __future__ import annotations

import math

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from reports.downloads import attachment
from responses.consent import CONSENT_MISSING, consent_given
from responses.models import Response
from responses.page_limits import limit_wait
from responses.selectors import bank_current, response_by_token
from teams.access import Audience, MemberAccess, member_access
from teams.models import Team, TeamMember, TeamReport
from teams.selectors import team_view_for
from teams.services import (
    team_create,
    team_leave,
    team_members_settle,
    team_name_consent_set,
    team_report_request,
    team_response_start,
)


def _link_team_or_404(token: str) -> Team:
    team = Team.objects.filter(token=token, campaign__isnull=True).first()
    if team is None:
        raise Http404("This team link is not valid.")
    return team


@require_GET
def team_invite(request: HttpRequest, token: str) -> HttpResponse:
    team = _link_team_or_404(token)
    return render(request, "survey/team_invite.html", {"team": team})


@require_POST
def team_start(request: HttpRequest, token: str) -> HttpResponse:
    """A new response bound to the team: it joins when it completes with the team's
    organisation (teams.services.team_membership_settle)."""
    team = _link_team_or_404(token)
    bank = bank_current()
    if bank is None:
        return render(request, "survey/unavailable.html", status=503)
    if not consent_given(request):
        again = {
            "team": team,
            "consent_error": CONSENT_MISSING,
            "shows_name": request.POST.get("shows_name") == "1",
        }
        return render(request, "survey/team_invite.html", again)
    wait = limit_wait(request, group="survey-start", rate_setting="SURVEY_START_LIMIT")
    if wait is not None:
        context = {"minutes": math.ceil(wait / 60), "draft": None}
        reply = render(request, "survey/too_many_starts.html", context, status=429)
        reply["Retry-After"] = str(wait)
        return reply
    shows_name = request.POST.get("shows_name") == "1"
    response = team_response_start(team=team, bank=bank, shows_name=shows_name, consented=True)
    return redirect("survey:resume", token=response.token)


def _completed_or_404(token: str) -> Response:
    response = response_by_token(token=token)
    if response is None or not response.is_completed:
        raise Http404("This survey link is not valid.")
    return response


def _results(token: str) -> str:
    return reverse("survey:done", args=[token]) + "#team"


@require_POST
def team_new(request: HttpRequest, token: str) -> HttpResponse:
    response = _completed_or_404(token)
    created = team_create(response=response, shows_name=request.POST.get("shows_name") == "1")
    if created.problem:
        messages.error(request, created.problem)
    return redirect(_results(token))


def _access_or_404(token: str) -> tuple[Response, MemberAccess]:
    response = _completed_or_404(token)
    member = TeamMember.objects.filter(response=response).select_related("team").first()
    if member is not None:
        team_members_settle(team=member.team)
    access = member_access(response=response)
    if access is None:
        raise Http404("You are not in a team.")
    return response, access


@require_GET
def team_page(request: HttpRequest, token: str) -> HttpResponse:
    response, access = _access_or_404(token)
    team = access.member.team
    context: dict[str, object] = {
        "access": access,
        "team": team,
        "token": token,
        "share_url": request.build_absolute_uri(reverse("survey:team-invite", args=[team.token])),
    }
    if not access.may_see:
        return render(request, "survey/team_waiting.html", context)
    try:
        context["view"] = team_view_for(team=team, audience=Audience.MEMBERS, viewer=response)
    except LookupError:  # fewer members can be shown together than the count said
        return render(request, "survey/team_waiting.html", context)
    context["report"] = team.reports.filter(audience=Audience.MEMBERS).first()
    return render(request, "survey/team.html", context)


@require_POST
def team_name(request: HttpRequest, token: str) -> HttpResponse:
    _, access = _access_or_404(token)
    shows_name = request.POST.get("shows_name") == "1"
    team_name_consent_set(member=access.member, shows_name=shows_name)
    messages.success(
        request,
        gettext("The other members now see your name.")
        if shows_name
        else gettext("The other members no longer see your name."),
    )
    return redirect(reverse("survey:team", args=[token]))


@require_POST
def team_leave_view(request: HttpRequest, token: str) -> HttpResponse:
    _, access = _access_or_404(token)
    team_leave(member=access.member)
    messages.success(
        request,
        gettext(
            "You left the team. Your answers are kept as your own assessment and no longer count "
            "in the team's numbers."
        ),
    )
    return redirect(_results(token))


@require_POST
def team_pdf_new(request: HttpRequest, token: str) -> HttpResponse:
    _, access = _access_or_404(token)
    if not access.may_see:
        raise Http404("The team view is not open yet.")
    team_report_request(team=access.member.team, audience=Audience.MEMBERS)
    return redirect(reverse("survey:team", args=[token]) + "#team-pdf")


@require_GET
def team_pdf(request: HttpRequest, token: str, report_token: str) -> FileResponse:
    _, access = _access_or_404(token)
    report = TeamReport.objects.filter(
        team=access.member.team, audience=Audience.MEMBERS, token=report_token
    ).first()
    if not access.may_see or report is None or not report.is_ready:
        raise Http404("No such file.")
    return team_pdf_download(report)


@require_GET
def team_pdf_status(request: HttpRequest, token: str) -> JsonResponse:
    """The members' latest team PDF, for the team page to follow without reloading."""
    _, access = _access_or_404(token)
    report = access.member.team.reports.filter(audience=Audience.MEMBERS).first()
    if not access.may_see or report is None:
        raise Http404("No team PDF asked for.")
    url = reverse("survey:team-pdf", args=[token, report.token]) if report.is_ready else None
    return JsonResponse({"status": report.status, "text": report.status_text, "download_url": url})


def team_pdf_download(report: TeamReport) -> FileResponse:
    return attachment(
        report.file,
        filename=f"cspi-team-report-{report.finished_at:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


invite_urlpatterns = [
    path("", team_invite, name="team-invite"),
    path("start/", team_start, name="team-start"),
]
member_urlpatterns = [
    path("", team_page, name="team"),
    path("new/", team_new, name="team-new"),
    path("name/", team_name, name="team-name"),
    path("leave/", team_leave_view, name="team-leave"),
    path("pdf/", team_pdf_new, name="team-pdf-new"),
    path("pdf/<token:report_token>.pdf", team_pdf, name="team-pdf"),
    path("pdf/status/", team_pdf_status, name="team-pdf-status"),
]
