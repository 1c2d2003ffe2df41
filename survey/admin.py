"""Question banks in Django admin. A published (or archived) bank is read-only: a change is a
new version, made with the "new draft version" action and published when it passes the checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from benchmarks.services import benchmark_compute
from reports.services import report_request
from survey.bank_file import BankFileError
from survey.models import (
    Bucket,
    Option,
    Pillar,
    Question,
    QuestionBank,
    Response,
    ResponseScore,
)
from survey.services import (
    bank_new_version,
    bank_publish,
    responses_benchmark_exclusion_set,
    responses_delete,
)


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
        "number", "section", "kind", "text", "pillar", "scoring", "weight", "required",
        "option_list",
    ]  # fmt: skip
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


class _ProfileFilter(admin.SimpleListFilter):
    """Responses by a profile answer; choices are the option texts of every bank's question with
    that role, in the bank's order (as completion copies them onto the response)."""

    role = ""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        texts = Option.objects.filter(question__role=self.role).order_by(
            "question__bank__key", "-question__bank__version", "position"
        )
        return [(text, text) for text in dict.fromkeys(texts.values_list("text", flat=True))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> QuerySet[Response]:
        return queryset.filter(**{self.role: self.value()}) if self.value() else queryset


class IndustryFilter(_ProfileFilter):
    title = parameter_name = role = "industry"


class ArrBandFilter(_ProfileFilter):
    title = "ARR band"
    parameter_name = role = "arr_band"


class RegionFilter(_ProfileFilter):
    title = parameter_name = role = "region"


class BucketFilter(admin.SimpleListFilter):
    """Completed responses by the bucket of their overall score."""

    title = "bucket"
    parameter_name = "bucket"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        choices: dict[str, str] = {}
        buckets = Bucket.objects.order_by("lower_bound", "-bank__version")
        for key, name in buckets.values_list("key", "name"):
            choices.setdefault(key, name)
        return list(choices.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> QuerySet[Response]:
        return queryset.filter(score__overall_bucket=self.value()) if self.value() else queryset


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Responses are never edited by hand: the change page is read-only, and the actions that
    take a response out of the benchmarks (or back) keep the peer pool in step."""

    list_display = [
        "email", "status", "bank", "overall_score", "overall_bucket", "industry", "arr_band",
        "region", "is_demo", "excluded_from_benchmarks", "created_at", "updated_at",
        "completed_at",
    ]  # fmt: skip
    list_filter = [
        "status", "bank", IndustryFilter, ArrBandFilter, RegionFilter, BucketFilter, "is_demo",
        "excluded_from_benchmarks",
    ]  # fmt: skip
    search_fields = ["email"]
    readonly_fields = [
        "token", "bank", "status", "answers", "email", "resume_link_sent_to", "region",
        "industry", "arr_band", "is_demo", "excluded_from_benchmarks", "revision",
        "created_at", "updated_at", "completed_at",
    ]  # fmt: skip
    list_select_related = ["bank", "score"]
    actions = ["exclude_from_benchmarks", "include_in_benchmarks", "new_reports"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Response]:
        bucket_name = Bucket.objects.filter(
            bank=OuterRef("score__bank"), key=OuterRef("score__overall_bucket")
        ).values("name")[:1]
        return super().get_queryset(request).annotate(overall_bucket_name=Subquery(bucket_name))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list's actions need the permission; a response's own page never does.
        return obj is None and super().has_change_permission(request)

    def delete_model(self, request: HttpRequest, obj: Response) -> None:
        responses_delete(responses=Response.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        responses_delete(responses=queryset)

    @admin.display(description="Score", ordering="score__overall")
    def overall_score(self, response: Response) -> Decimal | None:
        score = _score_of(response)
        return score.overall if score else None

    @admin.display(description="Bucket", ordering="score__overall")
    def overall_bucket(self, response: Response) -> str | None:
        score = _score_of(response)
        if score is None:
            return None
        return getattr(response, "overall_bucket_name", None) or score.overall_bucket

    @admin.action(description="Exclude selected from benchmarks", permissions=["change"])
    def exclude_from_benchmarks(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        changed = responses_benchmark_exclusion_set(responses=queryset, excluded=True)
        self.message_user(
            request, f"Excluded {changed} response(s) from benchmarks.", messages.SUCCESS
        )

    @admin.action(description="Include selected in benchmarks again", permissions=["change"])
    def include_in_benchmarks(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        changed = responses_benchmark_exclusion_set(responses=queryset, excluded=False)
        self.message_user(
            request, f"Included {changed} response(s) in benchmarks again.", messages.SUCCESS
        )

    @admin.action(
        description="Compare again and render a new PDF report (earlier ones stay)",
        permissions=["change"],
    )
    def new_reports(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        completed = list(queryset.filter(status=Response.Status.COMPLETED))
        for response in completed:
            report_request(response=response, benchmark=benchmark_compute(response=response))
        skipped = queryset.count() - len(completed)
        self.message_user(
            request,
            f"Queued {len(completed)} new report(s)"
            + (f"; {skipped} unfinished response(s) left alone." if skipped else "."),
            messages.SUCCESS,
        )


def _score_of(response: Response) -> ResponseScore | None:
    try:
        return response.score
    except ResponseScore.DoesNotExist:
        return None
