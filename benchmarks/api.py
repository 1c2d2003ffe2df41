"""API route of peer benchmarks: a response's comparison with its peers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from benchmarks.payload import comparison_to_api
from benchmarks.selectors import benchmark_latest
from benchmarks.services import benchmark_compute
from benchmarks.stored import comparison_from_json
from cspi.api_base import Detail
from survey.api import response_for

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


@router.get(
    "/responses/{id}/benchmark",
    response={200: Benchmark, 401: Detail, 404: Detail, 409: Detail, 429: Detail},
    exclude_unset=True,
)
def benchmark_get(request: HttpRequest, id: str) -> HttpResponse:
    """The comparison kept when the response completed; made now if none was kept.

    Answered as ready JSON: `comparison_to_api` builds exactly the Benchmark shape (the schema
    test checks every answer against it), and validating it again per request cost about a
    fifth of the request.
    """
    response = response_for(request, id)
    latest = benchmark_latest(response=response)
    if latest is not None:
        return JsonResponse(comparison_to_api(latest.comparison))
    made = benchmark_compute(response=response)
    if made is None:
        raise HttpError(409, "This response cannot be compared with the current peer pool.")
    return JsonResponse(comparison_to_api(comparison_from_json(made.comparison)))
