"""The roadmap's forms. They check with the services' own rules, so the page shows the message
the service would refuse with, next to the field, with everything typed still in it."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmaps.models import OWNER_MAX_LENGTH, TITLE_MAX_LENGTH, Milestone
from roadmaps.selectors import PillarRoadmap
from roadmaps.services import milestone_problems, target_problem

NO_TARGET = ""


class TargetForm(forms.Form):
    """One pillar's target: its own bucket (hold) or one above (reach), or none."""

    target = forms.ChoiceField(label=gettext_lazy("Target"), required=False)

    def __init__(self, *args: object, pillar: PillarRoadmap, buckets: tuple, **kwargs: object):
        kwargs.setdefault("initial", {"target": _key(pillar.target)})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.pillar = pillar
        self.buckets = {bucket.key: bucket for bucket in buckets}
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        # Every bucket is accepted here, so that one below the pillar's gets the rule's message
        # rather than "not a valid choice"; the page offers only the allowed ones.
        field.choices = [(NO_TARGET, _("No target")), *((b.key, b.name) for b in buckets)]

    def clean_target(self) -> str:
        key: str = self.cleaned_data["target"]
        if key != NO_TARGET:
            problem = target_problem(
                pillar_name=self.pillar.name, current=self.pillar.bucket, target=self.buckets[key]
            )
            if problem:
                raise forms.ValidationError(problem)
        return key


class MilestoneForm(forms.Form):
    pillar = forms.ChoiceField(label=gettext_lazy("Pillar"))
    title = forms.CharField(
        label=gettext_lazy("Milestone"),
        required=False,  # the rule's own message says a title is needed
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH}),
    )
    owner = forms.CharField(
        label=gettext_lazy("Owner"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": OWNER_MAX_LENGTH, "autocomplete": "name"}),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Milestone.Status.choices)

    def __init__(
        self,
        *args: object,
        pillars: tuple[PillarRoadmap, ...],
        due_before: date | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.due_before = due_before
        field = self.fields["pillar"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pillar.key, pillar.name) for pillar in pillars]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        problems = milestone_problems(
            title=str(cleaned.get("title") or ""),
            owner=str(cleaned.get("owner") or ""),
            due_on=cleaned.get("due_on"),  # type: ignore[arg-type]
            status=str(cleaned.get("status") or ""),
            due_before=self.due_before,
        )
        for name, problem in problems.items():
            if name not in self.errors:  # a date that is no date says so, not more
                self.add_error(name, problem)
        return cleaned


def _key(bucket: object) -> str:
    return getattr(bucket, "key", NO_TARGET)
