"""Question banks in Django admin. A published (or archived) bank is read-only: a change is a
new version, made with the "new draft version" action and published when it passes the checks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

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
    extra = 0
    fields = ["position", "key", "name", "description"]


class BucketInline(DraftOnlyMixin, admin.TabularInline):
    model = Bucket
    extra = 0
    fields = ["key", "name", "lower_bound"]


class QuestionInline(DraftOnlyMixin, admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "number",
        "section",
        "kind",
        "text",
        "pillar",
        "scoring",
        "weight",
        "required",
        "option_list",
    ]
    readonly_fields = ["option_list"]
    show_change_link = True
    ordering = ["number"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).select_related("pillar").prefetch_related("options")

    @admin.display(description="Options (points)")
    def option_list(self, question: Question) -> str:
        return format_html_join(
            mark_safe("<br>"),
            "{}{}{}",
            (
                (
                    option.text,
                    f" ({option.points.normalize():f})" if option.points is not None else "",
                    " · exclusive" if option.exclusive else "",
                )
                for option in question.options.all()
            ),
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "pillar":
            bank_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            kwargs["queryset"] = Pillar.objects.filter(bank_id=bank_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(QuestionBank)
class QuestionBankAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "key", "version", "status", "question_count", "published_at"]
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
