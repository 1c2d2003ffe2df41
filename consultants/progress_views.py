"""A client's progress over time, in the workspace: a response of one of the consultant's
campaigns after its organisation's earlier assessments in the consultant's other campaigns.

Only what the consultant may already read counts (responses.access): an earlier assessment in
someone else's campaign, or taken without a campaign, never shows here. Any other campaign or
response answers 404, as one that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from reports.progress import organisation_progress_section_for
from responses.access import campaigns_visible_to, responses_visible_to


@login_required
@require_GET
def response_progress(request: HttpRequest, token: str, public_id: str) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), token=token)
    readable = responses_visible_to(request.user)
    response = get_object_or_404(readable.filter(campaign=campaign), public_id=public_id)
    return render(
        request,
        "workspace/response_progress.html",
        {
            "campaign": campaign,
            "response": response,
            "progress": organisation_progress_section_for(response=response, readable=readable),
            "back_url": reverse("workspace:campaign", args=[token]),
        },
    )
