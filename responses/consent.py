"""The consent step: a survey is started only once the respondent ticked the box that links the
privacy notice (on the start page, a campaign's, an invitation's and a team's). One home for
what the box is called and what is said when it was left empty."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

# Lazy: said in the language of the page it is shown on (str() it where a str is needed).
CONSENT_MISSING = gettext_lazy("Tick the box to agree to the privacy notice before you start.")


def consent_given(request: HttpRequest) -> bool:
    return request.POST.get("consent") == "yes"
