"""A personal invitation link (`/i/<token>/`, e-mailed by consultants.invitations): the campaign's
survey with the invited address filled in; the link leads back to the same assessment, and to
its results once finished. Its unsubscribe link stops the reminders (after a confirmation: mail
scanners follow links, and a GET must change nothing)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from responses.consent import CONSENT_MISSING, consent_given
from responses.invitations import (
    invitation_by_token,
    invitation_response_start,
    invitation_unsubscribe,
)
from responses.languages import campaign_language_activate
from survey.privacy_views import nothing_here
from survey.views import SESSION_DRAFT_KEY, landing_page


def invitation_landing(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return nothing_here(request)
    response = invitation.response
    if response is not None:
        if response.is_completed:
            return redirect("survey:done", token=response.token)
        return redirect("survey:resume", token=response.token)
    campaign = invitation.campaign
    campaign_language_activate(request, campaign)
    if not campaign.is_open():
        return render(request, "survey/campaign_closed.html", {"campaign": campaign}, status=410)
    start_url = reverse("survey:invitation-start", args=[token])
    return landing_page(request, bank=campaign.bank, campaign=campaign, start_url=start_url)


@require_POST
def invitation_start(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return nothing_here(request)
    campaign_language_activate(request, invitation.campaign)
    if invitation.response_id is None and not invitation.campaign.is_open():
        context = {"campaign": invitation.campaign}
        return render(request, "survey/campaign_closed.html", context, status=410)
    if invitation.response_id is None and not consent_given(request):
        return landing_page(
            request,
            bank=invitation.campaign.bank,
            campaign=invitation.campaign,
            start_url=reverse("survey:invitation-start", args=[token]),
            consent_error=str(CONSENT_MISSING),
        )
    response = invitation_response_start(invitation=invitation, consented=True)
    request.session[SESSION_DRAFT_KEY] = response.token
    return redirect("survey:resume", token=response.token)


@require_http_methods(["GET", "POST"])
def invitation_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return nothing_here(request)
    if request.method == "POST":
        invitation_unsubscribe(invitation=invitation)
        invitation.refresh_from_db()
    return render(request, "survey/unsubscribe.html", {"invitation": invitation})
