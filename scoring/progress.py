"""Progress over time: what changed between a respondent's assessments.

Pure Python, like the rest of `scoring/`: the assessments come in as their kept (rounded) scores
and buckets, in the order they were completed; out come the changes since the previous one, the
buckets crossed and the series a trend chart draws. Changes are the exact differences of the
kept values (61.13 − 14.28 = 46.85), so they add up with the numbers the reader saw each time.

A bucket is compared by its lower bound, not its position in a list: each assessment carries
the buckets of the bank it was scored against, and a later bank may name or add buckets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from scoring.bank import BucketSpec
from scoring.words import gettext, number_text


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"


@dataclass(frozen=True, slots=True)
class PillarKept:
    key: str
    name: str
    score: Decimal
    bucket: BucketSpec


@dataclass(frozen=True, slots=True)
class Assessment:
    """One completed assessment as kept: when, the overall score and its bucket, the pillars."""

    completed_at: datetime
    overall: Decimal
    bucket: BucketSpec
    pillars: tuple[PillarKept, ...]


@dataclass(frozen=True, slots=True)
class Crossing:
    """A bucket boundary crossed between two assessments, up or down."""

    direction: Direction
    before: BucketSpec
    after: BucketSpec

    @property
    def words(self) -> str:
        """ "rose from Emerging to Expanding", "fell from …"."""
        names = {"before": self.before.name, "after": self.after.name}
        if self.direction is Direction.UP:
            # Translators: a score that crossed into a higher maturity bucket.
            return gettext("rose from %(before)s to %(after)s") % names
        # Translators: a score that fell into a lower maturity bucket.
        return gettext("fell from %(before)s to %(after)s") % names


@dataclass(frozen=True, slots=True)
class Change:
    """One score (a pillar, or the overall score) then and now."""

    key: str  # the pillar's key; "overall" for the overall score
    name: str
    before: Decimal
    after: Decimal
    before_bucket: BucketSpec
    after_bucket: BucketSpec

    @property
    def difference(self) -> Decimal:
        return self.after - self.before

    @property
    def direction(self) -> Direction:
        if self.difference > 0:
            return Direction.UP
        return Direction.DOWN if self.difference < 0 else Direction.SAME

    @property
    def signed(self) -> str:
        """The difference as printed: "+46.85", "−3.20", "0.00" (a true minus sign)."""
        if self.direction is Direction.SAME:
            return _points(Decimal(0))
        sign = "+" if self.direction is Direction.UP else "\u2212"
        return f"{sign}{_points(abs(self.difference))}"

    @property
    def words(self) -> str:
        """The change in words, for readers who do not see the arrow or its colour."""
        if self.direction is Direction.SAME:
            return gettext("no change")
        points = {"points": _points(abs(self.difference))}
        if self.direction is Direction.UP:
            # Translators: a score went up by %(points)s, e.g. "up 3.20 points".
            return gettext("up %(points)s points") % points
        # Translators: a score went down by %(points)s, e.g. "down 3.20 points".
        return gettext("down %(points)s points") % points

    @property
    def crossing(self) -> Crossing | None:
        return bucket_crossing(self.before_bucket, self.after_bucket)


def _points(value: Decimal) -> str:
    """A score or a difference of scores as it reads: 2 decimals, "46.85" ("46,85" in German)."""
    return number_text(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class TrendPoint:
    completed_at: datetime
    overall: Decimal
    bucket: BucketSpec


@dataclass(frozen=True, slots=True)
class Progress:
    """The latest assessment against the one before it, and the trend over all of them."""

    previous: Assessment
    latest: Assessment
    overall: Change
    pillars: tuple[Change, ...]  # the pillars both assessments scored, in the latest's order
    trend: tuple[TrendPoint, ...]  # every assessment, oldest first

    @property
    def crossings(self) -> tuple[tuple[Change, Crossing], ...]:
        """Every score that crossed a bucket boundary, the overall score first."""
        return tuple(
            (change, crossing)
            for change in (self.overall, *self.pillars)
            if (crossing := change.crossing) is not None
        )

    @property
    def count(self) -> int:
        return len(self.trend)


def bucket_crossing(before: BucketSpec, after: BucketSpec) -> Crossing | None:
    """None when both name the same band (the same lower bound: a bucket renamed between bank
    versions is not a move)."""
    if after.lower_bound > before.lower_bound:
        return Crossing(Direction.UP, before, after)
    if after.lower_bound < before.lower_bound:
        return Crossing(Direction.DOWN, before, after)
    return None


def progress_over(assessments: Sequence[Assessment]) -> Progress | None:
    """The progress of the last of `assessments` (oldest first) since the one before it; None
    with fewer than two."""
    if len(assessments) < 2:
        return None
    previous, latest = assessments[-2], assessments[-1]
    earlier = {pillar.key: pillar for pillar in previous.pillars}
    return Progress(
        previous=previous,
        latest=latest,
        overall=Change(
            "overall",
            # Translators: the overall score, beside the pillars' scores.
            gettext("Overall"),
            previous.overall,
            latest.overall,
            previous.bucket,
            latest.bucket,
        ),
        pillars=tuple(
            Change(now.key, now.name, then.score, now.score, then.bucket, now.bucket)
            for now in latest.pillars
            if (then := earlier.get(now.key)) is not None
        ),
        trend=tuple(TrendPoint(a.completed_at, a.overall, a.bucket) for a in assessments),
    )
