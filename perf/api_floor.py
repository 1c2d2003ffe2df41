"""The API's floor: a bare Django view answering JSON the size of a benchmark answer.

It runs through the same settings and middleware as the JSON API, but does no database work, no
token check, no rate limit and no schema validation: it serializes one fixed, hand-written
payload shaped like ``GET /api/v1/responses/{id}/benchmark`` (groups of quartiles), padded to
the byte size that ``perf/api_bench.py`` measured at startup and passes in the URL. So it shows
how fast this stack could answer a JSON body of that size at best.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, JsonResponse

MAX_FLOOR_BYTES = 1024 * 1024

_QUARTILES = {"p25": 31.2, "median": 44.0, "p75": 58.9, "percentile_rank": 12.5}

# One static group; the payload repeats it, so the floor serializes JSON of a similar shape.
_GROUP: dict[str, Any] = {
    "key": "all",
    "label": "All respondents",
    "enough_peers": True,
    "n": 412,
    "overall": _QUARTILES,
    "pillars": {f"pillar{number}": _QUARTILES for number in range(8)},
    "kpis": {key: {"n": 380, **_QUARTILES} for key in ("nrr", "retention", "nps", "csm")},
}


def _size(payload: dict[str, Any]) -> int:
    # What JsonResponse sends: json.dumps with Django's encoder and default separators.
    return len(json.dumps(payload, cls=DjangoJSONEncoder).encode())


@lru_cache(maxsize=8)
def floor_payload(size: int) -> dict[str, Any]:
    """Static groups plus a padding string, serialized to exactly ``size`` bytes."""
    groups: list[dict[str, Any]] = []
    while _size({"k": 5, "groups": [*groups, _GROUP], "pad": ""}) <= size:
        groups.append(_GROUP)
    room = size - _size({"k": 5, "groups": groups, "pad": ""})
    if room < 0:
        raise ValueError(f"A floor answer cannot be as small as {size} bytes.")
    return {"k": 5, "groups": groups, "pad": "x" * room}


def api_floor(request: HttpRequest, size: int) -> JsonResponse:
    if not 0 < size <= MAX_FLOOR_BYTES:
        raise Http404("No floor of that size.")
    try:
        payload = floor_payload(size)
    except ValueError:
        raise Http404("No floor of that size.") from None
    return JsonResponse(payload)
