"""Comparing again with today's peers, from the results page (through its private link).

The results page says when its comparison was made and with how many peers
(`templates/survey/includes/comparison_date.html`, context from `comparison_refresh_offer`);
once the pool has grown meaningfully since (the rule of `benchmarks/refresh.py`) it offers
"Compare with today's peers", a POST to `compare_again`. A PDF keeps the comparison it printed;
one asked for afterwards prints the new comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benchmarks.refresh import PoolGrowth, Refresh, Refreshed, benchmark_refresh, pool_growth_since
from benchmarks.selectors import StoredBenchmark, benchmark_k
from reports.document import day_text
from reports.models import Report
from reports.selectors import report_latest
from responses.models import Response
from responses.page_limits import limit_wait
from responses.selectors import response_by_token

LIMIT_GROUP = "survey-compare-again"
LIMIT_SETTING = "SURVEY_COMPARE_AGAIN_LIMIT"  # per client address, such as "10/hour"


@dataclass(frozen=True, slots=True)
class ComparisonDate:
    """What the include says of the comparison shown, and what it offers."""

    computed_at: datetime
    peers: int | None  # in "All respondents"; None when fewer than K
    k: int
    growth: PoolGrowth | None  # the pool since; offered when meaningful
    compare_url: str
    report_request_url: str
    pdf_is_earlier: bool  # the latest PDF is ready and printed an earlier comparison

    @property
    def offered(self) -> bool:
        return self.growth is not None and self.growth.meaningful


def comparison_refresh_offer(
    *, response: Response, benchmark: StoredBenchmark | None, report: Report | None
) -> ComparisonDate | None:
    """The context `comparison_date` of the include, for the results page's comparison
    (`benchmark`, from `benchmark_latest`) and latest report. None while no comparison is kept.
    Costs one query while the pool has not changed since the comparison."""
    if benchmark is None:
        return None
    return ComparisonDate(
        computed_at=benchmark.computed_at,
        peers=benchmark.pool_size,
        k=benchmark.k,
        growth=pool_growth_since(response=response, benchmark=benchmark),
        compare_url=reverse("survey:compare-again", args=[response.token]),
        report_request_url=reverse("reports:request", args=[response.token]),
        pdf_is_earlier=report is not None
        and report.is_ready
        and report.benchmark_id != benchmark.benchmark_id,
    )


@require_POST
def compare_again(request: HttpRequest, token: str) -> HttpResponse:
    """Compare again with today's peers, if the pool has grown meaningfully; back to the results
    page with a message saying what happened."""
    response = response_by_token(token=token)
    if response is None or not response.is_completed:
        raise Http404("This survey link is not valid.")
    results = redirect(reverse("survey:done", args=[token]) + "#peers")
    wait = limit_wait(request, group=LIMIT_GROUP, rate_setting=LIMIT_SETTING)
    if wait is not None:
        minutes = math.ceil(wait / 60)
        messages.error(
            request,
            ngettext(
                "You have asked for new comparisons many times in a short while. "
                "Please try again in %(num)d minute.",
                "You have asked for new comparisons many times in a short while. "
                "Please try again in %(num)d minutes.",
                minutes,
            )
            % {"num": minutes},
        )
        return results
    refresh = benchmark_refresh(response=response)
    level, text = _outcome_message(refresh, report=report_latest(response=response))
    messages.add_message(request, level, text)
    return results


def _outcome_message(refresh: Refresh, *, report: Report | None) -> tuple[int, str]:
    """What happened, in whole sentences of the page's language."""
    before = day_text(refresh.before.computed_at) if refresh.before else None
    if refresh.outcome is Refreshed.NOT_GROWN:
        if before is None:
            text = _(
                "The pool has not grown enough since your comparison for a new one to tell you "
                "more, so it stays as it was."
            )
        else:
            text = _(
                "The pool has not grown enough since your comparison of %(date)s for a new one "
                "to tell you more, so it stays as it was."
            ) % {"date": before}
        return messages.INFO, text
    if refresh.outcome is Refreshed.NOT_COMPARABLE or refresh.made is None:
        if before is None:
            text = _(
                "Your answers cannot be compared with today's pool: the survey's pillars have "
                "changed since you answered. Your comparison stays as it was."
            )
        else:
            text = _(
                "Your answers cannot be compared with today's pool: the survey's pillars have "
                "changed since you answered. Your comparison of %(date)s stays as it was."
            ) % {"date": before}
        return messages.ERROR, text
    made = refresh.made
    sentences = []
    if made.pool_size is None:
        k = benchmark_k()
        sentences.append(
            ngettext(
                "Compared again as of %(date)s: the pool still holds fewer than %(num)d "
                "organisation.",
                "Compared again as of %(date)s: the pool still holds fewer than %(num)d "
                "organisations.",
                k,
            )
            % {"date": day_text(made.computed_at), "num": k}
        )
    else:
        sentences.append(
            ngettext(
                "Compared with %(num)d peer as of %(date)s.",
                "Compared with %(num)d peers as of %(date)s.",
                made.pool_size,
            )
            % {"num": made.pool_size, "date": day_text(made.computed_at)}
        )
    if refresh.before is not None and refresh.before.pool_size is not None:
        sentences.append(
            _("Your earlier comparison of %(date)s counted %(count)s.")
            % {"date": before, "count": refresh.before.pool_size}
        )
    if refresh.growth is not None and refresh.growth.newly_shown:
        # Translators: %(groups)s names peer groups, "Industry: Software; Region: Europe".
        sentences.append(
            _("Now also shown: %(groups)s.") % {"groups": "; ".join(refresh.growth.newly_shown)}
        )
    if report is not None:
        sentences.append(_("Your PDF report keeps the comparison it printed."))
        if report.is_ready:
            sentences.append(_("Create a new one below to print this comparison."))
    return messages.SUCCESS, " ".join(sentences)
