"""Writes of a roadmap, and the one home of its rules: which targets a pillar may have, what a
milestone may hold. Forms (roadmaps/forms.py) ask the same `*_problem(s)` functions, so a page
shows the message the service would refuse with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from responses.bank_texts import bank_spec_shown
from responses.languages import date_text  # a date as the page's language writes it
from responses.models import Response, ResponseScore
from responses.selectors import bank_spec_for
from roadmaps.models import OWNER_MAX_LENGTH, TITLE_MAX_LENGTH, Milestone, PillarTarget
from roadmaps.proposals import proposals_toward
from scoring.bank import BankSpec, BucketSpec

# Proposed milestones fall due one after another, this far apart, starting this far from today.
PROPOSAL_SPACING = timedelta(weeks=2)


class RoadmapRefused(ValueError):
    """Input a roadmap does not take: `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def target_problem(*, pillar_name: str, current: BucketSpec, target: BucketSpec) -> str | None:
    """A target holds the current bucket or reaches above it; never below."""
    if target.lower_bound < current.lower_bound:
        return gettext(
            "Your %(pillar)s score is %(bucket)s already; choose %(bucket)s or higher."
        ) % {
            "pillar": pillar_name,
            "bucket": current.name,
        }
    return None


def milestone_problems(
    *, title: str, owner: str, due_on: date | None, status: str, due_before: date | None = None
) -> dict[str, str]:
    """What is wrong with a milestone's fields (already stripped), by field; empty when nothing.

    A due date may not lie in the past when it is set or changed; a past one a milestone already
    had (`due_before`) may stay, so that an overdue milestone can still be marked done."""
    problems = {}
    if not title:
        problems["title"] = gettext("Give the milestone a title.")
    elif len(title) > TITLE_MAX_LENGTH:
        problems["title"] = gettext("Keep the title to %(most)s characters (%(now)s now).") % {
            "most": TITLE_MAX_LENGTH,
            "now": len(title),
        }
    if len(owner) > OWNER_MAX_LENGTH:
        problems["owner"] = gettext("Keep the owner to %(most)s characters (%(now)s now).") % {
            "most": OWNER_MAX_LENGTH,
            "now": len(owner),
        }
    today = timezone.localdate()
    if due_on is not None and due_on < today and due_on != due_before:
        problems["due_on"] = gettext(
            "The due date %(date)s is in the past; choose today or a later day."
        ) % {"date": date_text(due_on, "j M Y")}
    if status not in Milestone.Status.values:
        problems["status"] = gettext("Choose one of the statuses offered.")
    return problems


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    target: PillarTarget
    proposed: tuple[Milestone, ...]  # milestones added for this target, none when it holds


def target_set(*, response: Response, pillar_key: str, bucket_key: str) -> TargetOutcome:
    """Set (or change) a pillar's target; a target above the current bucket proposes the
    milestones that would reach it, none of which the roadmap holds already."""
    spec, current = _current_buckets(response)
    buckets = {bucket.key: bucket for bucket in spec.buckets}
    pillar_names = {pillar.key: pillar.name for pillar in spec.pillars}
    if pillar_key not in current or bucket_key not in buckets:
        raise RoadmapRefused({"target": gettext("Choose one of the buckets offered.")})
    target = buckets[bucket_key]
    problem = target_problem(
        pillar_name=pillar_names[pillar_key], current=current[pillar_key], target=target
    )
    if problem is not None:
        raise RoadmapRefused({"target": problem})
    with transaction.atomic():
        Response.objects.select_for_update().filter(pk=response.pk).first()  # one at a time
        stored, _ = PillarTarget.objects.update_or_create(
            response=response, pillar_key=pillar_key, defaults={"bucket_key": bucket_key}
        )
        proposed: tuple[Milestone, ...] = ()
        if target.lower_bound > current[pillar_key].lower_bound:
            proposed = _milestones_propose(response, spec, pillar_key, target)
    return TargetOutcome(target=stored, proposed=proposed)


def target_clear(*, response: Response, pillar_key: str) -> None:
    """No target for the pillar any more; its milestones stay, they are the person's own."""
    PillarTarget.objects.filter(response=response, pillar_key=pillar_key).delete()


def milestone_add(
    *,
    response: Response,
    pillar_key: str,
    title: str,
    owner: str = "",
    due_on: date | None = None,
    status: str = Milestone.Status.PLANNED,
) -> Milestone:
    fields = _checked(
        response, pillar_key=pillar_key, title=title, owner=owner, due_on=due_on, status=status
    )
    return Milestone.objects.create(response=response, position=_next_position(response), **fields)


def milestone_update(
    *,
    milestone: Milestone,
    pillar_key: str,
    title: str,
    owner: str,
    due_on: date | None,
    status: str,
) -> Milestone:
    fields = _checked(
        milestone.response,
        pillar_key=pillar_key,
        title=title,
        owner=owner,
        due_on=due_on,
        status=status,
        due_before=milestone.due_on,
    )
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.save(update_fields=[*fields, "updated_at"])
    return milestone


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


def _checked(
    response: Response,
    *,
    pillar_key: str,
    title: str,
    owner: str,
    due_on: date | None,
    status: str,
    due_before: date | None = None,
) -> dict[str, object]:
    """The fields as stored (texts stripped), or RoadmapRefused saying what is wrong."""
    title, owner = title.strip(), owner.strip()
    problems = milestone_problems(
        title=title, owner=owner, due_on=due_on, status=status, due_before=due_before
    )
    pillars = {pillar.key for pillar in bank_spec_for(bank=response.bank).pillars}
    if pillar_key not in pillars:
        problems["pillar"] = gettext("Choose one of the pillars offered.")
    if problems:
        raise RoadmapRefused(problems)
    fields = {"title": title, "owner": owner, "due_on": due_on, "status": status}
    return {"pillar_key": pillar_key, **fields}


def _current_buckets(response: Response) -> tuple[BankSpec, dict[str, BucketSpec]]:
    """The bank the response's kept scores stand against, and each pillar's kept bucket."""
    kept = ResponseScore.objects.select_related("bank").get(response=response)
    spec = bank_spec_shown(bank=kept.bank)  # proposals are written in the reader's language
    buckets = {bucket.key: bucket for bucket in spec.buckets}
    return spec, {row.pillar_key: buckets[row.bucket] for row in kept.pillars.all()}


def _milestones_propose(
    response: Response, spec: BankSpec, pillar_key: str, target: BucketSpec
) -> tuple[Milestone, ...]:
    proposals = proposals_toward(
        spec=spec, answers=response.answers, pillar_key=pillar_key, target=target
    )
    present = set(
        Milestone.objects.filter(response=response, proposed_question__isnull=False).values_list(
            "proposed_question", "proposed_option"
        )
    )
    fresh = [p for p in proposals if (p.question_number, p.option_code) not in present]
    position, today = _next_position(response), timezone.localdate()
    return tuple(
        Milestone.objects.bulk_create(
            Milestone(
                response=response,
                pillar_key=pillar_key,
                title=proposal.title[:TITLE_MAX_LENGTH],
                due_on=today + PROPOSAL_SPACING * (index + 1),
                position=position + index,
                proposed_question=proposal.question_number,
                proposed_option=proposal.option_code,
            )
            for index, proposal in enumerate(fresh)
        )
    )


def _next_position(response: Response) -> int:
    highest = Milestone.objects.filter(response=response).aggregate(Max("position"))
    return (highest["position__max"] or 0) + 1
