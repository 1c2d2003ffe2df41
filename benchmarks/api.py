"""API route of peer benchmarks: a response's comparison with its peers."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from benchmarks.payload import comparison_to_api
from benchmarks.selectors import VisibleResponse, benchmark_latest, token_with_kept_comparison
from benchmarks.services import benchmark_compute
from cspi.api_base import Detail, TokenAuth
from cspi.models import ApiToken
from survey.models import Response

router = Router(tags=["benchmarks"])


class Quartiles(Schema):
    p25: float | None
    median: float | None
    p75: float | None
    percentile_rank: float | None


class KpiStats(Schema):
    """Quartiles of the peers' values, or `{"enough_peers": false, "n": null}`."""

    n: int | None
    enough_peers: bool | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    percentile_rank: float | None = None


class Group(Schema):
    """A withheld group has only key, label, enough_peers (false) and n (null)."""

    key: str
    label: str
    enough_peers: bool
    n: int | None
    overall: Quartiles | None = None
    pillars: dict[str, Quartiles] | None = None
    kpis: dict[str, KpiStats] | None = None


class Benchmark(Schema):
    k: int
    groups: list[Group]


def _token_and_response(request: HttpRequest, secret: str) -> ApiToken | None:
    """TokenAuth's lookup for the benchmark route: the token, and the response the path names
    (kept on the request for the route), in one query."""
    match = request.resolver_match
    public_id = match.kwargs.get("id", "") if match else ""
    found = token_with_kept_comparison(secret=secret, public_id=public_id)
    if found is None:
        return None
    token, visible = found
    setattr(request, _VISIBLE, visible)
    return token


_VISIBLE = "visible_response"


@router.get(
    "/responses/{id}/benchmark",
    response={200: Benchmark, 401: Detail, 404: Detail, 409: Detail, 429: Detail},
    auth=TokenAuth(lookup=_token_and_response),
    exclude_unset=True,
)
def benchmark_get(request: HttpRequest, id: str) -> HttpResponse:
    """The comparison kept when the response completed; made now if none was kept.

    Authentication has already read the response (if the token may see it) and the answer
    kept with its comparison, which is sent as it is. `kept_comparison_to_api` builds exactly
    the Benchmark shape (the schema test checks every answer against it).
    """
    visible: VisibleResponse | None = getattr(request, _VISIBLE)
    if visible is None:
        raise Http404("No such response.")
    if visible.api_json:
        return HttpResponse(visible.api_json, content_type="application/json")
    response = Response.objects.filter(pk=visible.response_id).first()
    if response is None:  # deleted since authentication read it
        raise Http404("No such response.")
    if visible.api_json == "":  # kept by an earlier version, without its answer
        kept = benchmark_latest(response=response)
        if kept is not None:
            return JsonResponse(comparison_to_api(kept.comparison))
    made = benchmark_compute(response=response)
    if made is None:
        raise HttpError(409, "This response cannot be compared with the current peer pool.")
    return HttpResponse(made.api_json, content_type="application/json")
