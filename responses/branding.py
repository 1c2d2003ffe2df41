"""A consultant's branding, checked on the way in: a logo that is really a PNG, JPEG or SVG of
bounded size (an SVG with scripts, event handlers or references outside itself is refused), and
an accent colour that white text can be read on (WCAG AA, 4.5:1).

A raster logo is decoded and saved again by Pillow, which drops whatever else the file carried
(EXIF, GPS positions, text chunks); an SVG is kept as sent once nothing in it can run or fetch.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from responses.models import ConsultantBrand

MAX_LOGO_BYTES = 256 * 1024
MAX_LOGO_PIXELS = 2000  # on the longer side
MIN_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
SVG_TYPE = "image/svg+xml"
# SVG elements that run code, embed other documents or load other files.
SVG_REFUSED_ELEMENTS = {
    "script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler",
    "listener", "set", "animate", "animatemotion", "animatetransform",
}  # fmt: skip


class BrandingRefused(ValueError):
    """The value was not taken; the message says why, for the consultant."""


@dataclass(frozen=True, slots=True)
class Logo:
    content_type: str
    data: bytes
    extension: str


def logo_checked(data: bytes) -> Logo:
    """A logo fit to show: a PNG or JPEG (re-encoded) or a self-contained SVG."""
    if not data:
        raise BrandingRefused("The file is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise BrandingRefused(
            f"The logo is {len(data) // 1024} KiB; the most is {MAX_LOGO_BYTES // 1024} KiB."
        )
    head = data.lstrip()[:512].lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        return Logo(SVG_TYPE, _svg_checked(data), "svg")
    return _raster_checked(data)


def _raster_checked(data: bytes) -> Logo:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if kind not in RASTER_TYPES:
                raise BrandingRefused(
                    f"The logo is a {kind or 'file of another kind'}; send a PNG, JPEG or SVG."
                )
            if max(image.size) > MAX_LOGO_PIXELS:
                width, height = image.size
                raise BrandingRefused(
                    f"The logo is {width} × {height} pixels; the most is {MAX_LOGO_PIXELS} on "
                    "the longer side."
                )
            cleaned = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(cleaned, format="JPEG", quality=90)
            else:
                image.save(cleaned, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise BrandingRefused(
            "The file is not an image we can read: send a PNG, JPEG or SVG."
        ) from error
    return Logo(RASTER_TYPES[kind], cleaned.getvalue(), "png" if kind == "PNG" else "jpg")


def _svg_checked(data: bytes) -> bytes:
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise BrandingRefused("The SVG declares a document type or entities; remove them.")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise BrandingRefused(f"The SVG is not well-formed XML ({error}).") from error
    if _local(root.tag) != "svg":
        raise BrandingRefused("The file is not an SVG image (its root is not <svg>).")
    for element in root.iter():
        name = _local(element.tag)
        if name in SVG_REFUSED_ELEMENTS:
            raise BrandingRefused(f"The SVG contains <{name}>, which could run or load something.")
        for attribute, value in element.attrib.items():
            _svg_attribute_checked(name, _local(attribute), value)
        if name == "style" and element.text:
            _svg_style_checked(element.text)
    return data


def _svg_attribute_checked(element: str, attribute: str, value: str) -> None:
    if attribute.startswith("on"):
        raise BrandingRefused(f"The SVG's <{element}> has an event handler ({attribute}).")
    if attribute == "href" and not value.strip().startswith("#"):
        raise BrandingRefused(
            f"The SVG's <{element}> refers to something outside it ({value[:60]}); "
            "only references within the file are allowed."
        )
    if attribute == "style":
        _svg_style_checked(value)


def _svg_style_checked(css: str) -> None:
    lowered = css.lower()
    if "@import" in lowered or re.search(r"url\(\s*['\"]?(?!#)", lowered):
        raise BrandingRefused("The SVG's styles load something from outside it (url() or @import).")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def accent_checked(value: str) -> str:
    """ "#rrggbb", or "" for none; refused when white text on it is hard to read."""
    value = value.strip()
    if not value:
        return ""
    match = HEX_COLOUR.fullmatch(value)
    if match is None:
        raise BrandingRefused(f"“{value[:20]}” is not a colour; write it as #1F6FEB.")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    colour = f"#{digits}"
    ratio = contrast_ratio(colour, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise BrandingRefused(
            f"White text on {colour} has a contrast of {ratio:.1f}:1, too little to read; pick "
            f"a darker colour (at least {MIN_CONTRAST}:1)."
        )
    return colour


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def brand_shown_for(owner: Any) -> ConsultantBrand | None:
    """The consultant's branding when they set any; None otherwise."""
    try:
        brand: ConsultantBrand = owner.brand
    except ConsultantBrand.DoesNotExist:
        return None
    return brand if brand.shows_anything else None


def consultant_shown(owner: Any) -> str:
    """A consultant as respondents read them: "Name, Firm" from their profile, else their
    account's name or address."""
    brand = brand_shown_for(owner)
    name = (brand.display_name if brand else "") or owner.get_full_name()
    firm = brand.firm_name if brand else ""
    if name and firm:
        return f"{name}, {firm}"
    return str(name or firm or owner.email or owner.get_username())
