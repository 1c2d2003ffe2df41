"""Taking the assessment again, from the results page's private link, and the progress that page
shows once the new one is complete ("Since your assessment of …").

The earlier assessment is proven by its link alone: "Take the assessment again" is a POST on
`/survey/<token>/results/again/`, so a new response is linked to an earlier one only by whoever
holds that one's private link. A typed e-mail address links nothing (it is never verified).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reports.progress import progress_section_for
from responses.history import assessment_draft_again, assessment_start_again
from responses.models import Response
from responses.selectors import bank_current, response_by_token


def results_progress_context(*, response: Response) -> dict[str, Any]:
    """The results page's progress section, and where its "Take the assessment again" posts."""
    return {
        "progress": progress_section_for(response=response),
        "take_again_url": reverse("survey:take-again", args=[response.token]),
    }


@require_POST
def take_again(request: HttpRequest, token: str) -> HttpResponse:
    """Open the next assessment after this completed one (or continue the one already opened),
    its profile answers filled in, in the same campaign while that is still open; the resume
    page makes it the browser's draft. No limit of its own is needed: a completed assessment
    has at most one open draft taken again from it, and completing one takes every page."""
    previous = response_by_token(token=token)
    if previous is None or not previous.is_completed:
        raise Http404("This results link is not valid.")
    campaign = previous.campaign
    if campaign is not None and not campaign.is_open():
        campaign = None
    bank = campaign.bank if campaign is not None else bank_current()
    if bank is None:
        return render(request, "survey/unavailable.html", status=503)
    with transaction.atomic():
        # A double click waits here for the first, then finds its draft: one draft, not two.
        Response.objects.select_for_update().filter(pk=previous.pk).first()
        draft = assessment_draft_again(previous=previous)
        if draft is None:
            draft = assessment_start_again(previous=previous, bank=bank, campaign=campaign)
    return redirect("survey:resume", token=draft.token)
