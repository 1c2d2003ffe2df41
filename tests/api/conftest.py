from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from api.base import rate_shares_forget
from consultants.models import ApiToken
from tests.examples import EXAMPLE_A


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    cache.clear()
    rate_shares_forget()
    yield
    cache.clear()
    rate_shares_forget()


class ApiClient:
    """The API as a script calls it: JSON in, bearer token in the header."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client(HTTP_HOST="localhost")
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers, **extra)

    def post(self, path: str, data: Any = None, raw: bytes | None = None, **extra: Any) -> Any:
        import json

        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            headers=self.headers,
            **extra,
        )


def user(email: str, *, superuser: bool = False) -> Any:
    return get_user_model().objects.create_user(
        username=email, email=email, password="x", is_superuser=superuser, is_staff=superuser
    )


@pytest.fixture
def consultant(db: None) -> Any:
    return user("a@consult.example")


@pytest.fixture
def api(consultant: Any) -> ApiClient:
    _, secret = ApiToken.issue(user=consultant, name="tests")
    return ApiClient(secret)


def submission(answers: Mapping[int, Any] | None = None) -> dict[str, Any]:
    return {"answers": {str(k): v for k, v in (answers or EXAMPLE_A).items()}}
