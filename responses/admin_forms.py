"""The forms behind the question bank's admin pages: inputs sized to their texts, a pillar chosen
among the bank's own, a role among the known ones, and values checked when saved.

What is checked on save is decided by the rules a bank must keep to be published
(`responses.bank_file.bank_spec_problems`), run on the question or buckets being saved: a value
out of range (points, bucket bounds, min above max, a weight) is refused at once, with the very
message publishing would give. What only a whole, finished bank must have (two options per
choice question, a required question per pillar) waits for publishing, so a draft can be built
up over several saves.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responses.bank_file import KNOWN_ROLES, Problem, bank_spec_problems
from responses.models import Bucket, Option, Pillar, Question, QuestionBank
from scoring.bank import BankSpec, BucketSpec, Kind, OptionSpec, PillarSpec, QuestionSpec, Scoring

# A problem names where and which field ("Question 12, option 'Yes', points: ..."): these fields
# hold values a save can get wrong on its own, so they are refused on save.
_VALUE_FIELDS = frozenset({"points", "min/max", "weight"})

ONE_LINE = {"class": "vTextField"}
# The admin's own narrow number class: the pages' Content-Security-Policy refuses style attributes.
SHORT_NUMBER = {"class": "vIntegerField"}
ROLE_CHOICES = [("", gettext_lazy("— none —")), *((role, role) for role in sorted(KNOWN_ROLES))]


def _spec_of(
    bank: QuestionBank, *, buckets: Iterable[BucketSpec] = (), questions: Iterable[QuestionSpec]
) -> BankSpec:
    return BankSpec(
        key=bank.key,
        version=bank.version,
        title=bank.title,
        intro="",
        pillars=tuple(PillarSpec(p.key, p.name) for p in bank.pillars.all()),
        buckets=tuple(buckets),
        questions=tuple(questions),
    )


def question_value_problems(question: Question, options: Iterable[Option]) -> list[Problem]:
    """The publishing rules' complaints about the values of one question and its options."""
    spec = QuestionSpec(
        number=question.number or 0,
        kind=Kind(question.kind),
        text=question.text,
        required=question.required,
        pillar=question.pillar.key if question.pillar else None,
        scoring=Scoring(question.scoring) if question.scoring else None,
        weight=Decimal(question.weight if question.weight is not None else 1),
        min_value=question.min_value,
        max_value=question.max_value,
        options=tuple(
            OptionSpec(o.code or 0, o.text or "", o.points, o.exclusive) for o in options
        ),
    )
    problems = bank_spec_problems(
        _spec_of(question.bank, questions=[spec]), questions_complete=False
    )
    return [p for p in problems if p.about == "question" and p.field in _VALUE_FIELDS]


def bucket_problems(bank: QuestionBank, buckets: Iterable[Bucket]) -> list[Problem]:
    """The publishing rules' complaints about a bank's buckets (from 0, increasing, up to 100)."""
    ordered = sorted(buckets, key=lambda b: b.lower_bound)
    specs = [BucketSpec(b.key, b.name, b.lower_bound) for b in ordered]
    problems = bank_spec_problems(
        _spec_of(bank, buckets=specs, questions=()), questions_complete=False
    )
    return [p for p in problems if p.about == "bucket"]


class BankForm(forms.ModelForm):
    class Meta:
        model = QuestionBank
        fields = ["title", "intro"]
        widgets = {
            "title": forms.TextInput(attrs=ONE_LINE),
            "intro": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }


class PillarForm(forms.ModelForm):
    class Meta:
        model = Pillar
        fields = ["position", "key", "name", "description"]
        widgets = {
            "key": forms.TextInput(attrs={"size": 14}),
            "name": forms.TextInput(attrs={"size": 24}),
            "description": forms.Textarea(attrs={"rows": 2, "cols": 48}),
            "position": forms.NumberInput(attrs=SHORT_NUMBER),
        }


class BucketForm(forms.ModelForm):
    class Meta:
        model = Bucket
        fields = ["key", "name", "lower_bound"]
        widgets = {
            "key": forms.TextInput(attrs={"size": 14}),
            "name": forms.TextInput(attrs={"size": 24}),
            "lower_bound": forms.NumberInput(attrs=SHORT_NUMBER),
        }


class BucketFormSet(BaseInlineFormSet):
    """Bounds as publishing checks them: the first from 0, each above the last, up to 100."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [
            form.instance
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and form not in self.deleted_forms
        ]
        problems = bucket_problems(self.instance, kept)
        if problems:
            raise ValidationError(problems)


class PillarChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": gettext_lazy("Choose one of this bank's own pillars."),
    }

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)  # unique within the bank, the only pillars offered


def _bank_id_of(form: forms.ModelForm) -> Any:
    """The bank the question belongs to: its own, or (on the add page) the one chosen."""
    if form.instance.bank_id:
        return form.instance.bank_id
    return form.data.get(form.add_prefix("bank")) or form.initial.get("bank")


class QuestionForm(forms.ModelForm):
    """A question: its pillar chosen among its bank's own, its role among the known roles."""

    pillar = PillarChoiceField(
        queryset=Pillar.objects.none(), required=False, label=gettext_lazy("pillar")
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False, label=gettext_lazy("role"))

    class Meta:
        model = Question
        fields = [
            "bank",
            "number",
            "kind",
            "required",
            "section",
            "text",
            "help",
            "pillar",
            "scoring",
            "weight",
            "min_value",
            "max_value",
            "max_length",
            "unknown_allowed",
            "role",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "help": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "section": forms.TextInput(attrs=ONE_LINE),
            "number": forms.NumberInput(attrs=SHORT_NUMBER),
            "weight": forms.NumberInput(attrs=SHORT_NUMBER),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pillar_field = self.fields.get("pillar")
        if isinstance(pillar_field, forms.ModelChoiceField):
            # Another bank's pillar is not offered, and refused if sent ("invalid_choice").
            bank_id = _bank_id_of(self)
            pillars = Pillar.objects.order_by("position")
            pillar_field.queryset = (
                pillars.filter(bank_id=bank_id) if str(bank_id or "").isdigit() else pillars.none()
            )
            if not bank_id:
                pillar_field.help_text = _(
                    "Choose the bank and save; then choose among its pillars."
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        bank = cleaned.get("bank") or _saved_bank(self)
        if bank is None or self.errors:
            return cleaned
        question = copy.copy(self.instance)
        question.bank = bank
        construct_instance(self, question, fields=self._meta.fields, exclude=self._meta.exclude)
        for problem in question_value_problems(question, ()):
            self.add_error(None, problem)
        return cleaned


def _saved_bank(form: forms.ModelForm) -> QuestionBank | None:
    return form.instance.bank if form.instance.bank_id else None


class OptionForm(forms.ModelForm):
    # Left empty on a new option, the next free code of the question is given (OptionFormSet).
    code = forms.IntegerField(
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs=SHORT_NUMBER),
        label=gettext_lazy("code"),
    )

    class Meta:
        model = Option
        fields = ["position", "code", "text", "points", "exclusive"]
        widgets = {
            "text": forms.TextInput(attrs={"size": 60}),
            "position": forms.NumberInput(attrs=SHORT_NUMBER),
            "points": forms.NumberInput(attrs=SHORT_NUMBER),
        }


class OptionFormSet(BaseInlineFormSet):
    """The options of one question, checked with the question as it is being saved (its pillar
    may change in the same save): points within range, present exactly when it is scored."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms) or not self.instance.bank_id:
            return
        kept = [
            form.instance
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and form not in self.deleted_forms
        ]
        kept.sort(key=lambda option: option.position)
        _codes_give(self.instance, kept)
        problems = [p for p in question_value_problems(self.instance, kept) if p.field == "points"]
        if problems:
            raise ValidationError(problems)


def _codes_give(question: Question, options: list[Option]) -> None:
    """A new option left without a code gets the question's next: number × 100 + 1, 2, … as
    bank files number them, after every code the question has used (answers store codes)."""
    used = [o.code for o in options if o.code is not None]
    if question.pk:
        used += Option.objects.filter(question=question).values_list("code", flat=True)
    next_code = max([*used, (question.number or 0) * 100]) + 1
    for option in options:
        if option.code is None:
            option.code, next_code = next_code, next_code + 1
