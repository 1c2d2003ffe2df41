"""The address e-mailed links start with: SITE_URL when set, else the address the request came
to; a worker with neither (the reconciler) falls back on the quick start's own address."""

from django.conf import settings

LOCAL_ADDRESS = "http://127.0.0.1:8000"


def link_base(request_base_url: str = "") -> str:
    return settings.SITE_URL or request_base_url.rstrip("/") or LOCAL_ADDRESS
