from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reports.models import Report
from reports.services import report_requeue


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "response",
        "generation",
        "status",
        "attempts",
        "render_ms",
        "requested_at",
        "finished_at",
        "short_error",
    ]
    list_filter = ["status"]
    search_fields = ["response__email", "error"]
    list_select_related = ["response"]
    readonly_fields = [
        "token",
        "response",
        "generation",
        "benchmark",
        "status",
        "attempts",
        "error",
        "claim",
        "lease_until",
        "requested_at",
        "started_at",
        "finished_at",
        "render_ms",
        "file",
        "emailed_at",
    ]
    actions = ["requeue_failed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=gettext_lazy("Error"))
    def short_error(self, report: Report) -> str:
        return report.error[:120]

    @admin.action(description=gettext_lazy("Queue the selected failed reports again"))
    def requeue_failed(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        requeued = sum(report_requeue(report_id=pk) for pk in queryset.values_list("pk", flat=True))
        skipped = queryset.count() - requeued
        if skipped:
            text = _(
                "Queued %(count)s report(s) again; %(skipped)s were not failed and were left alone."
            )
        else:
            text = ngettext(
                "Queued %(count)s report(s) again.", "Queued %(count)s report(s) again.", requeued
            )
        self.message_user(request, text % {"count": requeued, "skipped": skipped}, messages.SUCCESS)
