"""Charts as SVG text, drawn in Python: crisp on screen and in print, no JavaScript needed.

Every piece of text is escaped here, since pillar and bucket names come from an editable bank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Protocol

from markupsafe import Markup

from benchmarks.groups import Comparison, GroupKey, MetricStats

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


# The peer chart: one row per score, the peers' middle half as a box, the respondent as a diamond.
PEER_WIDTH = 400
PEER_SIDE = 10
PEER_LEGEND = 34
PEER_ROW = 44
PEER_AXIS = 22
PEER_LABEL_CHARS = 34  # what fits beside "You 100.00" at font size 14
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


class RespondentScores(Protocol):
    """What the peer chart needs of the respondent: the overall score and each pillar's."""

    @property
    def overall(self) -> Decimal: ...

    @property
    def pillars(self) -> Mapping[str, Decimal]: ...


def peer_group_charts(
    *, comparison: Comparison, respondent: RespondentScores, pillar_names: Mapping[str, str]
) -> dict[GroupKey, Markup]:
    """A chart per shown group (overall, then pillars); a withheld group gets none."""
    charts = {}
    for group in comparison.groups:
        if not group.enough_peers or group.overall is None or group.pillars is None:
            continue
        rows = [_quartile_row("Overall", respondent.overall, group.overall, emphasis=True)]
        rows += [
            _quartile_row(pillar_names.get(key, key), respondent.pillars[key], stats)
            for key, stats in group.pillars.items()
        ]
        title = f"{group.label}: your scores against the quartiles of {group.n} peers"
        charts[group.key] = peer_quartiles_svg(rows=rows, title=title)
    return charts


def _quartile_row(
    label: str, yours: Decimal, stats: MetricStats, *, emphasis: bool = False
) -> QuartileRow:
    return QuartileRow(label, yours, stats.p25, stats.median, stats.p75, emphasis)


def peer_quartiles_svg(*, rows: Sequence[QuartileRow], title: str) -> Markup:
    """Rows on a shared 0–100 axis: a box from p25 to p75, a median tick, a diamond for "you".

    The label sits above each row's box rather than beside it, so the drawing stays narrow
    enough to be legible when a phone scales it down.
    """
    height = PEER_LEGEND + PEER_ROW * len(rows) + PEER_AXIS
    description = (
        "Each row's box spans the peers' 25th to 75th percentile, the dark line is their median "
        "and the diamond is your score."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PEER_WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="peer-chart" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="14">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        *_peer_legend(),
        *_peer_axis(top=PEER_LEGEND, bottom=height - PEER_AXIS),
    ]
    for index, row in enumerate(rows):
        parts += _peer_row(PEER_LEGEND + index * PEER_ROW, row)
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above went through escape()


def _peer_x(value: Decimal) -> float:
    clamped = min(max(float(value), 0.0), 100.0)
    return PEER_SIDE + clamped / 100 * (PEER_WIDTH - 2 * PEER_SIDE)


def _diamond(x: float, y: float, radius: float, css_class: str) -> str:
    points = f"{x:.1f},{y - radius:.1f} {x + radius:.1f},{y:.1f} {x:.1f},{y + radius:.1f} " + (
        f"{x - radius:.1f},{y:.1f}"
    )
    return (
        f'<polygon class="{css_class}" points="{points}" fill="{PEER_YOU}" '
        'stroke="#ffffff" stroke-width="1.5"/>'
    )


def _peer_legend() -> list[str]:
    y = 14
    return [
        f'<rect x="{PEER_SIDE}" y="{y - 6}" width="22" height="12" fill="{PEER_BOX}" '
        f'stroke="{PEER_BOX_EDGE}"/>',
        _legend_text(PEER_SIDE + 28, y, "Peers' 25th–75th percentile"),
        f'<line x1="240" y1="{y - 8}" x2="240" y2="{y + 8}" stroke="{PEER_INK}" '
        'stroke-width="2.5"/>',
        _legend_text(247, y, "Median"),
        _diamond(PEER_WIDTH - 62, y, 6, "legend-you"),
        _legend_text(PEER_WIDTH - 52, y, "You"),
    ]


def _legend_text(x: int, y: int, text: str) -> str:
    return f'<text x="{x}" y="{y + 4}" fill="{PEER_MUTED}" font-size="12">{escape(text)}</text>'


def _peer_axis(*, top: int, bottom: int) -> list[str]:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = _peer_x(Decimal(tick))
        parts += [
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#dfe5e3" '
            'shape-rendering="crispEdges"/>',
            f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle" fill="{PEER_MUTED}" '
            f'font-size="12">{tick}</text>',
        ]
    return parts


def _peer_row(top: int, row: QuartileRow) -> list[str]:
    # A long name is cut to fit beside "You 00.00"; the table below gives it in full.
    label = (
        row.label if len(row.label) <= PEER_LABEL_CHARS else f"{row.label[: PEER_LABEL_CHARS - 1]}…"
    )
    weight = ' font-weight="bold"' if row.emphasis else ""
    middle = top + 29
    low, high = _peer_x(row.p25), _peer_x(row.p75)
    median, you = _peer_x(row.median), _peer_x(row.yours)
    return [
        f'<text x="{PEER_SIDE}" y="{top + 14}" fill="{PEER_INK}"{weight}>{escape(label)}</text>',
        f'<text x="{PEER_WIDTH - PEER_SIDE}" y="{top + 14}" text-anchor="end" fill="{PEER_YOU}" '
        f'font-weight="bold">You {row.yours:.2f}</text>',
        f'<line x1="{PEER_SIDE}" y1="{middle}" x2="{PEER_WIDTH - PEER_SIDE}" y2="{middle}" '
        'stroke="#c9d2cf" shape-rendering="crispEdges"/>',
        f'<rect x="{low:.1f}" y="{middle - 7}" width="{max(high - low, 2):.1f}" height="14" '
        f'fill="{PEER_BOX}" stroke="{PEER_BOX_EDGE}"/>',
        f'<line x1="{median:.1f}" y1="{middle - 10}" x2="{median:.1f}" y2="{middle + 10}" '
        f'stroke="{PEER_INK}" stroke-width="2.5"/>',
        _diamond(you, middle, 7, "you"),
    ]


# The report's A4-wide chart: names beside the rows, bucket bands behind the peers' quartiles,
# your score and the peers' median printed at the right of every row.
WIDE_WIDTH = 680
WIDE_VALUES = 104
WIDE_TOP = 52
WIDE_ROW = 30
WIDE_AXIS = 22
WIDE_CHAR = 7.2  # average advance of a 12-unit DejaVu Sans character, for cutting long labels


def pillar_peers_svg(
    *,
    rows: Sequence[QuartileRow],
    bands: Sequence[BucketBand],
    title: str,
    label_width: int = 130,
) -> Markup:
    """Rows on a 0–100 axis against the bucket bands: the peers' middle half as a box, their
    median as a tick, the respondent as a diamond; "you / median" in figures at the right.

    Meant for print, where the page is wide enough for the labels to sit beside the rows."""
    plot = (label_width, WIDE_WIDTH - WIDE_VALUES - 10)
    height = WIDE_TOP + WIDE_ROW * len(rows) + WIDE_AXIS
    description = (
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
    for index, row in enumerate(rows):
        parts += _wide_row(WIDE_TOP + index * WIDE_ROW, row, plot, index < len(rows) - 1)
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above went through escape()


def _wide_x(value: Decimal, plot: tuple[int, int]) -> float:
    clamped = min(max(float(value), 0.0), 100.0)
    return plot[0] + clamped / 100 * (plot[1] - plot[0])


def _wide_legend(plot: tuple[int, int]) -> list[str]:
    y = 10
    left = plot[0]
    return [
        f'<rect x="{left}" y="{y - 5}" width="20" height="10" fill="{PEER_BOX}" '
        f'stroke="{PEER_BOX_EDGE}"/>',
        _legend_text(left + 26, y, "Peers' 25th–75th percentile"),
        f'<line x1="{left + 226}" y1="{y - 7}" x2="{left + 226}" y2="{y + 7}" '
        f'stroke="{PEER_INK}" stroke-width="2.5"/>',
        _legend_text(left + 233, y, "Peer median"),
        _diamond(left + 335, y, 6, "legend-you"),
        _legend_text(left + 345, y, "You"),
        f'<text x="{WIDE_WIDTH - 4}" y="{y + 4}" text-anchor="end" fill="{PEER_MUTED}" '
        'font-size="11">You / median</text>',
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


def _wide_row(top: int, row: QuartileRow, plot: tuple[int, int], rule: bool) -> list[str]:
    fits = int((plot[0] - 12) / WIDE_CHAR)
    label = row.label if len(row.label) <= fits else f"{row.label[: fits - 1]}…"
    weight = ' font-weight="bold"' if row.emphasis else ""
    middle = top + WIDE_ROW / 2
    low, high = _wide_x(row.p25, plot), _wide_x(row.p75, plot)
    median, you = _wide_x(row.median, plot), _wide_x(row.yours, plot)
    parts = [
        f'<text x="{plot[0] - 10}" y="{middle + 4:.1f}" text-anchor="end" fill="{PEER_INK}"'
        f"{weight}>{escape(label)}</text>",
        f'<rect x="{low:.1f}" y="{middle - 6:.1f}" width="{max(high - low, 2):.1f}" height="12" '
        f'fill="{PEER_BOX}" stroke="{PEER_BOX_EDGE}"/>',
        f'<line x1="{median:.1f}" y1="{middle - 9:.1f}" x2="{median:.1f}" y2="{middle + 9:.1f}" '
        f'stroke="{PEER_INK}" stroke-width="2.5"/>',
        _diamond(you, middle, 7, "you"),
        f'<text x="{WIDE_WIDTH - 4}" y="{middle + 4:.1f}" text-anchor="end" fill="{PEER_MUTED}">'
        f'<tspan fill="{PEER_YOU}" font-weight="bold">{row.yours:.2f}</tspan> / '
        f"{row.median:.2f}</text>",
    ]
    if row.emphasis and rule:
        parts.append(
            f'<line x1="8" y1="{top + WIDE_ROW}" x2="{WIDE_WIDTH - 4}" y2="{top + WIDE_ROW}" '
            'stroke="#c9d2cf"/>'
        )
    return parts
