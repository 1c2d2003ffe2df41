"""Question banks in Django admin. A published (or archived) bank is read-only: a change is a
new version, made with the "new draft version" action and published when it passes the checks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responses.admin_forms import (
    BankForm,
    BucketForm,
    BucketFormSet,
    OptionForm,
    OptionFormSet,
    PillarForm,
    QuestionForm,
)
from responses.bank_admin_views import BankFilesAdminMixin
from responses.bank_history import bank_edit_record, bank_event_record, bank_history_shown
from responses.bank_options_admin import BankOptionsAdminMixin
from responses.bank_translation_admin import BankTranslationsAdminMixin
from responses.models import BankEvent, Bucket, Erasure, Option, Pillar, Question, QuestionBank
from responses.selectors import bank_spec_for
from responses.services import bank_new_version


def _bank_of(obj: Any) -> QuestionBank | None:
    if isinstance(obj, QuestionBank):
        return obj
    if isinstance(obj, Question | Pillar | Bucket):
        return obj.bank
    return None


class DraftOnlyMixin:
    """Edits are allowed only while the bank they belong to is a draft."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        bank = _bank_of(obj)
        if bank is not None and not bank.is_editable:
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        bank = _bank_of(obj)
        if bank is not None and not bank.is_editable:
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *obj: Any) -> bool:
        # Inlines are asked with the parent object, model admins without one.
        bank = _bank_of(obj[0]) if obj else None
        if bank is not None and not bank.is_editable:
            return False
        return super().has_add_permission(request, *obj)  # type: ignore[misc]


class PillarInline(DraftOnlyMixin, admin.TabularInline):
    model = Pillar
    form = PillarForm
    extra = 0
    fields = ["position", "key", "name", "description"]


class BucketInline(DraftOnlyMixin, admin.TabularInline):
    model = Bucket
    form = BucketForm
    formset = BucketFormSet
    extra = 0
    fields = ["key", "name", "lower_bound"]


class QuestionInline(DraftOnlyMixin, admin.TabularInline):
    """The bank's questions as a compact list, one line each: order, pillar and weight are
    edited here; every option's text and points on the bank's "Options and points" page; a
    question's texts, limits and its list of options on its own page (the "Edit" link)."""

    model = Question
    form = QuestionForm
    template = "admin/responses/question/compact_tabular.html"
    extra = 0
    fields = ["number", "short_text", "kind", "pillar", "weight", "edit_link"]
    readonly_fields = ["short_text", "kind", "edit_link"]
    ordering = ["number"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).select_related("pillar")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A question needs its text and options: it is added on its own page (the template
        # links there with the bank chosen).
        return False

    @admin.display(description=gettext_lazy("Question"))
    def short_text(self, question: Question) -> str:
        return _shortened(question.text, 80)

    @admin.display(description="")
    def edit_link(self, question: Question) -> str:
        url = reverse("admin:responses_question_change", args=[question.pk])
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            url,
            _("Texts, limits and options"),
            # Translators: a link to a question's own page, where it is edited.
            _("Edit"),
        )


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# An edit's record compares the bank before the save with the bank after the inlines' save;
# the spec before is kept on the request between save_model and save_related.
_SPEC_BEFORE = "_bank_spec_before"
_EVENT_LOGGED = "_bank_event_logged"


def _spec_before_keep(request: HttpRequest, bank_id: int | None) -> None:
    if bank_id is not None:
        bank = QuestionBank.objects.get(pk=bank_id)  # as stored, not as the form changed it
        setattr(request, _SPEC_BEFORE, (bank_id, bank_spec_for(bank=bank)))


def _edit_record(request: HttpRequest, bank: QuestionBank) -> None:
    kept = getattr(request, _SPEC_BEFORE, None)
    if kept is None or kept[0] != bank.pk:
        return
    delattr(request, _SPEC_BEFORE)
    if bank_edit_record(bank=bank, actor=request.user, before=kept[1]) is not None:
        setattr(request, _EVENT_LOGGED, True)


@admin.register(QuestionBank)
class QuestionBankAdmin(
    BankFilesAdminMixin,
    BankOptionsAdminMixin,
    BankTranslationsAdminMixin,
    DraftOnlyMixin,
    admin.ModelAdmin,
):
    form = BankForm
    list_display = ["title", "key", "version", "status", "question_count", "published_on"]
    list_filter = ["status", "key"]
    search_fields = ["title", "key", "intro"]
    readonly_fields = ["status", "published_at", "created_at"]
    inlines = [PillarInline, BucketInline, QuestionInline]
    actions = ["publish_selected", "new_draft_version"]
    object_history_template = "admin/responses/questionbank/history.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionBank]:
        return super().get_queryset(request).prefetch_related("questions")

    @admin.display(description=gettext_lazy("Questions"))
    def question_count(self, bank: QuestionBank) -> int:
        return len(bank.questions.all())

    @admin.display(description=gettext_lazy("Published"), ordering="published_at")
    def published_on(self, bank: QuestionBank) -> str:
        """The day only ("4 Dec 2026"), so the list fits beside its filters at 1,280 px."""
        return date_format(bank.published_at, "j M Y") if bank.published_at else "–"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        bank = self.get_object(request, object_id)
        if bank is not None and not bank.is_editable and request.method == "GET":
            if bank.status == QuestionBank.Status.ARCHIVED:
                text = _(
                    "This bank is archived and cannot change: answers were given on it. Use the "
                    "action “Copy as a new draft version” to edit a copy, then publish that."
                )
            else:
                text = _(
                    "This bank is published and cannot change: answers were given on it. Use the "
                    "action “Copy as a new draft version” to edit a copy, then publish that."
                )
            self.message_user(request, text, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [*self.readonly_fields, "key", "version"]
        return self.readonly_fields

    # --- history: every save is recorded with its diff (responses.bank_history) -------------

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        bank = QuestionBank.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        shown = bank_history_shown(bank=bank) if bank is not None else {}
        return super().history_view(request, object_id, {**(extra_context or {}), **shown})

    def save_model(self, request: HttpRequest, obj: QuestionBank, form: Any, change: bool) -> None:
        if change:
            _spec_before_keep(request, obj.pk)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        bank = form.instance
        if change:
            _edit_record(request, bank)
            return
        bank_event_record(
            bank=bank,
            action=BankEvent.Action.CREATED,
            headline=_("Created v%(version)s in admin") % {"version": bank.version},
            actor=request.user,
        )
        setattr(request, _EVENT_LOGGED, True)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, _EVENT_LOGGED, False):
            return None  # the bank's history wrote the log entry, with the diff's summary
        return super().log_change(request, obj, message)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, _EVENT_LOGGED, False):
            return None
        return super().log_addition(request, obj, message)

    @admin.action(
        description=gettext_lazy("Publish the selected draft (archives the current version)")
    )
    def publish_selected(
        self, request: HttpRequest, queryset: QuerySet[QuestionBank]
    ) -> HttpResponse | None:
        # Publishing asks for confirmation on a page that shows the draft's impact on the peer
        # pool (survey/bank_publish_views.py, above this app: reached by URL name only).
        banks = list(queryset[:2])
        if len(banks) != 1:
            self.message_user(request, _("Choose one draft to publish."), messages.WARNING)
            return None
        if not banks[0].is_editable:
            self.message_user(
                request, _("%(bank)s is not a draft.") % {"bank": banks[0]}, messages.WARNING
            )
            return None
        return redirect(reverse("bank-publish", args=[banks[0].pk]))

    @admin.action(description=gettext_lazy("Copy as a new draft version"))
    def new_draft_version(self, request: HttpRequest, queryset: QuerySet[QuestionBank]) -> None:
        for bank in queryset:
            draft = bank_new_version(bank=bank, actor=request.user)
            self.message_user(
                request,
                _("Created %(bank)s; edit it, then publish.") % {"bank": draft},
                messages.SUCCESS,
            )


class OptionInline(DraftOnlyMixin, admin.TabularInline):
    model = Option
    form = OptionForm
    formset = OptionFormSet
    extra = 0
    fields = ["position", "code", "text", "points", "exclusive"]
    ordering = ["position"]


class PillarFilter(admin.SimpleListFilter):
    title = gettext_lazy("pillar")
    parameter_name = "pillar"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(Pillar.objects.order_by("position").values_list("key", "name").distinct())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> QuerySet[Question]:
        return queryset.filter(pillar__key=self.value()) if self.value() else queryset


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "short_text", "kind", "pillar", "scoring", "required", "bank_version"]
    list_display_links = ["number", "short_text"]
    list_filter = ["bank", "kind", PillarFilter, "required"]
    search_fields = ["text", "help", "options__text"]
    ordering = ["bank", "number"]
    list_select_related = ["bank", "pillar"]
    inlines = [OptionInline]
    form = QuestionForm
    fieldsets = [
        (None, {"fields": ["bank", ("number", "kind", "required"), "section", "text", "help"]}),
        (gettext_lazy("Scoring"), {"fields": [("pillar", "scoring", "weight")]}),
        (
            gettext_lazy("Answer"),
            {"fields": [("min_value", "max_value"), ("max_length", "unknown_allowed")]},
        ),
        (gettext_lazy("Profile"), {"fields": ["role"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A question stays in its bank: its pillar and options belong to that bank.
        return ["bank_link"] if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.fieldsets
        (name, first), *rest = self.fieldsets
        fields = ["bank_link" if field == "bank" else field for field in first["fields"]]
        return [(name, {"fields": fields}), *rest]

    # An edit of a question or its options is an edit of its bank: recorded in the bank's history.

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        _spec_before_keep(request, obj.bank_id)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _edit_record(request, form.instance.bank)

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        _spec_before_keep(request, obj.bank_id)
        bank = obj.bank
        super().delete_model(request, obj)
        _edit_record(request, bank)

    def response_add(self, request: HttpRequest, obj: Question, *args: Any) -> HttpResponse:
        return self._back_to_bank(request, obj, super().response_add(request, obj, *args))

    def response_change(self, request: HttpRequest, obj: Question) -> HttpResponse:
        return self._back_to_bank(request, obj, super().response_change(request, obj))

    def _back_to_bank(self, request: HttpRequest, obj: Question, default: HttpResponse) -> Any:
        """After "Save", back to the bank the question belongs to, where its list is."""
        if "_save" in request.POST:
            return redirect("admin:responses_questionbank_change", obj.bank_id)
        return default

    @admin.display(description=gettext_lazy("Bank"))
    def bank_link(self, question: Question) -> str:
        url = reverse("admin:responses_questionbank_change", args=[question.bank_id])
        return format_html('<a href="{}">{}</a>', url, question.bank)

    @admin.display(description=gettext_lazy("Question"), ordering="text")
    def short_text(self, question: Question) -> str:
        return question.text[:90]

    @admin.display(description=gettext_lazy("Bank"), ordering="bank__version")
    def bank_version(self, question: Question) -> str:
        bank = question.bank
        return f"{bank.key} v{bank.version} ({bank.get_status_display().lower()})"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "bank":
            kwargs["queryset"] = QuestionBank.objects.filter(status=QuestionBank.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    """The record of erasures: when, why, who asked and how much; nothing of whom."""

    list_display = ["at", "reason", "actor_text", "responses", "files"]
    list_filter = ["reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
