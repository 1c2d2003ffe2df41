"""Charts as SVG text, drawn in Python: crisp on screen and in print, no JavaScript needed.

Every piece of text is escaped here, since pillar and bucket names come from an editable bank.
The charts' own words and numbers are written in the active language (docs/languages.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from html import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from markupsafe import Markup

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


def score_text(value: Decimal | float, *, places: int = 2) -> str:
    """A score or median as people read it, with the active language's decimal mark: "96.50",
    "96,50" in German. Rounded exactly as `f"{value:.2f}"` rounds, never grouped."""
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_EVEN)
    return number_format(number, decimal_pos=places, use_l10n=True)


def _text_width(text: str, size: float = 12) -> float:
    """About how wide a text of `size` units is in DejaVu Sans: room for a translated legend."""
    return len(text) * WIDE_CHAR * size / 12


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
        f'font-weight="bold">{escape(score_text(bar.score))}</text>',
    ]


# The peer charts' colours: the peers' middle half as a box, the respondent as a diamond.
PEER_BOX = "#b9dcd3"
PEER_BOX_EDGE = "#3b7a71"
PEER_YOU = "#b24a17"
PEER_INK = "#1f2a2e"
PEER_MUTED = "#5b6a6f"


@dataclass(frozen=True, slots=True)
class QuartileRow:
    """One score on the peer chart: the respondent's value against the peers' quartiles."""

    label: str
    yours: Decimal
    p25: Decimal
    median: Decimal
    p75: Decimal
    emphasis: bool = False


def _wrapped(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken between words (a word longer than
    a line is split): a long label is shown whole, never cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _diamond(x: float, y: float, radius: float, css_class: str) -> str:
    points = f"{x:.1f},{y - radius:.1f} {x + radius:.1f},{y:.1f} {x:.1f},{y + radius:.1f} " + (
        f"{x - radius:.1f},{y:.1f}"
    )
    return (
        f'<polygon class="{css_class}" points="{points}" fill="{PEER_YOU}" '
        'stroke="#ffffff" stroke-width="1.5"/>'
    )


def _legend_text(x: int, y: int, text: str, size: float = 12) -> str:
    return (
        f'<text x="{x}" y="{y + 4}" fill="{PEER_MUTED}" font-size="{size:g}">{escape(text)}</text>'
    )


# The report's A4-wide chart: names beside the rows, bucket bands behind the peers' quartiles,
# your score and the peers' median printed at the right of every row.
WIDE_WIDTH = 680
WIDE_VALUES = 104
WIDE_TOP = 52
WIDE_ROW = 30
WIDE_AXIS = 22
WIDE_CHAR = 7.2  # average advance of a 12-unit DejaVu Sans character, for wrapping long labels
WIDE_LINE = 14  # the line height of a wrapped label


def pillar_peers_svg(
    *,
    rows: Sequence[QuartileRow],
    bands: Sequence[BucketBand],
    title: str,
    label_width: int = 130,
) -> Markup:
    """Rows on a 0–100 axis against the bucket bands: the peers' middle half as a box, their
    median as a tick, the respondent as a diamond; "you / median" in figures at the right.

    Meant for print, where the page is wide enough for the labels to sit beside the rows; a
    label too long for `label_width` wraps onto more lines and its row grows."""
    plot = (label_width, WIDE_WIDTH - WIDE_VALUES - 10)
    labels = [_wrapped(row.label, int((label_width - 12) / WIDE_CHAR)) for row in rows]
    heights = [max(WIDE_ROW, WIDE_LINE * len(lines) + 8) for lines in labels]
    height = WIDE_TOP + sum(heights) + WIDE_AXIS
    description = _(
        "Each row's box spans the peers' 25th to 75th percentile, the dark tick is their median "
        "and the diamond is your score; the figures at the right are your score and the median."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDE_WIDTH} {height}" '
        f'width="{WIDE_WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        *_wide_legend(plot),
        *_wide_bands(bands, plot, height),
    ]
    top = WIDE_TOP
    for index, (row, lines, row_height) in enumerate(zip(rows, labels, heights, strict=True)):
        parts += _wide_row(top, row, plot, lines, row_height, rule=index < len(rows) - 1)
        top += row_height
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above went through escape()


def _wide_x(value: Decimal, plot: tuple[int, int]) -> float:
    clamped = min(max(float(value), 0.0), 100.0)
    return plot[0] + clamped / 100 * (plot[1] - plot[0])


def _wide_legend(plot: tuple[int, int]) -> list[str]:
    y = 10
    left = plot[0]
    quartiles, median, you = _("Peers' 25th–75th percentile"), _("Peer median"), _("You")
    # Translators: the key of the figures at the right of a chart's rows: "62.50 / 55.00".
    figures = _("You / median")
    room = WIDE_WIDTH - 4 - _text_width(figures, 11) - 12  # the figures' key starts there

    def keys_at(size: float) -> tuple[int, int, float]:
        # Each key after the one before it: at its place for the English words, further right
        # when a language's words are longer.
        median_x = max(left + 226, round(left + 26 + _text_width(quartiles, size) + 4))
        you_x = max(left + 335, round(median_x + 7 + _text_width(median, size) + 14))
        return median_x, you_x, you_x + 10 + _text_width(you, size)

    # Words too long for one line at 12 units are set smaller, never over the figures' key.
    size = 12.0
    median_x, you_x, end = keys_at(size)
    while end > room and size > 8:
        size -= 0.5
        median_x, you_x, end = keys_at(size)
    return [
        f'<rect x="{left}" y="{y - 5}" width="20" height="10" fill="{PEER_BOX}" '
        f'stroke="{PEER_BOX_EDGE}"/>',
        _legend_text(left + 26, y, quartiles, size),
        f'<line x1="{median_x}" y1="{y - 7}" x2="{median_x}" y2="{y + 7}" '
        f'stroke="{PEER_INK}" stroke-width="2.5"/>',
        _legend_text(median_x + 7, y, median, size),
        _diamond(you_x, y, 6, "legend-you"),
        _legend_text(you_x + 10, y, you, size),
        f'<text x="{WIDE_WIDTH - 4}" y="{y + 4}" text-anchor="end" fill="{PEER_MUTED}" '
        f'font-size="11">{escape(figures)}</text>',
    ]


def _wide_bands(bands: Sequence[BucketBand], plot: tuple[int, int], height: int) -> list[str]:
    parts = []
    upper_bounds = [band.lower_bound for band in bands[1:]] + [Decimal(100)]
    for index, (band, upper) in enumerate(zip(bands, upper_bounds, strict=True)):
        low, high = _wide_x(band.lower_bound, plot), _wide_x(upper, plot)
        shade = "#f3f5f4" if index % 2 == 0 else "#ffffff"
        parts += [
            f'<rect x="{low:.1f}" y="{WIDE_TOP - 14}" width="{high - low:.1f}" '
            f'height="{height - WIDE_TOP - WIDE_AXIS + 18}" fill="{shade}"/>',
            f'<text x="{(low + high) / 2:.1f}" y="{WIDE_TOP - 20}" text-anchor="middle" '
            f'fill="#4a575c" font-size="11">{escape(band.name)}</text>',
        ]
    axis = height - WIDE_AXIS + 4
    for bound in [*(band.lower_bound for band in bands), Decimal(100)]:
        x = _wide_x(bound, plot)
        parts += [
            f'<line x1="{x:.1f}" y1="{WIDE_TOP - 14}" x2="{x:.1f}" y2="{axis}" '
            'stroke="#b8c4c0" stroke-dasharray="3 3"/>',
            f'<text x="{x:.1f}" y="{axis + 13}" text-anchor="middle" fill="{PEER_MUTED}" '
            f'font-size="10">{bound:.0f}</text>',
        ]
    return parts


def _wide_row(
    top: int,
    row: QuartileRow,
    plot: tuple[int, int],
    lines: Sequence[str],
    row_height: int,
    *,
    rule: bool,
) -> list[str]:
    weight = ' font-weight="bold"' if row.emphasis else ""
    middle = top + row_height / 2
    first = middle + 4 - WIDE_LINE * (len(lines) - 1) / 2
    low, high = _wide_x(row.p25, plot), _wide_x(row.p75, plot)
    median, you = _wide_x(row.median, plot), _wide_x(row.yours, plot)
    parts = [
        *(
            f'<text x="{plot[0] - 10}" y="{first + WIDE_LINE * index:.1f}" text-anchor="end" '
            f'fill="{PEER_INK}"{weight}>{escape(line)}</text>'
            for index, line in enumerate(lines)
        ),
        f'<rect x="{low:.1f}" y="{middle - 6:.1f}" width="{max(high - low, 2):.1f}" height="12" '
        f'fill="{PEER_BOX}" stroke="{PEER_BOX_EDGE}"/>',
        f'<line x1="{median:.1f}" y1="{middle - 9:.1f}" x2="{median:.1f}" y2="{middle + 9:.1f}" '
        f'stroke="{PEER_INK}" stroke-width="2.5"/>',
        _diamond(you, middle, 7, "you"),
        f'<text x="{WIDE_WIDTH - 4}" y="{middle + 4:.1f}" text-anchor="end" fill="{PEER_MUTED}">'
        f'<tspan fill="{PEER_YOU}" font-weight="bold">{escape(score_text(row.yours))}</tspan> / '
        f"{escape(score_text(row.median))}</text>",
    ]
    if row.emphasis and rule:
        bottom = top + row_height
        parts.append(
            f'<line x1="8" y1="{bottom}" x2="{WIDE_WIDTH - 4}" y2="{bottom}" stroke="#c9d2cf"/>'
        )
    return parts


# The radar: the pillars as spokes on a 0–100 scale, the bucket bounds as rings.
RADAR_WIDTH = 520
RADAR_HEIGHT = 430
RADAR_CENTRE = (260.0, 200.0)
RADAR_RADIUS = 150.0
RADAR_LABEL_CHARS = 13  # what fits between the rings and the drawing's edge, per line
RADAR_LINE = 14
RADAR_TARGET = "#0b6e69"


def pillar_radar_svg(
    *,
    axes: Sequence[str],
    respondent: Sequence[Decimal],
    bands: Sequence[BucketBand],
    title: str,
    peer_median: Sequence[Decimal] | None = None,
    target: Sequence[Decimal | None] | None = None,
) -> Markup:
    """The pillars as spokes (`axes`, clockwise from the top), each 0 at the centre and 100 at
    the rim, with a ring at every bucket's lower bound; the respondent's scores as a filled
    polygon, the peer median (when given) as a dashed one and the targets (when given; None
    where a pillar has none) as squares, joined when every pillar has one."""
    description = " ".join(
        (
            _(
                "Each spoke is a pillar from 0 at the centre to 100 at the rim; the rings are the "
                "maturity buckets' lower bounds."
            ),
            _radar_shapes(with_median=peer_median is not None, with_target=target is not None),
            _("The table beside it gives every number."),
        )
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {RADAR_WIDTH} {RADAR_HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="radar-chart" '
        'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        *_radar_grid(len(axes), bands),
        *_radar_labels(axes),
        _radar_polygon(
            respondent,
            'fill="#b24a17" fill-opacity="0.16" stroke="#b24a17" '
            'stroke-width="2.2" stroke-linejoin="round"',
            "you",
        ),
    ]
    if peer_median is not None:
        parts.append(
            _radar_polygon(
                peer_median,
                f'fill="none" stroke="{PEER_INK}" stroke-width="1.6" stroke-dasharray="5 4"',
                "peer-median",
            )
        )
    if target is not None:
        parts += _radar_targets(target)
    parts += [
        _diamond(*_radar_point(i, v, len(axes)), 4.5, "you") for i, v in enumerate(respondent)
    ]
    parts += _radar_legend(peer_median is not None, target is not None)
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above went through escape()


def _radar_shapes(*, with_median: bool, with_target: bool) -> str:
    if with_median and with_target:
        return _(
            "The filled shape is your score; the dashed shape is the peer median; the squares "
            "are your targets."
        )
    if with_median:
        return _("The filled shape is your score; the dashed shape is the peer median.")
    if with_target:
        return _("The filled shape is your score; the squares are your targets.")
    return _("The filled shape is your score.")


def _radar_point(index: int, value: Decimal | float, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    share = min(max(float(value), 0.0), 100.0) / 100
    x, y = RADAR_CENTRE
    return x + RADAR_RADIUS * share * math.cos(angle), y + RADAR_RADIUS * share * math.sin(angle)


def _points(values: Sequence[Decimal | float]) -> str:
    count = len(values)
    return " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (_radar_point(i, v, count) for i, v in enumerate(values))
    )


def _radar_grid(count: int, bands: Sequence[BucketBand]) -> list[str]:
    bounds = sorted({float(band.lower_bound) for band in bands if band.lower_bound > 0} | {100.0})
    parts = []
    for index, bound in enumerate(reversed(bounds)):  # outermost first, so inner rings show
        shade = "#f3f5f4" if index % 2 == 0 else "#ffffff"
        parts.append(
            f'<polygon points="{_points([bound] * count)}" fill="{shade}" stroke="#b8c4c0" '
            'stroke-dasharray="3 3"/>'
        )
    for index in range(count):
        x, y = _radar_point(index, 100, count)
        parts.append(
            f'<line x1="{RADAR_CENTRE[0]}" y1="{RADAR_CENTRE[1]}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#dfe5e3"/>'
        )
    for bound in bounds:
        _, y = _radar_point(0, bound, count)
        parts.append(
            f'<text x="{RADAR_CENTRE[0] + 4:.1f}" y="{y + 11:.1f}" fill="{PEER_MUTED}" '
            f'font-size="10">{bound:.0f}</text>'
        )
    return parts


def _radar_labels(axes: Sequence[str]) -> list[str]:
    parts = []
    for index, name in enumerate(axes):
        angle = -math.pi / 2 + 2 * math.pi * index / len(axes)
        cos, sin = math.cos(angle), math.sin(angle)
        x = RADAR_CENTRE[0] + (RADAR_RADIUS + 12) * cos
        y = RADAR_CENTRE[1] + (RADAR_RADIUS + 12) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        # A word too long for a line (German compounds) is set smaller rather than split.
        longest = max((len(word) for word in name.split()), default=0)
        size = 12 if longest <= RADAR_LABEL_CHARS else 10
        lines = _wrapped(name, RADAR_LABEL_CHARS * 12 // size)
        smaller = "" if size == 12 else f' font-size="{size}"'
        # Above the top spoke the lines grow upwards, below the bottom one downwards.
        first = (
            y
            + 4
            - RADAR_LINE * (len(lines) - 1) * (1.0 if sin < -0.3 else 0.5 if sin < 0.3 else 0.0)
        )
        first += 8 if sin > 0.3 else -4 if sin < -0.3 else 0
        parts += [
            f'<text x="{x:.1f}" y="{first + RADAR_LINE * line_number:.1f}" '
            f'text-anchor="{anchor}" fill="{PEER_INK}"{smaller}>{escape(line)}</text>'
            for line_number, line in enumerate(lines)
        ]
    return parts


def _radar_polygon(values: Sequence[Decimal], style: str, css_class: str) -> str:
    return f'<polygon class="{css_class}" points="{_points(values)}" {style}/>'


def _radar_targets(target: Sequence[Decimal | None]) -> list[str]:
    count = len(target)
    parts = []
    if all(value is not None for value in target):
        parts.append(
            f'<polygon class="target" points="{_points([v for v in target if v is not None])}" '
            f'fill="none" stroke="{RADAR_TARGET}" stroke-width="1.6" stroke-dasharray="1.5 3"/>'
        )
    for index, value in enumerate(target):
        if value is not None:
            x, y = _radar_point(index, value, count)
            parts.append(_square(x, y))
    return parts


def _square(x: float, y: float) -> str:
    return (
        f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#ffffff" '
        f'stroke="{RADAR_TARGET}" stroke-width="2"/>'
    )


def _radar_legend(with_median: bool, with_target: bool) -> list[str]:
    y = RADAR_HEIGHT - 14
    x = 130
    you, median = _("You"), _("Peer median")
    parts = [
        f'<rect x="{x}" y="{y - 6}" width="22" height="12" fill="#b24a17" fill-opacity="0.16" '
        'stroke="#b24a17" stroke-width="2"/>',
        _legend_text(x + 28, y, you),
    ]
    # Each key after the one before it: further right when a language's words are longer.
    x += max(80, round(28 + _text_width(you) + 20))
    if with_median:
        parts += [
            f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{PEER_INK}" '
            'stroke-width="1.6" stroke-dasharray="5 4"/>',
            _legend_text(x + 30, y, median),
        ]
        x += max(130, round(30 + _text_width(median) + 20))
    if with_target:
        parts += [_square(x + 8, y), _legend_text(x + 20, y, _("Your target"))]
    return parts
