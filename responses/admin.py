"""Question banks in Django admin. A published (or archived) bank is read-only: a change is a
new version, made with the "new draft version" action and published when it passes the checks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

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
from responses.bank_file import BankFileError
from responses.models import Bucket, Option, Pillar, Question, QuestionBank
from responses.services import bank_new_version, bank_publish


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
    edited here; a question's texts, limits and options on its own page (the "Edit" link)."""

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

    @admin.display(description="Question")
    def short_text(self, question: Question) -> str:
        return _shortened(question.text, 80)

    @admin.display(description="")
    def edit_link(self, question: Question) -> str:
        url = reverse("admin:responses_question_change", args=[question.pk])
        return format_html('<a href="{}" title="Texts, limits and options">Edit</a>', url)


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@admin.register(QuestionBank)
class QuestionBankAdmin(BankFilesAdminMixin, DraftOnlyMixin, admin.ModelAdmin):
    form = BankForm
    list_display = ["title", "key", "version", "status", "question_count", "published_on"]
    list_filter = ["status", "key"]
    search_fields = ["title", "key", "intro"]
    readonly_fields = ["status", "published_at", "created_at"]
    inlines = [PillarInline, BucketInline, QuestionInline]
    actions = ["publish_selected", "new_draft_version"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionBank]:
        return super().get_queryset(request).prefetch_related("questions")

    @admin.display(description="Questions")
    def question_count(self, bank: QuestionBank) -> int:
        return len(bank.questions.all())

    @admin.display(description="Published", ordering="published_at")
    def published_on(self, bank: QuestionBank) -> str:
        """The day only ("4 Dec 2026"), so the list fits beside its filters at 1,280 px."""
        return f"{bank.published_at:%-d %b %Y}" if bank.published_at else "–"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        bank = self.get_object(request, object_id)
        if bank is not None and not bank.is_editable and request.method == "GET":
            self.message_user(
                request,
                f"This bank is {bank.status} and cannot change: answers were given on it. Use the "
                "action “Copy as a new draft version” to edit a copy, then publish that.",
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [*self.readonly_fields, "key", "version"]
        return self.readonly_fields

    @admin.action(description="Publish the selected draft (archives the current version)")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[QuestionBank]) -> None:
        for bank in queryset:
            if not bank.is_editable:
                self.message_user(request, f"{bank} is not a draft.", messages.WARNING)
                continue
            try:
                bank_publish(bank=bank)
            except BankFileError as error:
                for problem in error.problems:
                    self.message_user(request, f"{bank}: {problem}", messages.ERROR)
            else:
                self.message_user(request, f"Published {bank}.", messages.SUCCESS)

    @admin.action(description="Copy as a new draft version")
    def new_draft_version(self, request: HttpRequest, queryset: QuerySet[QuestionBank]) -> None:
        for bank in queryset:
            draft = bank_new_version(bank=bank)
            self.message_user(request, f"Created {draft}; edit it, then publish.", messages.SUCCESS)


class OptionInline(DraftOnlyMixin, admin.TabularInline):
    model = Option
    form = OptionForm
    formset = OptionFormSet
    extra = 0
    fields = ["position", "code", "text", "points", "exclusive"]
    ordering = ["position"]


class PillarFilter(admin.SimpleListFilter):
    title = "pillar"
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
        ("Scoring", {"fields": [("pillar", "scoring", "weight")]}),
        ("Answer", {"fields": [("min_value", "max_value"), ("max_length", "unknown_allowed")]}),
        ("Profile", {"fields": ["role"]}),
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

    def response_add(self, request: HttpRequest, obj: Question, *args: Any) -> HttpResponse:
        return self._back_to_bank(request, obj, super().response_add(request, obj, *args))

    def response_change(self, request: HttpRequest, obj: Question) -> HttpResponse:
        return self._back_to_bank(request, obj, super().response_change(request, obj))

    def _back_to_bank(self, request: HttpRequest, obj: Question, default: HttpResponse) -> Any:
        """After "Save", back to the bank the question belongs to, where its list is."""
        if "_save" in request.POST:
            return redirect("admin:responses_questionbank_change", obj.bank_id)
        return default

    @admin.display(description="Bank")
    def bank_link(self, question: Question) -> str:
        url = reverse("admin:responses_questionbank_change", args=[question.bank_id])
        return format_html('<a href="{}">{}</a>', url, question.bank)

    @admin.display(description="Question", ordering="text")
    def short_text(self, question: Question) -> str:
        return question.text[:90]

    @admin.display(description="Bank", ordering="bank__version")
    def bank_version(self, question: Question) -> str:
        return f"{question.bank.key} v{question.bank.version} ({question.bank.status})"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "bank":
            kwargs["queryset"] = QuestionBank.objects.filter(status=QuestionBank.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
