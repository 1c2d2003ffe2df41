"""A consultant's logo and accent colour, as the survey pages of their campaigns load them.

Both are named by the brand's token, which changes with each new logo, so they are cached long.
The logo is sent with its checked type, never sniffed; an SVG cannot run anything even if opened
on its own (a sandboxing Content-Security-Policy)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from responses.models import ConsultantBrand

CACHED = "public, max-age=86400"


@require_GET
def brand_logo(request: HttpRequest, token: str) -> HttpResponse:
    brand = ConsultantBrand.objects.filter(token=token).exclude(logo="").first()
    if brand is None:
        raise Http404("No such logo.")
    try:
        with brand.logo.open("rb") as stored:
            data = stored.read()
    except OSError as error:
        raise Http404("No such logo.") from error
    reply = HttpResponse(data, content_type=brand.logo_type)
    reply["X-Content-Type-Options"] = "nosniff"
    reply["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    reply["Cache-Control"] = CACHED
    return reply


@require_GET
def brand_css(request: HttpRequest, token: str) -> HttpResponse:
    brand = ConsultantBrand.objects.filter(token=token).exclude(accent="").first()
    if brand is None:
        raise Http404("No such style.")
    accent = brand.accent  # checked as #rrggbb on the way in (responses.branding)
    css = (
        f":root {{ --brand-accent: {accent}; }}\n"
        ".btn-primary { --bs-btn-bg: var(--brand-accent); --bs-btn-border-color: "
        "var(--brand-accent); --bs-btn-hover-bg: var(--brand-accent); --bs-btn-hover-border-color: "
        "var(--brand-accent); --bs-btn-active-bg: var(--brand-accent); }\n"
        ".progress-bar { background-color: var(--brand-accent); }\n"
    )
    reply = HttpResponse(css, content_type="text/css; charset=utf-8")
    reply["Cache-Control"] = CACHED
    return reply
