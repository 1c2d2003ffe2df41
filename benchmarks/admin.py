from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benchmarks.models import PoolSnapshot, PoolState, ResponseBenchmark
from benchmarks.selectors import POOL_STATE_ID, pool_state
from benchmarks.services import benchmark_compute
from responses.models import OrganisationJoin, Response
from responses.organisation_keys import organisation_rules
from responses.organisations import NotADomain, domain_normalised, joins_resolved
from responses.task_queue import task_send


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

    @admin.action(
        description=gettext_lazy("Compare again with today's pool (keeps the earlier numbers)")
    )
    def compute_again(self, request: HttpRequest, queryset: QuerySet[ResponseBenchmark]) -> None:
        responses = {benchmark.response for benchmark in queryset.select_related("response")}
        computed = sum(benchmark_compute(response=r) is not None for r in responses)
        text = ngettext(
            "Compared %(count)s response(s) again with today's pool.",
            "Compared %(count)s response(s) again with today's pool.",
            computed,
        )
        self.message_user(request, text % {"count": computed}, messages.SUCCESS)


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


class OrganisationJoinForm(forms.ModelForm):
    """Both domains in the form they are compared in; never a public mailbox domain (its
    addresses are organisations of one); never a join that points back to itself."""

    class Meta:
        model = OrganisationJoin
        fields = ["domain", "joined_into", "note"]

    def clean_domain(self) -> str:
        return self._domain("domain")

    def clean_joined_into(self) -> str:
        return self._domain("joined_into")

    def _domain(self, field: str) -> str:
        text = self.cleaned_data[field]
        try:
            domain = domain_normalised(text)
        except NotADomain as error:
            raise forms.ValidationError(str(error)) from error
        if domain in organisation_rules().public_domains:
            raise forms.ValidationError(
                _(
                    "%(domain)s is a public mailbox domain: each of its addresses is an "
                    "organisation of its own, so it cannot be joined."
                )
                % {"domain": domain}
            )
        return domain

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        domain, into = cleaned.get("domain"), cleaned.get("joined_into")
        if isinstance(domain, str) and isinstance(into, str):
            # Two admins saving a → b and b → a at once must not both pass: the pool's state
            # row is the lock every join change takes (admin saves run in a transaction).
            pool_state()
            PoolState.objects.select_for_update().filter(pk=POOL_STATE_ID).first()
            others = OrganisationJoin.objects.exclude(pk=self.instance.pk)
            # this join first, so a loop is named from the domain being joined
            joins = {domain: into, **dict(others.values_list("domain", "joined_into"))}
            try:
                joins_resolved(joins)
            except NotADomain as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


@admin.register(OrganisationJoin)
class OrganisationJoinAdmin(admin.ModelAdmin):
    """Admins join mail domains into one organisation (SCORING.md §4); the pool is rebuilt with
    the join by a worker (or by the next comparison, whichever comes first)."""

    form = OrganisationJoinForm
    list_display = ["domain", "joined_into", "responses", "note", "created_at"]
    search_fields = ["domain", "joined_into", "note"]

    @admin.display(description=gettext_lazy("Completed responses from this domain"))
    def responses(self, join: OrganisationJoin) -> int:
        return Response.objects.filter(
            mail_domain=join.domain, status=Response.Status.COMPLETED
        ).count()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._pool_rebuild_queue(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        self._pool_rebuild_queue(request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        self._pool_rebuild_queue(request)

    def _pool_rebuild_queue(self, request: HttpRequest) -> None:
        from benchmarks.tasks import bring_pool_in_line

        transaction.on_commit(lambda: task_send(bring_pool_in_line, what="pool rebuild"))
        self.message_user(
            request,
            _(
                "The peer pool is being rebuilt with this change; comparisons made from now on "
                "count the joined domains as one organisation."
            ),
            messages.INFO,
        )
