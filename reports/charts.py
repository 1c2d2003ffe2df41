"""Charts as SVG text, drawn in Python: crisp on screen and in print, no JavaScript needed.

Every piece of text is escaped here, since pillar and bucket names come from an editable bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

BUCKET_COLOURS = {
    "undeveloped": "#c0504d",
    "emerging": "#e59a2f",
    "expanding": "#4f9a8f",
    "conquering": "#0b6e69",
}
FALLBACK_COLOUR = "#6b7a7f"
LABEL_WIDTH = 150
BAR_WIDTH = 420
ROW_HEIGHT = 34
TOP = 34
RIGHT_MARGIN = 56


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    score: Decimal
    bucket_key: str


@dataclass(frozen=True, slots=True)
class BucketBand:
    name: str
    lower_bound: Decimal


def pillar_bars_svg(*, bars: Sequence[Bar], bands: Sequence[BucketBand], title: str) -> str:
    """Horizontal bars on a 0–100 scale, with the bucket boundaries drawn as dashed lines."""
    width = LABEL_WIDTH + BAR_WIDTH + RIGHT_MARGIN
    height = TOP + ROW_HEIGHT * len(bars) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="pillar-chart" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    parts += _band_lines(bands, height)
    for row, bar in enumerate(bars):
        parts += _bar(row, bar)
    parts.append("</svg>")
    return "".join(parts)


def _x(score: Decimal) -> float:
    return LABEL_WIDTH + float(score) / 100 * BAR_WIDTH


def _band_lines(bands: Sequence[BucketBand], height: int) -> list[str]:
    parts = []
    upper_bounds = [band.lower_bound for band in bands[1:]] + [Decimal(100)]
    for band, upper in zip(bands, upper_bounds, strict=True):
        middle = (_x(band.lower_bound) + _x(upper)) / 2
        parts.append(
            f'<text x="{middle:.1f}" y="14" text-anchor="middle" fill="#4a575c">'
            f"{escape(band.name)}</text>"
        )
    for bound in [*(band.lower_bound for band in bands), Decimal(100)]:
        parts.append(
            f'<line x1="{_x(bound):.1f}" y1="22" x2="{_x(bound):.1f}" y2="{height - 6}" '
            'stroke="#b8c4c0" stroke-dasharray="3 3"/>'
        )
    return parts


def _bar(row: int, bar: Bar) -> list[str]:
    top = TOP + row * ROW_HEIGHT
    colour = BUCKET_COLOURS.get(bar.bucket_key, FALLBACK_COLOUR)
    length = max(_x(bar.score) - LABEL_WIDTH, 1.5)
    return [
        f'<text x="{LABEL_WIDTH - 10}" y="{top + 17}" text-anchor="end" fill="#1f2a2e">'
        f"{escape(bar.label)}</text>",
        f'<rect x="{LABEL_WIDTH}" y="{top + 5}" width="{BAR_WIDTH}" height="18" fill="#eef1ef"/>',
        f'<rect x="{LABEL_WIDTH}" y="{top + 5}" width="{length:.1f}" height="18" fill="{colour}"/>',
        f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{top + 18}" fill="#1f2a2e" '
        f'font-weight="bold">{bar.score:.2f}</text>',
    ]
