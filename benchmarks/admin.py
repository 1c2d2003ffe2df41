from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from benchmarks.models import PoolSnapshot, ResponseBenchmark
from benchmarks.services import benchmark_compute


@admin.register(ResponseBenchmark)
class ResponseBenchmarkAdmin(admin.ModelAdmin):
    list_display = ["response", "computed_at", "pool_size", "k", "pool_seq"]
    list_select_related = ["response"]
    search_fields = ["response__email"]
    date_hierarchy = "computed_at"
    readonly_fields = ["response", "computed_at", "pool_seq", "k", "pool_size", "comparison"]
    actions = ["compute_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Compare again with today's pool (keeps the earlier numbers)")
    def compute_again(self, request: HttpRequest, queryset: QuerySet[ResponseBenchmark]) -> None:
        responses = {benchmark.response for benchmark in queryset.select_related("response")}
        computed = sum(benchmark_compute(response=r) is not None for r in responses)
        self.message_user(
            request, f"Compared {computed} response(s) again with today's pool.", messages.SUCCESS
        )


@admin.register(PoolSnapshot)
class PoolSnapshotAdmin(admin.ModelAdmin):
    """Read only: a worker computes snapshots, and comparisons keep the one they were shown with."""

    list_display = ["computed_at", "pool_seq", "organisations", "k", "bank"]
    readonly_fields = ["computed_at", "pool_seq", "organisations", "k", "bank", "lens", "adoption"]
    exclude = ["pillar_keys"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
