"""Property-based check of the published OpenAPI document against a live server (pytest-django's,
over real HTTP), with every check schemathesis has, run as its command line runs them (examples,
boundary cases, fuzzing, then sequences of calls that follow each other's ids): generated calls,
valid and not, never get a 5xx; every answer's status, content type, headers and shape are
documented; calls the document allows are taken (a bank's answers included: the document states
them) and calls it refuses are refused; without a token the routes answer 401. A second test
calls every operation with the id of a real scored response, so the 200, 201 and 202 bodies are
checked against the document as well.

Cases are generated from the document the live server publishes, which states the published
bank, so they exist only once the server runs.

Bounded for CI: a fixed seed and a few examples per operation (about half a minute). Run just
this with `pytest -m schemathesis`.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from celery import Task
from django.core.servers.basehttp import WSGIRequestHandler
from schemathesis.config import SchemathesisConfig

from consultants.models import ApiToken
from tests.api.conftest import submission, user
from tests.examples import EXAMPLE_A

# What no schema can state, allowed where it arises (`st explain ST202`): an Idempotency-Key
# sent before with another body answers 422, whatever this call's body is. And the id of a real
# response for the PDF, which no call of this run would otherwise reach (ids are unguessable).
CONFIG = """
[cache]
enabled = false

[[operations]]
include-name = "POST /api/v1/responses"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]

[[operations]]
include-name = "GET /api/v1/responses/{{id}}/report.pdf"
parameters = {{ "path.id" = "{response_id}" }}
"""
EXAMPLES_PER_OPERATION = 25
SEED = 20261204


@dataclass(frozen=True)
class LiveApi:
    url: str
    headers: dict[str, str]
    response_id: str  # a scored response of the token's user, with its benchmark and report


@pytest.fixture
def live_api(live_server: Any, bank: Any, settings: Any, monkeypatch: Any) -> LiveApi:
    """Three respondents and K = 2, so the last one's benchmark shows groups with statistics.
    Rate limits out of the way (generated calls would be answered 429 after a while), and no
    render queued: no worker runs here, and the broker is not this test's to fill."""
    settings.BENCHMARK_K = 2
    settings.API_RATE_LIMIT_TOKEN = settings.API_RATE_LIMIT_ANONYMOUS = "100000/min"
    monkeypatch.setattr(Task, "apply_async", lambda task, *args, **kwargs: None)
    # The test server writes an answer's headers and body apart: with Nagle's algorithm on, each
    # call then waits for the client's delayed ACK (40 ms), most of this test's time.
    monkeypatch.setattr(WSGIRequestHandler, "disable_nagle_algorithm", True)
    _, secret = ApiToken.issue(user=user("live@example.com"), name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    for n in range(3):
        answers = {**EXAMPLE_A, 3: f"cs@live{n}.example", 10: str(90 + n)}
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
    return schemathesis.openapi.from_url(
        f"{live_api.url}/api/v1/openapi.json",
        config=SchemathesisConfig.from_str(CONFIG.format(response_id=live_api.response_id)),
    )


@pytest.mark.schemathesis
def test_generated_calls_match_the_openapi_document(live_api: LiveApi, tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(response_id=live_api.response_id))
    run = subprocess.run(
        [
            *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color"),
            *("run", f"{live_api.url}/api/v1/openapi.json", "--checks", "all"),
            *("--header", f"Authorization: {live_api.headers['Authorization']}"),
            *("--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", str(SEED)),
            *("--workers", "1", "--generation-database", "none"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


@pytest.mark.schemathesis
def test_a_real_response_answers_every_operation_as_documented(
    api_schema: Any, live_api: LiveApi
) -> None:
    called = []
    for operation in api_schema.get_all_operations():
        operation = operation.ok()
        parameters = {"id": live_api.response_id} if "{id}" in operation.path else {}
        if "{team_id}" in operation.path:  # no team here: the documented 404
            parameters = {"team_id": "x" * 32}
        body = submission() if operation.method.upper() == "POST" and not parameters else None
        kwargs: dict[str, Any] = {"path_parameters": parameters}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        case = operation.Case(**kwargs)
        reply = case.call_and_validate(headers=live_api.headers)
        called.append((operation.method.upper(), operation.path, reply.status_code))
        if operation.path.endswith("/benchmark"):  # statistics, not only withheld groups
            assert reply.json()["groups"][0]["overall"]["median"] is not None
    assert sorted(called) == [
        ("GET", "/api/v1/banks/current", 200),
        ("GET", "/api/v1/outcomes", 200),
        ("GET", "/api/v1/responses/{id}", 200),
        ("GET", "/api/v1/responses/{id}/benchmark", 200),
        ("GET", "/api/v1/responses/{id}/report", 200),
        ("GET", "/api/v1/responses/{id}/report.pdf", 409),  # no worker here: still pending
        ("GET", "/api/v1/teams/{team_id}", 404),
        ("POST", "/api/v1/responses", 201),
        ("POST", "/api/v1/responses/{id}/benchmark", 200),
        ("POST", "/api/v1/responses/{id}/report", 202),
    ]
