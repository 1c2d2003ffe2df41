"""Teams in Django admin: to look at, not to edit (members join and leave through their links)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from teams.models import Team, TeamMember, TeamReport


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MemberInline(admin.TabularInline):
    model = TeamMember
    fields = ["response", "status", "shows_name", "joined_at", "left_at"]
    readonly_fields = ["response", "status", "shows_name", "joined_at", "left_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(ReadOnly):
    list_display = ["organisation_key", "campaign", "created_at"]
    search_fields = ["organisation_key"]
    list_select_related = ["campaign"]
    readonly_fields = ["organisation_key", "campaign", "created_by", "public_id", "created_at"]
    exclude = ["token"]  # the share link: a key to the team, not shown even to staff
    inlines = [MemberInline]


@admin.register(TeamReport)
class TeamReportAdmin(ReadOnly):
    list_display = ["team", "audience", "status", "attempts", "requested_at", "finished_at"]
    list_filter = ["status", "audience"]
    readonly_fields = [
        "team",
        "audience",
        "status",
        "attempts",
        "error",
        "requested_at",
        "started_at",
        "finished_at",
    ]
    exclude = ["token", "file"]
