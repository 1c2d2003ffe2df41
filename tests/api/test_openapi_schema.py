"""Property-based check of the live OpenAPI document: generated calls (valid and not) never
get a 5xx, and every answer matches the documented status codes and shapes.

Bounded for CI: a few examples per operation, no deadline flakiness. Run just this with
`pytest -m schemathesis`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from cspi.models import ApiToken
from cspi.wsgi import application
from tests.api.conftest import user

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def connection_kept_open(db: None) -> Iterator[None]:
    """Called as a plain WSGI app, Django would close the test's database connection at the
    end of each request; its own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.schemathesis
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_matches_its_openapi_document(
    case: Any, bank: Any, connection_kept_open: None
) -> None:
    _, secret = ApiToken.issue(user=user(f"s{ApiToken.objects.count()}@example.com"), name="s")
    case.call_and_validate(
        headers={"Authorization": f"Bearer {secret}", "Host": "localhost"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
