"""Responses in Django admin: never edited by hand; the actions that take responses out of the
benchmarks (or back), delete them, or compare them again and render new reports keep the peer
pool and the reports in step, so they live here, above the apps they call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from benchmarks.services import benchmark_compute, responses_benchmark_exclusion_set
from reports.services import report_request
from responses.models import Bucket, Option, Response, ResponseScore
from survey.services import responses_delete


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
        "email",
        "status",
        "bank",
        "overall_score",
        "overall_bucket",
        "industry",
        "arr_band",
        "region",
        "is_demo",
        "excluded_from_benchmarks",
        "created_at",
        "updated_at",
        "completed_at",
    ]
    list_filter = [
        "status",
        "bank",
        IndustryFilter,
        ArrBandFilter,
        RegionFilter,
        BucketFilter,
        "is_demo",
        "excluded_from_benchmarks",
    ]
    search_fields = ["email"]
    readonly_fields = [
        "token",
        "bank",
        "status",
        "answers",
        "email",
        "resume_link_sent_to",
        "region",
        "industry",
        "arr_band",
        "is_demo",
        "excluded_from_benchmarks",
        "revision",
        "created_at",
        "updated_at",
        "completed_at",
    ]
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
