"""Question banks in Django admin. A published (or archived) bank is read-only: a change is a
new version, made with the "new draft version" action and published when it passes the checks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from survey.bank_file import BankFileError
from survey.models import Bucket, Option, Pillar, Question, QuestionBank, Response
from survey.services import bank_new_version, bank_publish


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
    fields = ["number", "section", "kind", "text", "pillar", "scoring", "weight", "required"]
    show_change_link = True
    ordering = ["number"]

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


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "short_text", "kind", "pillar", "scoring", "required", "bank"]
    list_display_links = ["number", "short_text"]
    list_filter = ["bank", "kind", "pillar__name", "required"]
    search_fields = ["text", "help", "options__text"]
    ordering = ["bank", "number"]
    list_select_related = ["bank", "pillar"]
    inlines = [OptionInline]

    @admin.display(description="Question", ordering="text")
    def short_text(self, question: Question) -> str:
        return question.text[:90]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "bank":
            kwargs["queryset"] = QuestionBank.objects.filter(status=QuestionBank.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "bank", "created_at", "updated_at", "completed_at"]
    list_filter = ["status", "bank"]
    search_fields = ["email"]
    readonly_fields = [
        "token", "bank", "status", "answers", "email", "resume_link_sent_to",
        "created_at", "updated_at", "completed_at",
    ]  # fmt: skip
    list_select_related = ["bank"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
