"""A bank's translations in admin: what is missing in each language, each text edited beside
its English, and a translation as a YAML file out and back in. Mixed into QuestionBankAdmin by
`BankTranslationsAdminMixin`.

The texts are checked by scoring.bank_translation (through responses.bank_texts): a refused
save or file changes nothing, says what is wrong by question and field, and keeps what was
typed. Texts only: a published bank may be translated, since nothing scored changes.
"""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from responses.bank_texts import (
    translation_file_read,
    translation_languages,
    translation_save,
    translations_of,
)
from responses.languages import language_codes
from responses.models import QuestionBank
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec
from scoring.bank_translation import (
    TranslationError,
    sections_of_their_own,
    texts_missing,
    translation_document,
)

MAX_TRANSLATION_FILE_BYTES = 256 * 1024


class TranslationFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Translation file (YAML)"),
        help_text=gettext_lazy("As exported from this page; at most 256 KiB."),
    )


def _place(spec: BankSpec) -> list[tuple[str, str, str, bool]]:
    """Every text of the bank as (field name, where, English, long text)."""
    places: list[tuple[str, str, str, bool]] = [("title", _("Title"), spec.title, False)]
    if spec.intro:
        places.append(("intro", _("Introduction"), spec.intro, True))
    for pillar in spec.pillars:
        places.append(
            (
                f"pillar.{pillar.key}.name",
                _("Pillar %(name)s") % {"name": pillar.name},
                pillar.name,
                False,
            )
        )
        if pillar.description:
            places.append(
                (
                    f"pillar.{pillar.key}.description",
                    _("Pillar %(name)s, description") % {"name": pillar.name},
                    pillar.description,
                    True,
                )
            )
    for bucket in spec.buckets:
        places.append(
            (
                f"bucket.{bucket.key}.name",
                _("Bucket %(name)s") % {"name": bucket.name},
                bucket.name,
                False,
            )
        )
    for index, section in enumerate(sections_of_their_own(spec), start=1):
        places.append((f"section.{index}", _("Page title"), section, False))
    for question in spec.questions:
        where = _("Question %(number)s") % {"number": question.number}
        places.append((f"q.{question.number}.text", where, question.text, len(question.text) > 90))
        if question.help:
            places.append(
                (
                    f"q.{question.number}.help",
                    _("%(where)s, help") % {"where": where},
                    question.help,
                    True,
                )
            )
        for position, option in enumerate(question.options, start=1):
            places.append(
                (
                    f"q.{question.number}.option.{position}",
                    _("%(where)s, option %(position)s") % {"where": where, "position": position},
                    option.text,
                    False,
                )
            )
    return places


def _initial(spec: BankSpec, texts: dict[str, Any]) -> dict[str, str]:
    initial = {"title": texts.get("title", ""), "intro": texts.get("intro", "")}
    for index, section in enumerate(sections_of_their_own(spec), start=1):
        initial[f"section.{index}"] = texts.get("sections", {}).get(section, "")
    for key, value in texts.get("pillars", {}).items():
        for field, text in value.items():
            initial[f"pillar.{key}.{field}"] = text
    for key, value in texts.get("buckets", {}).items():
        initial[f"bucket.{key}.name"] = value.get("name", "")
    for number, value in texts.get("questions", {}).items():
        for field in ("text", "help"):
            if value.get(field):
                initial[f"q.{number}.{field}"] = value[field]
        for position, text in enumerate(value.get("options") or [], start=1):
            initial[f"q.{number}.option.{position}"] = text
    return initial


def _document(spec: BankSpec, data: dict[str, str]) -> dict[str, Any]:
    """The typed texts as a translation document (scoring.bank_translation's shape)."""
    return {
        "title": data.get("title", ""),
        "intro": data.get("intro", ""),
        "pillars": {
            p.key: {
                "name": data.get(f"pillar.{p.key}.name", ""),
                "description": data.get(f"pillar.{p.key}.description", ""),
            }
            for p in spec.pillars
        },
        "buckets": {b.key: {"name": data.get(f"bucket.{b.key}.name", "")} for b in spec.buckets},
        "sections": {
            section: data.get(f"section.{index}", "")
            for index, section in enumerate(sections_of_their_own(spec), start=1)
        },
        "questions": {
            str(q.number): {
                "text": data.get(f"q.{q.number}.text", ""),
                "help": data.get(f"q.{q.number}.help", ""),
                **(
                    {
                        "options": [
                            data.get(f"q.{q.number}.option.{i}", "")
                            for i in range(1, len(q.options) + 1)
                        ]
                    }
                    if q.options
                    else {}
                ),
            }
            for q in spec.questions
        },
    }


class TranslationForm(forms.Form):
    """One field per text of the bank, each beside its English on the page."""

    def __init__(self, *args: Any, spec: BankSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = _place(spec)
        for name, where, _english, long in self.places:
            widget = (
                forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
                if long
                else forms.TextInput(attrs={"class": "vTextField"})
            )
            self.fields[name] = forms.CharField(
                label=where, required=False, widget=widget, max_length=4000, strip=True
            )

    def rows(self) -> list[tuple[str, str, forms.BoundField]]:
        return [(where, english, self[name]) for name, where, english, _long in self.places]


class BankTranslationsAdminMixin:
    """Adds the "Translations" pages to a ModelAdmin of QuestionBank."""

    admin_site: admin.AdminSite
    opts: Any

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_translations"
        wrap = self.admin_site.admin_view
        return [
            path("<int:bank_id>/translations/", wrap(self.translations_view), name=name),
            path(
                "<int:bank_id>/translations/<str:language>/",
                wrap(self.translation_edit_view),
                name=f"{name}_edit",
            ),
            path(
                "<int:bank_id>/translations/<str:language>/export/",
                wrap(self.translation_export_view),
                name=f"{name}_export",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def _bank(self, request: HttpRequest, bank_id: int) -> QuestionBank:
        bank = QuestionBank.objects.filter(pk=bank_id).first()
        if bank is None:
            raise Http404("No such question bank.")
        if not self.has_view_permission(request, bank):  # type: ignore[attr-defined]
            raise PermissionDenied
        return bank

    def _language(self, language: str) -> str:
        if language not in translation_languages():
            raise Http404("Banks are not translated into that language.")
        return language

    def translations_view(self, request: HttpRequest, bank_id: int) -> HttpResponse:
        bank = self._bank(request, bank_id)
        spec = bank_spec_for(bank=bank)
        saved = translations_of(bank)
        names = dict(_language_names())
        total = len(_place(spec))
        languages = []
        for code in translation_languages():
            missing = texts_missing(spec, saved.get(code, {}))
            languages.append(
                {
                    "code": code,
                    "name": names[code],
                    "missing": missing,
                    "translated": total - len(missing),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translations of %(bank)s") % {"bank": f"{bank.key} v{bank.version}"},
            "bank": bank,
            "languages": languages,
            "total": total,
        }
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/translations.html",
            context,
        )

    def translation_edit_view(
        self, request: HttpRequest, bank_id: int, language: str
    ) -> HttpResponse:
        bank = self._bank(request, bank_id)
        language = self._language(language)
        may_change = self.has_change_permission(request)  # type: ignore[attr-defined]
        if request.method == "POST" and not may_change:
            raise PermissionDenied
        spec = bank_spec_for(bank=bank)
        saved = translations_of(bank).get(language, {})
        language_name = dict(_language_names())[language]
        form = TranslationForm(
            request.POST if "save" in request.POST else None,
            spec=spec,
            initial=_initial(spec, dict(saved)),
        )
        upload = TranslationFileForm(
            request.POST if "upload" in request.POST else None,
            request.FILES if "upload" in request.POST else None,
        )
        actor = request.user.get_username()
        if request.method == "POST" and "save" in request.POST and form.is_valid():
            try:
                translation_save(
                    bank=bank,
                    language=language,
                    document=_document(spec, form.cleaned_data),
                    actor_text=actor,
                )
            except TranslationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Saved the %(language)s texts of %(bank)s.")
                    % {"language": language_name, "bank": bank},
                )
                return HttpResponseRedirect(request.get_full_path())
        if request.method == "POST" and "upload" in request.POST and upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                if file.size > MAX_TRANSLATION_FILE_BYTES:
                    raise TranslationError(_("The file is larger than 256 KiB."))
                try:
                    text = file.read().decode("utf-8")
                except UnicodeDecodeError:
                    raise TranslationError(_("The file is not UTF-8 text.")) from None
                translation_save(
                    bank=bank,
                    language=language,
                    document=translation_file_read(text),
                    actor_text=actor,
                )
            except TranslationError as error:
                upload.add_error("file", _("Nothing was saved: %(problem)s") % {"problem": error})
            else:
                messages.success(
                    request,
                    _("Imported the %(language)s texts of %(bank)s.")
                    % {"language": language_name, "bank": bank},
                )
                return HttpResponseRedirect(request.get_full_path())
        if request.method == "POST" and not (form.is_valid() and upload.is_valid()):
            messages.error(request, _("Nothing was saved: see the message below."))
        missing = texts_missing(spec, saved)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(language)s texts of %(bank)s")
            % {"language": language_name, "bank": f"{bank.key} v{bank.version}"},
            "bank": bank,
            "language": language,
            "language_name": language_name,
            "form": form,
            "upload": upload,
            "missing": missing,
            "editable": may_change,
            "overview_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_translations", args=[bank.pk]
            ),
        }
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/translation_edit.html",
            context,
        )

    def translation_export_view(
        self, request: HttpRequest, bank_id: int, language: str
    ) -> HttpResponse:
        bank = self._bank(request, bank_id)
        language = self._language(language)
        document = translation_document(
            bank_spec_for(bank=bank), translations_of(bank).get(language, {}), language=language
        )
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
        reply = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        reply["Content-Disposition"] = (
            f'attachment; filename="{bank.key}-v{bank.version}.{language}.yaml"'
        )
        return reply


def _language_names() -> list[tuple[str, str]]:
    """Each language's name in the admin's own language ("German" for an English admin)."""
    return [(code, str(get_language_info(code)["name_translated"])) for code in language_codes()]
