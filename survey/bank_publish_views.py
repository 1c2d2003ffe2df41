"""Publishing a draft bank from admin, after reading what it would do to the peer pool.

The bank admin's "Publish" action (responses/admin.py) leads here by URL name: the admin of
banks sits below `benchmarks/`, which computes the impact, so the page lives up here. Staff
with the change permission on question banks only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from benchmarks.impact import (
    PublishRefused,
    bank_fingerprint,
    bank_impact_for,
    bank_publish_confirmed,
)
from benchmarks.models import BankImpact
from responses.bank_file import BankFileError
from responses.models import QuestionBank

CHANGELIST = "admin:responses_questionbank_changelist"


def _bank_for_staff(request: HttpRequest, bank_id: int) -> QuestionBank:
    if not request.user.has_perm("responses.change_questionbank"):
        raise PermissionDenied
    return get_object_or_404(QuestionBank, pk=bank_id)


@staff_member_required
@require_http_methods(["GET", "POST"])
def bank_publish_confirm(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = _bank_for_staff(request, bank_id)
    if not bank.is_editable:
        messages.warning(
            request, _("%(bank)s is not a draft: only a draft can be published.") % {"bank": bank}
        )
        return HttpResponseRedirect(reverse(CHANGELIST))
    if request.method == "POST":
        return _publish(request, bank)
    try:
        impact = bank_impact_for(bank=bank, user=request.user)
    except BankFileError as error:
        return _refused(request, bank, error)
    result = impact.result if impact.status == BankImpact.Status.DONE else None
    context = {
        **admin.site.each_context(request),
        "opts": QuestionBank._meta,
        "title": _("Publish %(bank)s?") % {"bank": bank},
        "bank": bank,
        "impact": impact,
        "result": result,
        "rows": _rows(result) if result else [],
        "percent": _percent(impact),
    }
    return TemplateResponse(request, "admin/bank_publish_confirm.html", context)


def _publish(request: HttpRequest, bank: QuestionBank) -> HttpResponse:
    impact_id = request.POST.get("impact", "")
    try:
        published = bank_publish_confirmed(
            bank_id=bank.pk,
            impact_id=int(impact_id) if impact_id.isdigit() else 0,
            actor=request.user,
        )
    except PublishRefused as error:
        messages.error(request, str(error))
    except BankFileError as error:
        return _refused(request, bank, error)
    else:
        messages.success(
            request,
            _("Published %(title)s v%(version)s.")
            % {"title": published.title, "version": published.version},
        )
        return HttpResponseRedirect(reverse(CHANGELIST))
    bank.refresh_from_db()
    if not bank.is_editable:
        return HttpResponseRedirect(reverse(CHANGELIST))
    return HttpResponseRedirect(reverse("bank-publish", args=[bank.pk]))


def _refused(request: HttpRequest, bank: QuestionBank, error: BankFileError) -> HttpResponse:
    """A draft that fails publishing's checks: its problems, on its edit page."""
    for problem in error.problems:
        messages.error(
            request,
            _("%(bank)s cannot be published: %(problem)s") % {"bank": bank, "problem": problem},
        )
    return HttpResponseRedirect(reverse("admin:responses_questionbank_change", args=[bank.pk]))


@staff_member_required
@require_GET
def bank_impact_status(request: HttpRequest, bank_id: int) -> JsonResponse:
    """The page's progress, polled by static/js/impact.js until the impact is done."""
    bank = _bank_for_staff(request, bank_id)
    impact = (
        BankImpact.objects.filter(bank=bank, fingerprint=bank_fingerprint(bank=bank)).first()
        if bank.is_editable
        else None
    )
    if impact is None:
        return JsonResponse(
            {"status": "outdated", "text": _("The draft changed: reload the page.")}
        )
    return JsonResponse(
        {
            "status": impact.status,
            "done": impact.done,
            "total": impact.total,
            "percent": _percent(impact),
            "text": _progress_text(impact),
        }
    )


def _rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The overall score and each pillar, with their quartiles as old → new pairs."""
    rows = []
    for row in [result["overall"], *result["pillars"]]:
        old, new = row["old"] or {}, row["new"] or {}
        quartiles = [
            {
                "old": old.get(name, "–"),
                "new": new.get(name, "–"),
                "moved": old.get(name) != new.get(name),
            }
            for name in ("p25", "median", "p75")
        ]
        rows.append(
            {"changed_bucket": None, "up": None, "down": None, **row, "quartiles": quartiles}
        )
    return rows


def _percent(impact: BankImpact) -> int:
    return 100 * impact.done // impact.total if impact.total else 100


def _progress_text(impact: BankImpact) -> str:
    if impact.status == BankImpact.Status.FAILED:
        return _("The computation failed; reload the page to try again.")
    if impact.status == BankImpact.Status.DONE:
        return _("Done: reloading…")
    return _("Rescored %(done)s of %(total)s pool responses (%(percent)s %%).") % {
        "done": number_format(impact.done, use_l10n=True, force_grouping=True),
        "total": number_format(impact.total, use_l10n=True, force_grouping=True),
        "percent": _percent(impact),
    }


urlpatterns: list[Any] = [
    path("<int:bank_id>/publish/", bank_publish_confirm, name="bank-publish"),
    path("<int:bank_id>/publish/status/", bank_impact_status, name="bank-publish-status"),
]
