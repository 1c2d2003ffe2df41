"""Optional error reporting: set SENTRY_DSN and uncaught errors in web requests and worker tasks
are sent to Sentry (or anything that speaks its protocol), tagged with the request id. No
personal data is sent: no cookies, no request bodies, no user details."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentry_sdk.types import Event


def error_reports_start(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=_tag_request_id,
    )


def _tag_request_id(event: Event, hint: dict[str, Any]) -> Event:
    from cspi.request_ids import current_request_id

    if request_id := current_request_id.get():
        event.setdefault("tags", {})["request_id"] = request_id
    return event
