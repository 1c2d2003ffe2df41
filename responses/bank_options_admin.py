"""One page for a bank's options: texts, points and "exclusive" of the choice questions of a
pillar at once (a part per pillar, and one for profile questions), grouped by question, in
place of opening each question in turn. Mixed into
QuestionBankAdmin by `BankOptionsAdminMixin`.

A save is checked question by question with the rules of publishing (points within range,
present exactly when the question is scored: `admin_forms.question_value_problems`); a refused
save changes nothing and keeps every value typed, each problem named by question and option.
A saved change is an edit of the draft, recorded in its history with its diff.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import BaseModelFormSet, modelformset_factory
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from responses.admin_forms import SHORT_NUMBER, question_value_problems
from responses.bank_history import bank_edit_record
from responses.models import Option, QuestionBank
from responses.selectors import bank_spec_for


class BankOptionForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ["text", "points", "exclusive"]
        widgets = {
            "text": forms.TextInput(attrs={"class": "vTextField"}),
            "points": forms.NumberInput(attrs=SHORT_NUMBER),
        }


class BankOptionFormSet(BaseModelFormSet):
    """The bank's options; each question's are checked together, as publishing checks them."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        problems = []
        for question, forms_of_question in _by_question(self.forms):
            options = [form.instance for form in forms_of_question]  # with the typed values
            problems += [
                problem
                for problem in question_value_problems(question, options)
                if problem.field == "points"
            ]
        if problems:
            raise forms.ValidationError(problems)


OptionsFormSet = modelformset_factory(
    Option, form=BankOptionForm, formset=BankOptionFormSet, extra=0, can_delete=False
)


NOT_SCORED = "profile"  # the section of questions without a pillar


def _sections(bank: QuestionBank) -> list[tuple[str, str]]:
    """The page's parts, one per pillar and one for questions not scored: a whole bank's options
    in one form would pass the number of fields a request may carry."""
    sections = [(pillar.key, pillar.name) for pillar in bank.pillars.order_by("position")]
    if bank.questions.filter(pillar__isnull=True, options__isnull=False).exists():
        sections.append((NOT_SCORED, _("Not scored (profile)")))
    return sections


def _section_filter(section: str) -> dict[str, Any]:
    if section == NOT_SCORED:
        return {"question__pillar__isnull": True}
    return {"question__pillar__key": section}


def _by_question(forms_list: Sequence[forms.ModelForm]) -> Any:
    return groupby(forms_list, key=lambda form: form.instance.question)


class _NoLongerDraft(Exception):
    """Another admin published (or archived) the bank while this page was open."""


class BankOptionsAdminMixin:
    """Adds the bank's "Options and points" page to a ModelAdmin of QuestionBank."""

    admin_site: admin.AdminSite
    opts: Any

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_options"
        view = self.admin_site.admin_view(self.bank_options_view)
        return [path("<int:bank_id>/options/", view, name=name), *super().get_urls()]  # type: ignore[misc]

    def bank_options_view(self, request: HttpRequest, bank_id: int) -> HttpResponse:
        bank = QuestionBank.objects.filter(pk=bank_id).first()
        if bank is None:
            raise Http404("No such question bank.")
        if not self.has_view_permission(request, bank):  # type: ignore[attr-defined]
            raise PermissionDenied
        may_change = self.has_change_permission(request)  # type: ignore[attr-defined]
        if request.method == "POST" and not may_change:
            raise PermissionDenied
        if request.method == "POST" and not bank.is_editable:
            if bank.status == QuestionBank.Status.ARCHIVED:
                text = _("%(bank)s is archived: nothing was saved.")
            else:
                text = _("%(bank)s is published: nothing was saved.")
            messages.error(request, text % {"bank": bank})
            return HttpResponseRedirect(request.get_full_path())
        editable = bank.is_editable and may_change
        sections = _sections(bank)
        section = request.GET.get("section", "")
        if section not in {key for key, _ in sections}:
            section = sections[0][0] if sections else ""
        options = (
            Option.objects.filter(question__bank=bank)
            .filter(**_section_filter(section))
            .select_related("question__pillar", "question__bank")
            .order_by("question__number", "position")
        )
        formset = OptionsFormSet(request.POST or None, queryset=options)
        if request.method == "POST" and formset.is_valid():
            try:
                changed = self._options_save(request, bank, formset)
            except _NoLongerDraft:
                messages.error(
                    request,
                    _("%(bank)s was published meanwhile: nothing was saved.") % {"bank": bank},
                )
            else:
                if changed:
                    messages.success(
                        request,
                        _("Saved the options of %(bank)s: %(changed)s.")
                        % {"bank": bank, "changed": changed},
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
            return HttpResponseRedirect(request.get_full_path())
        if request.method == "POST":
            messages.error(request, _("Nothing was saved: correct the values marked below."))
        for form in formset.forms:
            for field in form.fields.values():
                field.disabled = not editable
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Options and points of %(key)s v%(version)s")
            % {"key": bank.key, "version": bank.version},
            "bank": bank,
            "sections": sections,
            "section": section,
            "editable": editable,
            "formset": formset,
            "questions": [
                (question, list(forms_of_question))
                for question, forms_of_question in _by_question(formset.forms)
            ],
        }
        return TemplateResponse(
            request, f"admin/{self.opts.app_label}/{self.opts.model_name}/options.html", context
        )

    @staticmethod
    def _options_save(request: HttpRequest, bank: QuestionBank, formset: Any) -> str:
        """Saves the changed options; says how many of how many questions changed."""
        changed_forms = [form for form in formset.forms if form.has_changed()]
        if not changed_forms:
            return ""
        with transaction.atomic():
            locked = QuestionBank.objects.select_for_update().get(pk=bank.pk)
            if not locked.is_editable:
                raise _NoLongerDraft
            before = bank_spec_for(bank=locked)
            for form in changed_forms:
                form.save()
            bank_edit_record(bank=locked, actor=request.user, before=before)
        questions = {form.instance.question_id for form in changed_forms}
        options_text = ngettext(
            "%(count)s option of %(questions)s",
            "%(count)s options of %(questions)s",
            len(changed_forms),
        )
        questions_text = ngettext("%(count)s question", "%(count)s questions", len(questions))
        return options_text % {
            "count": len(changed_forms),
            "questions": questions_text % {"count": len(questions)},
        }
