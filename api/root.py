"""The JSON API v1 (the contract: API.md), mounted at /api/v1/: its root, error answers and
routers. Shared pieces (token auth, rate limits, body reading) are in `api/base.py`.

The docs page (/api/v1/docs) loads Swagger UI from our own static files ("ninja" is an
installed app for that), so it works under the site's Content-Security-Policy unchanged.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

from api.base import SubmissionRejected, TokenAuth, TokenThrottle, address_limited
from api.benchmarks import router as benchmarks_router
from api.openapi import submission_schema
from api.outcomes import router as outcomes_router
from api.reports import router as reports_router
from api.responses import router as responses_router
from api.teams import router as teams_router
from responses.bank_texts import option_texts_for
from responses.selectors import bank_current, bank_spec_for


class CspiApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The routes' document, with the submission the published bank takes (`api/openapi.py`)."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        bank = bank_current()
        spec = bank_spec_for(bank=bank) if bank is not None else None
        other_texts = option_texts_for(bank) if bank is not None else None
        document["components"]["schemas"]["Submission"] = submission_schema(spec, other_texts)
        return document


api = CspiApi(
    title="CSPI Benchmark API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenThrottle()],
    docs_decorator=address_limited,
    description="Submit CSPI survey answers, read scores, peer benchmarks and PDF reports.",
)


@api.exception_handler(SubmissionRejected)
def _submission_rejected(request: HttpRequest, exc: SubmissionRejected) -> HttpResponse:
    return api.create_response(request, {"errors": exc.errors}, status=400)


@api.exception_handler(ValidationError)
def _invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = {".".join(str(part) for part in e.get("loc", ())): e["msg"] for e in exc.errors}
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    reply = api.create_response(request, {"detail": "Too many requests."}, status=429)
    if exc.wait is not None:
        reply["Retry-After"] = str(math.ceil(exc.wait))
    return reply


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    reply = api.create_response(
        request, {"detail": "A valid API token is required (Authorization: Bearer …)."}, status=401
    )
    reply["WWW-Authenticate"] = "Bearer"
    return reply


api.add_router("", responses_router)
api.add_router("", benchmarks_router)
api.add_router("", outcomes_router)
api.add_router("", reports_router)
api.add_router("", teams_router)
