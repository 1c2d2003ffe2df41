"""A consultant's profile and branding: a logo checked as a real PNG, JPEG or SVG of bounded
size (scripts and outside references refused), an accent colour white text can be read on, and
both shown to their campaigns' respondents: survey pages and the PDF's cover."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, PngImagePlugin
from pypdf import PdfReader

from reports.pdf import report_pdf
from responses.branding import (
    MAX_LOGO_BYTES,
    BrandingRefused,
    accent_checked,
    contrast_ratio,
    logo_checked,
)
from responses.models import ConsultantBrand
from tests.consultants.test_campaigns import answered_through, campaign, consultants  # noqa: F401
from tests.examples import EXAMPLE_A


def png(size: tuple[int, int] = (120, 40), comment: str = "") -> bytes:
    info = PngImagePlugin.PngInfo()
    if comment:
        info.add_text("Comment", comment)
    out = io.BytesIO()
    Image.new("RGB", size, (11, 110, 105)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<rect width="10" height="10" fill="#0b6e69"/></svg>'
)


def test_a_png_is_taken_and_saved_again_without_what_else_it_carried():
    logo = logo_checked(png(comment="GPS 51.5,-0.1"))

    assert (logo.content_type, logo.extension) == ("image/png", "png")
    assert b"GPS 51.5" not in logo.data
    assert Image.open(io.BytesIO(logo.data)).size == (120, 40)


def test_a_jpeg_and_a_self_contained_svg_are_taken():
    assert logo_checked(image("JPEG")).content_type == "image/jpeg"
    assert logo_checked(SVG).data == SVG


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.4 not a logo", "not an image we can read"),
        (image("GIF"), "The logo is a GIF; send a PNG, JPEG or SVG."),
        (b"\x89PNG" + b"0" * (MAX_LOGO_BYTES + 1), "the most is 256 KiB"),
        (png((2400, 10)), "2400 × 10 pixels; the most is 2000"),
        (SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "contains <script>"),
        (SVG.replace(b"<rect", b'<rect onload="alert(1)"'), "has an event handler (onload)"),
        (
            SVG.replace(b"<rect", b'<image href="https://tracker.example/p.png"/><rect'),
            "refers to something outside it (https://tracker.example/p.png)",
        ),
        (
            SVG.replace(b"<rect", b'<rect style="fill: url(https://x.example/f)"'),
            "load something from outside it",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg/>', "entities"),
        (b"<svg><rect></svg>", "not well-formed XML"),
        (b'<?xml version="1.0"?><html/>', "its root is not <svg>"),
    ],
)
def test_logos_that_are_not_safe_images_are_refused_saying_why(data: bytes, message: str):
    with pytest.raises(BrandingRefused, match=re.escape(message)):
        logo_checked(data)


def test_an_accent_white_text_cannot_be_read_on_is_refused():
    assert accent_checked("#1F6FEB") == "#1f6feb"
    assert accent_checked("#036") == "#003366"
    assert accent_checked("") == ""
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    with pytest.raises(BrandingRefused, match=re.escape("contrast of 1.3:1, too little to read")):
        accent_checked("#ffdd00")
    with pytest.raises(BrandingRefused, match="is not a colour"):
        accent_checked("blue")


@pytest.fixture
def branded(campaign, consultants, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    consultant = Client()
    consultant.force_login(consultants["a"])
    saved = consultant.post(
        "/workspace/profile/",
        {
            "display_name": "Ann Advisor",
            "firm_name": "North & Co <Advisory>",
            "accent": "#0B5F5A",
            "logo": SimpleUploadedFile("logo.png", png(), content_type="image/png"),
        },
        follow=True,
    )
    assert "Your profile and branding are saved." in saved.content.decode()
    return ConsultantBrand.objects.get(owner=consultants["a"])


@pytest.mark.django_db
def test_the_campaigns_pages_show_who_asked_with_their_logo_and_colour(branded, campaign):  # noqa: F811
    page = Client().get(f"/c/{campaign.token}/").content.decode()

    assert "Asked for by Ann Advisor, North &amp; Co &lt;Advisory&gt; for" in page
    assert f'src="/brand/{branded.token}/logo"' in page
    assert f'href="/brand/{branded.token}.css"' in page
    logo = Client().get(f"/brand/{branded.token}/logo")
    assert logo["Content-Type"] == "image/png" and logo["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in logo["Content-Security-Policy"]
    assert b"--brand-accent: #0b5f5a;" in Client().get(f"/brand/{branded.token}.css").content
    # The public survey stays unbranded.
    assert "/brand/" not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_a_refused_logo_saves_nothing_and_keeps_what_was_typed(campaign, consultants):  # noqa: F811
    consultant = Client()
    consultant.force_login(consultants["a"])

    page = consultant.post(
        "/workspace/profile/",
        {
            "firm_name": "North & Co",
            "accent": "#ffdd00",
            "logo": SimpleUploadedFile("logo.svg", SVG.replace(b"<rect", b"<script/><rect")),
        },
    )

    html = page.content.decode()
    assert "contains &lt;script&gt;" in html and "Choose the file again" in html
    assert "too little to read" in html
    assert 'value="North &amp; Co"' in html
    assert not ConsultantBrand.objects.exists()


@pytest.mark.django_db
def test_the_pdf_cover_names_the_consultant_and_firm(branded, campaign, spec):  # noqa: F811
    response = answered_through(Client(), campaign, spec, EXAMPLE_A)

    pdf = report_pdf(response=response, benchmark=None)

    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Assessment run by Ann Advisor, North & Co <Advisory>, for" in " ".join(cover.split())
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the logo
