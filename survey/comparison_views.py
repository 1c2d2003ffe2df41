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
            "You have asked for new comparisons many times in a short while. "
            f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}.",
        )
        return results
    refresh = benchmark_refresh(response=response)
    level, text = _outcome_message(refresh, report=report_latest(response=response))
    messages.add_message(request, level, text)
    return results


def _outcome_message(refresh: Refresh, *, report: Report | None) -> tuple[int, str]:
    before = f" of {day_text(refresh.before.computed_at)}" if refresh.before else ""
    if refresh.outcome is Refreshed.NOT_GROWN:
        return messages.INFO, (
            f"The pool has not grown enough since your comparison{before} for a new one to tell "
            "you more, so it stays as it was."
        )
    if refresh.outcome is Refreshed.NOT_COMPARABLE or refresh.made is None:
        return messages.ERROR, (
            "Your answers cannot be compared with today's pool: the survey's pillars have "
            f"changed since you answered. Your comparison{before} stays as it was."
        )
    made = refresh.made
    if made.pool_size is None:
        text = (
            f"Compared again as of {day_text(made.computed_at)}: the pool still holds fewer than "
            f"{benchmark_k()} organisations."
        )
    else:
        text = f"Compared with {made.pool_size} peers as of {day_text(made.computed_at)}."
    if refresh.before is not None and refresh.before.pool_size is not None:
        text += f" Your earlier comparison{before} counted {refresh.before.pool_size}."
    if refresh.growth is not None and refresh.growth.newly_shown:
        text += f" Now also shown: {'; '.join(refresh.growth.newly_shown)}."
    if report is not None:
        text += " Your PDF report keeps the comparison it printed."
        if report.is_ready:
            text += " Create a new one below to print this comparison."
    return messages.SUCCESS, text
