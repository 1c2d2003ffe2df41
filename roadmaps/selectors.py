"""Reads of a roadmap: for its page, for the PDF, for the radar chart's targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from responses.bank_texts import bank_spec_shown
from responses.models import Response, ResponseScore
from roadmaps.models import Milestone, PillarTarget
from scoring.bank import BankSpec, BucketSpec


@dataclass(frozen=True, slots=True)
class PillarRoadmap:
    key: str
    name: str
    score: Decimal
    bucket: BucketSpec
    target: BucketSpec | None
    choices: tuple[BucketSpec, ...]  # the targets it may have: its bucket and those above

    @property
    def points_to_go(self) -> Decimal | None:
        """Points from the score to the target's lower bound; None without a target."""
        if self.target is None:
            return None
        return max(self.target.lower_bound - self.score, Decimal(0))

    @property
    def progress(self) -> str:
        """Where the pillar stands against its target, as a key templates compare with: "no
        target", "hold" (the target is its bucket), "reached", or "to go" (`points_to_go`).
        People read `progress_text`."""
        if self.target is None:
            return "no target"
        if self.target.key == self.bucket.key:
            return "hold"
        return "to go" if self.points_to_go else "reached"

    @property
    def progress_text(self) -> str:
        """`progress` in the page's language: "hold", "reached", "22.22 points to go"."""
        progress = self.progress
        if progress == "no target":
            return _("no target")
        if progress == "hold":
            # Translators: a pillar's target is the bucket it is in now: keep it there.
            return _("hold")
        if progress == "reached":
            # Translators: a pillar's score has reached its target bucket.
            return _("reached")
        gap = number_format(self.points_to_go or Decimal(0), decimal_pos=2, use_l10n=True)
        return _("%(points)s points to go") % {"points": gap}


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    public_id: str
    pillar_key: str
    pillar_name: str
    title: str
    owner: str
    due_on: date | None
    status: str
    status_label: str
    proposed: bool


@dataclass(frozen=True, slots=True)
class Roadmap:
    response: Response
    spec: BankSpec
    pillars: tuple[PillarRoadmap, ...]
    milestones: tuple[MilestoneLine, ...]  # in the order people arranged them

    @property
    def targeted(self) -> tuple[PillarRoadmap, ...]:
        return tuple(pillar for pillar in self.pillars if pillar.target is not None)

    @property
    def by_due_date(self) -> tuple[MilestoneLine, ...]:
        """Soonest first; milestones without a date last, in their own order."""
        return tuple(
            sorted(self.milestones, key=lambda m: (m.due_on is None, m.due_on or date.max))
        )


def targets_for(*, response: Response) -> dict[str, str]:
    """Pillar key → target bucket key, for the pillars that have a target."""
    return dict(
        PillarTarget.objects.filter(response=response).values_list("pillar_key", "bucket_key")
    )


def roadmap_for(*, response: Response) -> Roadmap:
    """A completed response's roadmap: every pillar with its kept score, bucket and target,
    and the milestones. Three queries."""
    kept = ResponseScore.objects.select_related("bank").get(response=response)
    spec = bank_spec_shown(bank=kept.bank)  # names in the reader's language
    buckets = {bucket.key: bucket for bucket in spec.buckets}
    names = {pillar.key: pillar.name for pillar in spec.pillars}
    targets = targets_for(response=response)
    pillars = tuple(
        PillarRoadmap(
            key=row.pillar_key,
            name=names[row.pillar_key],
            score=row.score,
            bucket=(bucket := buckets[row.bucket]),
            target=buckets.get(targets.get(row.pillar_key, "")),
            choices=tuple(b for b in spec.buckets if b.lower_bound >= bucket.lower_bound),
        )
        for row in kept.pillars.all()
    )
    milestones = tuple(
        _line(milestone, names) for milestone in Milestone.objects.filter(response=response)
    )
    return Roadmap(response=response, spec=spec, pillars=pillars, milestones=milestones)


def milestone_for(*, response: Response, public_id: str) -> Milestone | None:
    """One of the response's milestones; another response's is not found."""
    return Milestone.objects.filter(response=response, public_id=public_id).first()


@dataclass(frozen=True, slots=True)
class RoadmapDocument:
    """What the PDF prints under "Your roadmap"."""

    pillars: tuple[PillarRoadmap, ...]  # those with a target, in bank order
    milestones: tuple[MilestoneLine, ...]  # by due date


def roadmap_document(*, response: Response) -> RoadmapDocument | None:
    """The roadmap for the PDF; None when the response has neither a target nor a milestone."""
    if not (
        PillarTarget.objects.filter(response=response).exists()
        or Milestone.objects.filter(response=response).exists()
    ):
        return None
    roadmap = roadmap_for(response=response)
    return RoadmapDocument(pillars=roadmap.targeted, milestones=roadmap.by_due_date)


def _line(milestone: Milestone, pillar_names: dict[str, str]) -> MilestoneLine:
    return MilestoneLine(
        public_id=milestone.public_id,
        pillar_key=milestone.pillar_key,
        pillar_name=pillar_names.get(milestone.pillar_key, milestone.pillar_key),
        title=milestone.title,
        owner=milestone.owner,
        due_on=milestone.due_on,
        status=milestone.status,
        status_label=milestone.get_status_display(),
        proposed=milestone.proposed_question is not None,
    )
