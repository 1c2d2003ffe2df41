"""The bank admin's pages for whole bank files: compare two versions, export one as YAML,
import a file as a draft. Mixed into QuestionBankAdmin by `BankFilesAdminMixin`.

An import is checked by the rules of `manage.py load_bank` (responses.bank_file) and never
publishes: publishing stays the admin's own step, after reading the draft's diff.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.functional import lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responses.bank_export import MAX_BANK_FILE_BYTES, bank_export_for, bank_text_read, kib_text
from responses.bank_file import BankFileError
from responses.bank_history import diff_json
from responses.models import QuestionBank
from responses.selectors import bank_current, bank_spec_for
from responses.services import BankImportOutcome, bank_import
from scoring.bank_diff import BankDiff, bank_diff


class BankChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.key} v{obj.version} · {obj.get_status_display()} · {obj.title}"


class CompareForm(forms.Form):
    old = BankChoiceField(
        QuestionBank.objects.order_by("key", "version"), label=gettext_lazy("Older version")
    )
    new = BankChoiceField(
        QuestionBank.objects.order_by("key", "version"), label=gettext_lazy("Newer version")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        old, new = cleaned.get("old"), cleaned.get("new")
        if old is not None and new is not None and old.key != new.key:
            raise forms.ValidationError(
                _(
                    "Pick two versions of the same bank: '%(old)s' and '%(new)s' are different "
                    "banks."
                )
                % {"old": old.key, "new": new.key}
            )
        return cleaned


def _file_help() -> str:
    return _(
        "At most %(kib)s KiB, in the format of fixtures/cspi-v1.yaml. It becomes a draft; "
        "nothing is published."
    ) % {"kib": MAX_BANK_FILE_BYTES // 1024}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bank file (YAML)"),
        help_text=lazy(_file_help, str)(),
    )
    replace_draft = forms.BooleanField(
        required=False,
        label=gettext_lazy("Replace the draft with the file's version number, if there is one"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BANK_FILE_BYTES:
            raise forms.ValidationError(
                _("The file has %(size)s KiB; the limit is %(limit)s KiB. Nothing was changed.")
                % {"size": kib_text(upload.size), "limit": MAX_BANK_FILE_BYTES // 1024}
            )
        return upload


class BankFilesAdminMixin:
    """Adds the compare, import and export pages to a ModelAdmin of QuestionBank, and their
    buttons (templates admin/responses/questionbank/*_object_tools.html)."""

    admin_site: admin.AdminSite
    opts: Any

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("compare/", wrap(self.bank_compare_view), name=f"{name}_compare"),
            path("import/", wrap(self.bank_import_view), name=f"{name}_import"),
            path("<int:bank_id>/export/", wrap(self.bank_export_view), name=f"{name}_export"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra_context = {**(extra_context or {}), "can_import_bank": self._can_import(request)}
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    # --- pages ------------------------------------------------------------------------------

    def bank_compare_view(self, request: HttpRequest) -> HttpResponse:
        self._require(self.has_view_permission(request))  # type: ignore[attr-defined]
        choice = _compare_choice(request)
        form = CompareForm(choice if "old" in choice else None, initial=choice)
        diff = None
        if form.is_bound and form.is_valid():
            old, new = form.cleaned_data["old"], form.cleaned_data["new"]
            diff = bank_diff(bank_spec_for(bank=old), bank_spec_for(bank=new))
        context = {
            "title": _("Compare versions"),
            "form": form,
            "diff": diff,
            "counts": diff.counts() if diff else {},
            "shown": _shown(diff, form.cleaned_data["old"], form.cleaned_data["new"])
            if diff
            else None,
            "old_bank": form.cleaned_data.get("old") if diff else None,
            "new_bank": form.cleaned_data.get("new") if diff else None,
        }
        return self._render(request, "compare.html", context)

    def bank_export_view(self, request: HttpRequest, bank_id: int) -> HttpResponse:
        self._require(self.has_view_permission(request))  # type: ignore[attr-defined]
        bank = QuestionBank.objects.filter(pk=bank_id).first()
        if bank is None:
            raise Http404("No such question bank.")
        try:
            text = bank_export_for(bank=bank)
        except BankFileError as error:
            for problem in error.problems:
                messages.error(request, problem)
            return HttpResponseRedirect(self._url("change", bank.pk))
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        filename = f"{bank.key}-v{bank.version}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def bank_import_view(self, request: HttpRequest) -> HttpResponse:
        self._require(self._can_import(request))
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                bank, outcome = _import_upload(form, actor=request.user)
            except BankFileError as error:
                problems = error.problems
            else:
                return self._imported_redirect(request, bank, outcome)
        imported = _imported_bank(request)
        context = {
            "title": _("Import a bank file"),
            "form": form,
            "problems": problems,
            "imported": imported,
            "published": bank_current(key=imported.key) if imported else None,
            "max_kib": MAX_BANK_FILE_BYTES // 1024,
        }
        return self._render(request, "import.html", context)

    # --- pieces -----------------------------------------------------------------------------

    def _imported_redirect(
        self, request: HttpRequest, bank: QuestionBank, outcome: BankImportOutcome
    ) -> HttpResponse:
        if outcome == BankImportOutcome.UNCHANGED:
            messages.info(
                request,
                _("%(bank)s is already stored exactly as in this file: nothing was imported.")
                % {"bank": bank},
            )
        elif outcome == BankImportOutcome.REPLACED_DRAFT:
            messages.success(
                request,
                _("Imported %(bank)s (replaced draft). Nothing was published.") % {"bank": bank},
            )
        else:
            messages.success(
                request, _("Imported %(bank)s (created). Nothing was published.") % {"bank": bank}
            )
        return HttpResponseRedirect(f"{self._url('import')}?{urlencode({'imported': bank.pk})}")

    def _can_import(self, request: HttpRequest) -> bool:
        return bool(
            self.has_change_permission(request)  # type: ignore[attr-defined]
            and self.has_add_permission(request)  # type: ignore[attr-defined]
        )

    @staticmethod
    def _require(allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied

    def _url(self, page: str, *args: Any) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{page}",
            args=args,
            current_app=self.admin_site.name,
        )

    def _render(self, request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
        )


def _compare_choice(request: HttpRequest) -> dict[str, str]:
    """The versions asked for; a missing older one is the published version of the same bank
    (or the one before), a missing newer one the newest version of any bank."""
    choice = {name: request.GET[name] for name in ("old", "new") if name in request.GET}
    if "old" in choice:
        return choice
    new_id = choice.get("new", "")
    newest = QuestionBank.objects.order_by("-created_at", "-pk")
    new = (newest.filter(pk=int(new_id)) if new_id.isdigit() else newest).first()
    if new is None:
        return choice
    published = bank_current(key=new.key)
    older = QuestionBank.objects.filter(key=new.key).exclude(pk=new.pk)
    old = published if published and published != new else older.order_by("-version").first()
    if old is None:
        return {"new": str(new.pk)}
    old, new = sorted((old, new), key=lambda bank: bank.version)  # read forwards in time
    return {"old": str(old.pk), "new": str(new.pk)}


def _import_upload(form: ImportForm, *, actor: Any) -> tuple[QuestionBank, BankImportOutcome]:
    """The uploaded file as a draft; BankFileError, changing nothing, when it is refused."""
    upload = form.cleaned_data["file"]
    spec = bank_text_read(upload.read(MAX_BANK_FILE_BYTES + 1))
    existing = QuestionBank.objects.filter(key=spec.key, version=spec.version).first()
    if existing is not None and existing.is_editable and not form.cleaned_data["replace_draft"]:
        raise BankFileError(
            [
                _(
                    "Version %(version)s of bank '%(key)s' is a draft already (%(bank)s). Tick "
                    "“Replace the draft” to overwrite it, or give the file another version number."
                )
                % {"version": spec.version, "key": spec.key, "bank": existing}
            ]
        )
    return bank_import(spec=spec, publish=False, actor=actor)


def _imported_bank(request: HttpRequest) -> QuestionBank | None:
    bank_id = request.GET.get("imported", "")
    return QuestionBank.objects.filter(pk=int(bank_id)).first() if bank_id.isdigit() else None


def _shown(diff: BankDiff, old: QuestionBank, new: QuestionBank) -> dict[str, Any]:
    """The diff as the template lays it out: the form the bank's history keeps it in."""
    return diff_json(diff, (_column(old), _column(new)))


def _column(bank: QuestionBank) -> str:
    return f"v{bank.version} ({bank.get_status_display()})"
