"""API routes of peer benchmarks: a response's comparison with its peers, and comparing it again
with today's pool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from api.base import TOKEN_ROUTE, Detail, TokenAuth
from api.responses import response_for
from benchmarks.models import ResponseBenchmark
from benchmarks.payload import kept_comparison_to_api
from benchmarks.selectors import benchmark_kept_latest
from benchmarks.services import benchmark_compute
from consultants.models import (
    ApiToken,
    api_token_hash,
    api_token_read,
    api_token_sql,
    api_token_width,
)
from responses.access import response_visible_sql
from responses.models import Response
from responses.url_tokens import is_token_shaped

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
    as_of: datetime = Field(
        description="When the comparison was made (UTC), so a reader knows which pool it describes."
    )
    peer_unit: str | None = Field(
        None,
        description=(
            '"organisation": each peer is an organisation (an e-mail domain, or one public '
            "mailbox address), counted once by its latest response; n counts organisations and "
            "the respondent's own organisation is never among them. Absent on comparisons made "
            "before peers were organisations."
        ),
    )
    window_months: int | None = Field(
        None,
        description=(
            "Only responses completed within this many months before `as_of` counted "
            "(0: all). Absent on comparisons made before the window existed."
        ),
    )
    groups: list[Group]


NOT_COMPARABLE = "This response cannot be compared with the current peer pool."


@dataclass(frozen=True, slots=True)
class VisibleResponse:
    """A completed response the reader may see, with the API's answer for its latest kept
    comparison: None when none was kept, "" when it was kept before answers were."""

    response_id: int
    api_json: str | None


def token_with_kept_comparison(
    *, secret: str, public_id: str
) -> tuple[ApiToken, VisibleResponse | None] | None:
    """The API token `secret` opens (None: none does) and the response `public_id` if the
    token's user may read it, with the API's answer for its latest comparison, in one round
    trip: every API read of a benchmark asks this, and the round trips were most of its cost.

    Who may read a response is the rule of `responses.access`, here in its SQL form.
    """
    database = connections[Response.objects.db]
    with database.cursor() as cursor:
        cursor.execute(
            api_token_sql(columns=_KEPT_COMPARISON_COLUMNS, joins=_VISIBLE_RESPONSE_JOIN),
            [public_id, api_token_hash(secret)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token = api_token_read(database, row)
    response_id, api_json = row[api_token_width() :]
    if response_id is None:
        return token, None
    return token, VisibleResponse(response_id=response_id, api_json=api_json)


_KEPT_COMPARISON_COLUMNS = f""", r.id, (
    SELECT b.api_json FROM "{ResponseBenchmark._meta.db_table}" b
    WHERE b.response_id = r.id ORDER BY b.computed_at DESC, b.id DESC LIMIT 1
)"""
_VISIBLE_RESPONSE_JOIN = (
    f'LEFT JOIN "{Response._meta.db_table}" r ON r.public_id = %s '
    f"AND {response_visible_sql(response='r', user='u')}"
)


def _token_and_response(request: HttpRequest, secret: str) -> ApiToken | None:
    """TokenAuth's lookup for the benchmark route: the token, and the response the path names
    (kept on the request for the route), in one query."""
    match = request.resolver_match
    public_id = match.kwargs.get("id", "") if match else ""
    if not is_token_shaped(public_id):
        public_id = ""  # no response has it: the route answers 404 once the token is checked
    found = token_with_kept_comparison(secret=secret, public_id=public_id)
    if found is None:
        return None
    token, visible = found
    setattr(request, _VISIBLE, visible)
    return token


_VISIBLE = "visible_response"


@router.get(
    "/responses/{id}/benchmark",
    response={200: Benchmark, 404: Detail, 409: Detail, **TOKEN_ROUTE},
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
        kept = benchmark_kept_latest(response=response)
        if kept is not None:
            return JsonResponse(kept_comparison_to_api(kept.comparison, as_of=kept.computed_at))
    return _compared_now(response)


@router.post(
    "/responses/{id}/benchmark",
    response={200: Benchmark, 404: Detail, 409: Detail, **TOKEN_ROUTE},
    exclude_unset=True,
)
def benchmark_post(request: HttpRequest, id: str) -> HttpResponse:
    """Compare the response again with today's pool. The new comparison is kept and becomes the
    latest (what `GET` answers from now on); earlier ones, and the reports printed from them,
    stay as they were. 409 when the response cannot be compared: it was scored against other
    pillars than today's pool (the published bank changed since)."""
    return _compared_now(response_for(request, id))


def _compared_now(response: Response) -> HttpResponse:
    made = benchmark_compute(response=response)
    if made is None:
        raise HttpError(409, NOT_COMPARABLE)
    return HttpResponse(made.api_json, content_type="application/json")
