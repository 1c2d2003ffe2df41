"""Support can see a respondent's roadmap; only the respondent (or their consultant) edits it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from roadmaps.models import Milestone, PillarTarget


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PillarTarget)
class PillarTargetAdmin(ReadOnlyAdmin):
    list_display = ["response", "pillar_key", "bucket_key", "set_at"]
    list_filter = ["pillar_key", "bucket_key"]
    search_fields = ["response__email"]
    list_select_related = ["response"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["title", "response", "pillar_key", "owner", "due_on", "status", "updated_at"]
    list_filter = ["status", "pillar_key"]
    search_fields = ["response__email", "title", "owner"]
    list_select_related = ["response"]
