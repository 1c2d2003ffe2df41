"""Property-based check of the published OpenAPI document against a live server (pytest-django's,
over real HTTP): generated calls, valid and not, never get a 5xx, and every answer matches the
documented status codes and shapes. A second test calls every operation with the id of a real
scored response, so the 200, 201 and 202 bodies are checked against the document as well.

Bounded for CI: a few examples per operation, no deadline flakiness. Run just this with
`pytest -m schemathesis`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from api.root import api
from consultants.models import ApiToken
from tests.api.conftest import submission, user
from tests.examples import EXAMPLE_A

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@dataclass(frozen=True)
class LiveApi:
    url: str
    headers: dict[str, str]
    response_id: str  # a scored response of the token's user, with its benchmark and report


@pytest.fixture
def live_api(live_server: Any, bank: Any, settings: Any) -> LiveApi:
    """Three respondents and K = 2, so the last one's benchmark shows groups with statistics."""
    settings.BENCHMARK_K = 2
    _, secret = ApiToken.issue(user=user("live@example.com"), name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    for n in range(3):
        answers = {**EXAMPLE_A, 3: f"live{n}@example.com", 10: str(90 + n)}
        made = requests.post(
            f"{live_server.url}/api/v1/responses",
            json=submission(answers),
            headers=headers,
            timeout=30,
        )
        assert made.status_code == 201, made.text
    return LiveApi(url=live_server.url, headers=headers, response_id=made.json()["id"])


@pytest.fixture
def api_schema(live_api: LiveApi) -> Any:
    """The document exactly as the live server publishes it."""
    return schemathesis.openapi.from_url(f"{live_api.url}/api/v1/openapi.json")


# Cases are generated from the same document, built before the server starts (a test's
# parameters exist before its fixtures); the document the live server publishes is compared
# with it below.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))


@pytest.mark.schemathesis
def test_the_live_document_is_the_one_calls_are_generated_from(api_schema: Any) -> None:
    assert api_schema.raw_schema == json.loads(json.dumps(schema.raw_schema))


@pytest.mark.schemathesis
@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_generated_calls_match_the_openapi_document(case: Any, live_api: LiveApi) -> None:
    case.call_and_validate(base_url=live_api.url, headers=live_api.headers, checks=CHECKS)


@pytest.mark.schemathesis
def test_a_real_response_answers_every_operation_as_documented(
    api_schema: Any, live_api: LiveApi
) -> None:
    called = []
    for operation in api_schema.get_all_operations():
        operation = operation.ok()
        parameters = {"id": live_api.response_id} if "{id}" in operation.path else {}
        body = submission() if operation.method.upper() == "POST" and not parameters else None
        kwargs: dict[str, Any] = {"path_parameters": parameters}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        case = operation.Case(**kwargs)
        reply = case.call_and_validate(headers=live_api.headers, checks=CHECKS)
        called.append((operation.method.upper(), operation.path, reply.status_code))
        if operation.path.endswith("/benchmark"):  # statistics, not only withheld groups
            assert reply.json()["groups"][0]["overall"]["median"] is not None
    assert sorted(called) == [
        ("GET", "/api/v1/banks/current", 200),
        ("GET", "/api/v1/responses/{id}", 200),
        ("GET", "/api/v1/responses/{id}/benchmark", 200),
        ("GET", "/api/v1/responses/{id}/report", 200),
        ("GET", "/api/v1/responses/{id}/report.pdf", 409),  # no worker here: still pending
        ("POST", "/api/v1/responses", 201),
        ("POST", "/api/v1/responses/{id}/report", 202),
    ]
