""" "Since your assessment of …": what the results page and the PDF show of a respondent's
progress, built once for both.

The assessments come from `responses.history` (the chain of assessments taken again through
their private links, never matched by a typed e-mail address), the arithmetic from
`scoring.progress`; here they become prose, a table of the trend, the earlier assessment's
milestones with their status, and the trend chart as SVG, drawn in Python like the radar
(reports/charts.py): every text in it is escaped where it is drawn. Words, numbers and dates
are written in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markupsafe import Markup

from reports.charts import BUCKET_COLOURS, FALLBACK_COLOUR, PEER_INK, PEER_MUTED, score_text
from reports.document import day_text, names_joined, svg_data_uri
from responses.history import AssessmentHistory, assessment_history, organisation_history
from responses.languages import date_text  # a date as the page's language writes it
from responses.models import Response
from roadmaps.models import Milestone
from scoring.bank import BucketSpec
from scoring.progress import Change, Direction, Progress, TrendPoint, progress_over

ARROWS = {Direction.UP: "▲", Direction.DOWN: "▼", Direction.SAME: "="}
# Milestones whose due date has passed while they were still to do.
OPEN_STATUSES = frozenset({Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS})
# Whose assessments these are: the respondent's own ("your") or a consultant's client's ("their").
Whose = Literal["your", "their"]


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One row of the change table, as printed."""

    name: str
    before: Decimal
    after: Decimal
    arrow: str
    signed: str  # "+46.85"
    words: str  # "up 46.85 points"
    direction: str  # "up", "down", "same": a CSS class; never the only sign of the direction
    buckets: str  # "rose from Undeveloped to Expanding", or "still Emerging"
    emphasis: bool = False


@dataclass(frozen=True, slots=True)
class TrendRow:
    day: str
    overall: Decimal
    bucket: BucketSpec
    change: str  # "+46.85" against the assessment before; "" for the first


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    title: str
    owner: str
    pillar: str
    due: str  # "30 June 2026", or "" without a date
    status: str  # "Done", "Planned", "In progress", "Dropped"
    overdue: bool


@dataclass(frozen=True, slots=True)
class ProgressSection:
    since: str  # the earlier assessment's day: "12 March 2026"
    heading: str  # "Since your assessment of 12 March 2026"
    summary: str
    milestones_heading: str
    changes: tuple[ChangeLine, ...]  # the overall score first, then the pillars
    crossings: tuple[str, ...]  # "Into a higher bucket: Overall, Team and ROI."; () for none
    trend: tuple[TrendRow, ...]
    chart: Markup  # the trend chart as SVG
    chart_title: str
    milestones: tuple[MilestoneLine, ...]  # set on the earlier assessment

    @property
    def chart_uri(self) -> str:
        """The chart as an image the PDF embeds without fetching anything."""
        return svg_data_uri(str(self.chart))


def progress_section_for(*, response: Response) -> ProgressSection | None:
    """The progress of a completed response since the assessment it was taken again from; None
    when it is the first of its chain (or the earlier one was erased). What its respondent
    reads, on the results page and in the PDF."""
    return _section(assessment_history(response=response), whose="your")


def organisation_progress_section_for(
    *, response: Response, readable: QuerySet[Response]
) -> ProgressSection | None:
    """A consultant's view: the response after its organisation's earlier assessments among the
    responses the consultant may read (`readable`, responses.access); None without any."""
    return _section(organisation_history(response=response, readable=readable), whose="their")


def _section(history: AssessmentHistory, *, whose: Whose) -> ProgressSection | None:
    progress = progress_over(history.assessments)
    if progress is None:
        return None
    return progress_section_build(
        progress=progress,
        buckets=history.buckets,
        milestones=_milestones(history),
        today=timezone.localdate(),
        whose=whose,
    )


def progress_section_build(
    *,
    progress: Progress,
    buckets: tuple[BucketSpec, ...],
    milestones: list[Milestone],
    today: date,
    whose: Whose = "your",
) -> ProgressSection:
    """`buckets`: the bands the chart draws (the latest assessment's bank's); `whose`: "your"
    for the respondent, "their" for a consultant reading about a client."""
    since = day_text(progress.previous.completed_at)
    names = {pillar.key: pillar.name for pillar in progress.previous.pillars}
    count = {"num": progress.count}
    day = {"day": since}
    if whose == "their":
        title = ngettext(
            "Their overall score at each of their %(num)d assessment, from 0 to 100",
            "Their overall score at each of their %(num)d assessments, from 0 to 100",
            progress.count,
        )
        heading = _("Since their assessment of %(day)s") % day
        milestones_heading = _("Milestones set for their assessment of %(day)s") % day
    else:
        title = ngettext(
            "Your overall score at each of your %(num)d assessment, from 0 to 100",
            "Your overall score at each of your %(num)d assessments, from 0 to 100",
            progress.count,
        )
        heading = _("Since your assessment of %(day)s") % day
        milestones_heading = _("Milestones set for your assessment of %(day)s") % day
    title %= count
    return ProgressSection(
        since=since,
        heading=heading,
        summary=_summary(progress.overall, since, whose),
        milestones_heading=milestones_heading,
        changes=(
            _line(progress.overall, emphasis=True),
            *(_line(change) for change in progress.pillars),
        ),
        crossings=_crossings(progress),
        trend=_trend_rows(progress.trend),
        chart=trend_svg(points=progress.trend, buckets=buckets, title=title),
        chart_title=title,
        milestones=tuple(_milestone(m, names, today) for m in milestones),
    )


def _milestones(history: AssessmentHistory) -> list[Milestone]:
    previous = history.previous_response_id
    return list(Milestone.objects.filter(response_id=previous)) if previous else []


def _summary(overall: Change, since: str, whose: Whose) -> str:
    values = {
        "before": score_text(overall.before),
        "before_bucket": overall.before_bucket.name,
        "after": score_text(overall.after),
        "after_bucket": overall.after_bucket.name,
        "day": since,
        "change": overall.words,
    }
    crossing = overall.crossing
    their = whose == "their"
    if overall.direction is Direction.SAME:
        if their:
            text = _(
                "Their overall score is %(before)s (%(before_bucket)s), the same as on %(day)s."
            )
        else:
            text = _(
                "Your overall score is %(before)s (%(before_bucket)s), the same as on %(day)s."
            )
    elif crossing:
        values["crossing"] = crossing.words
        if their:
            # Translators: %(change)s is e.g. "up 46.85 points", %(crossing)s e.g. "rose from
            # Undeveloped to Expanding".
            text = _(
                "Their overall score went %(change)s since %(day)s, from %(before)s to %(after)s, "
                "and %(crossing)s."
            )
        else:
            # Translators: %(change)s is e.g. "up 46.85 points", %(crossing)s e.g. "rose from
            # Undeveloped to Expanding".
            text = _(
                "Your overall score went %(change)s since %(day)s, from %(before)s to %(after)s, "
                "and %(crossing)s."
            )
    elif their:
        # Translators: %(change)s is e.g. "up 46.85 points".
        text = _(
            "Their overall score went %(change)s since %(day)s, from %(before)s to %(after)s; it "
            "is still %(after_bucket)s."
        )
    else:
        # Translators: %(change)s is e.g. "up 46.85 points".
        text = _(
            "Your overall score went %(change)s since %(day)s, from %(before)s to %(after)s; it "
            "is still %(after_bucket)s."
        )
    return text % values


def _crossings(progress: Progress) -> tuple[str, ...]:
    """The scores that crossed a bucket boundary, named, up and down (the change table says
    from which bucket to which)."""
    lines = []
    for direction in (Direction.UP, Direction.DOWN):
        names = [c.name for c, crossing in progress.crossings if crossing.direction is direction]
        if names:
            listed = {"names": names_joined(names)}
            if direction is Direction.UP:
                lines.append(_("Into a higher bucket: %(names)s.") % listed)
            else:
                lines.append(_("Into a lower bucket: %(names)s.") % listed)
    return tuple(lines)


def _line(change: Change, *, emphasis: bool = False) -> ChangeLine:
    crossing = change.crossing
    return ChangeLine(
        name=change.name,
        before=change.before,
        after=change.after,
        arrow=ARROWS[change.direction],
        signed=change.signed,
        words=change.words,
        direction=change.direction.value,
        buckets=crossing.words if crossing else _still(change.after_bucket),
        emphasis=emphasis,
    )


def _still(bucket: BucketSpec) -> str:
    # Translators: a score that stayed in its bucket: "still Emerging".
    return _("still %(bucket)s") % {"bucket": bucket.name}


def _trend_rows(points: tuple[TrendPoint, ...]) -> tuple[TrendRow, ...]:
    rows = []
    for index, point in enumerate(points):
        signed = ""
        if index:
            before = points[index - 1]
            change = Change("", "", before.overall, point.overall, before.bucket, point.bucket)
            signed = change.signed
        rows.append(TrendRow(day_text(point.completed_at), point.overall, point.bucket, signed))
    return tuple(rows)


def _milestone(milestone: Milestone, pillar_names: dict[str, str], today: date) -> MilestoneLine:
    due = milestone.due_on
    return MilestoneLine(
        title=milestone.title,
        owner=milestone.owner,
        pillar=pillar_names.get(milestone.pillar_key, milestone.pillar_key),
        due=date_text(due, "j F Y") if due else "",
        status=milestone.get_status_display(),
        overdue=due is not None and due < today and milestone.status in OPEN_STATUSES,
    )


# The trend chart: the overall score at each assessment, evenly spaced, over the buckets' bands.
TREND_WIDTH = 470
TREND_HEIGHT = 210
TREND_LEFT = 40
TREND_RIGHT = 92
TREND_TOP = 16
TREND_BOTTOM = 44
TREND_LINE = "#b24a17"


def trend_svg(
    *, points: tuple[TrendPoint, ...], buckets: tuple[BucketSpec, ...], title: str
) -> Markup:
    """The overall score of every assessment (oldest left) joined by a line, each point labelled
    with its score, over shaded bands for the buckets with their names; dates below."""
    description = _(
        "A line through your overall score at each assessment, oldest on the left; the shaded "
        "bands are the maturity buckets. The table below gives every number."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="trend-chart" '
        'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        *_trend_bands(buckets),
    ]
    xy = [(_trend_x(i, len(points)), _trend_y(p.overall)) for i, p in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    parts.append(
        f'<polyline points="{path}" fill="none" stroke="{TREND_LINE}" stroke-width="2.5" '
        'stroke-linejoin="round"/>'
    )
    for (x, y), point in zip(xy, points, strict=True):
        colour = BUCKET_COLOURS.get(point.bucket.key, FALLBACK_COLOUR)
        label_y = y - 10 if y > TREND_TOP + 18 else y + 20
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#ffffff" '
            'stroke-width="1.5"/>',
            f'<text x="{x:.1f}" y="{label_y:.1f}" text-anchor="middle" fill="{PEER_INK}" '
            f'font-weight="bold">{escape(score_text(point.overall))}</text>',
            *_trend_date(x, point.completed_at),
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above went through escape() or is a number


def _trend_x(index: int, count: int) -> float:
    plot = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    margin = 40.0
    if count == 1:
        return TREND_LEFT + plot / 2
    return TREND_LEFT + margin + (plot - 2 * margin) * index / (count - 1)


def _trend_y(score: Decimal) -> float:
    plot = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    share = min(max(float(score), 0.0), 100.0) / 100
    return TREND_TOP + plot * (1 - share)


def _trend_bands(buckets: tuple[BucketSpec, ...]) -> list[str]:
    parts = []
    upper_bounds = [bucket.lower_bound for bucket in buckets[1:]] + [Decimal(100)]
    right = TREND_WIDTH - TREND_RIGHT
    for index, (bucket, upper) in enumerate(zip(buckets, upper_bounds, strict=True)):
        top, bottom = _trend_y(upper), _trend_y(bucket.lower_bound)
        shade = "#f3f5f4" if index % 2 == 0 else "#ffffff"
        parts += [
            f'<rect x="{TREND_LEFT}" y="{top:.1f}" width="{right - TREND_LEFT}" '
            f'height="{bottom - top:.1f}" fill="{shade}"/>',
            f'<line x1="{TREND_LEFT}" y1="{bottom:.1f}" x2="{right}" y2="{bottom:.1f}" '
            'stroke="#b8c4c0" stroke-dasharray="3 3"/>',
            f'<text x="{TREND_LEFT - 6}" y="{bottom + 4:.1f}" text-anchor="end" '
            f'fill="{PEER_MUTED}" font-size="11">{bucket.lower_bound:.0f}</text>',
            f'<text x="{right + 6}" y="{(top + bottom) / 2 + 4:.1f}" fill="{PEER_MUTED}" '
            f'font-size="12">{escape(bucket.name)}</text>',
        ]
    parts.append(
        f'<text x="{TREND_LEFT - 6}" y="{_trend_y(Decimal(100)) + 4:.1f}" text-anchor="end" '
        f'fill="{PEER_MUTED}" font-size="11">100</text>'
    )
    return parts


def _trend_date(x: float, moment: datetime) -> list[str]:
    local = timezone.localtime(moment)
    y = TREND_HEIGHT - TREND_BOTTOM + 18
    return [
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="{PEER_INK}" font-size="12">'
        f"{escape(date_text(local, 'j M'))}</text>",
        f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle" fill="{PEER_MUTED}" '
        f'font-size="12">{local.year}</text>',
    ]
