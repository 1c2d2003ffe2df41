"""The roadmap's pages, the same for a respondent (through their private link, survey/) and for
the consultant of their campaign (consultants/). The caller finds the response, decides who may
see it and says where the pages live (`RoadmapPlace`); everything after that is here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from responses.models import Response
from roadmaps.exports import roadmap_csv, roadmap_ics
from roadmaps.forms import NO_TARGET, MilestoneForm, TargetForm
from roadmaps.models import Milestone
from roadmaps.selectors import Roadmap, milestone_for, roadmap_for
from roadmaps.services import (
    RoadmapRefused,
    milestone_add,
    milestone_delete,
    milestone_update,
    target_clear,
    target_set,
)

View = Callable[..., HttpResponse]

EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


@dataclass(frozen=True)
class RoadmapPlace:
    """Where a response's roadmap pages live: URL names `<namespace>:roadmap…` taking `args`
    (then a milestone id), the layout they extend, and what else the page shows."""

    response: Response
    namespace: str
    args: tuple[str, ...]
    base_template: str
    heading: str
    back_url: str
    back_text: str
    context: dict[str, Any] = field(default_factory=dict)  # the PDF panel's

    def url(self, suffix: str = "", *more: str) -> str:
        return reverse(f"{self.namespace}:roadmap{suffix}", args=[*self.args, *more])


def roadmap_page(request: HttpRequest, place: RoadmapPlace) -> HttpResponse:
    """The targets and milestones; POST sets a target (`action=target`) or adds a milestone."""
    roadmap = roadmap_for(response=place.response)
    target_forms = {pillar.key: _target_form(roadmap, pillar.key) for pillar in roadmap.pillars}
    new_form = MilestoneForm(pillars=roadmap.pillars, prefix="new", initial=_new_initial(request))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "target":
            pillar_key = request.POST.get("pillar", "")
            if pillar_key not in target_forms:
                raise Http404("No such pillar.")
            form = _target_form(roadmap, pillar_key, request.POST)
            target_forms[pillar_key] = form
            if form.is_valid() and _target_save(request, place, form):
                return redirect(place.url() + f"#pillar-{pillar_key}")
        elif action == "add":
            new_form = MilestoneForm(request.POST, pillars=roadmap.pillars, prefix="new")
            if new_form.is_valid() and _milestone_add(request, place, new_form):
                return redirect(place.url() + "#milestones")
    context = {"roadmap": roadmap, "target_forms": target_forms, "new_form": new_form}
    return _render(request, place, "survey/roadmap.html", context)


def milestone_page(request: HttpRequest, place: RoadmapPlace, public_id: str) -> HttpResponse:
    """One milestone's edit page."""
    milestone = _milestone_or_404(place, public_id)
    roadmap = roadmap_for(response=place.response)
    initial = {
        "pillar": milestone.pillar_key,
        "title": milestone.title,
        "owner": milestone.owner,
        "due_on": milestone.due_on,
        "status": milestone.status,
    }
    data = request.POST if request.method == "POST" else None
    form = MilestoneForm(
        data, pillars=roadmap.pillars, due_before=milestone.due_on, initial=initial
    )
    if data is not None and form.is_valid():
        try:
            milestone_update(milestone=milestone, **_fields(form))
        except RoadmapRefused as refused:
            _errors_onto(form, refused)
        else:
            messages.success(request, _("Saved “%(title)s”.") % {"title": milestone.title})
            return redirect(place.url() + "#milestones")
    context = {"milestone": milestone, "form": form}
    return _render(request, place, "survey/roadmap_milestone.html", context)


def milestone_delete_page(
    request: HttpRequest, place: RoadmapPlace, public_id: str
) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    milestone = _milestone_or_404(place, public_id)
    if request.method == "POST":
        milestone_delete(milestone=milestone)
        messages.success(request, _("Deleted “%(title)s”.") % {"title": milestone.title})
        return redirect(place.url() + "#milestones")
    return _render(request, place, "survey/roadmap_delete.html", {"milestone": milestone})


def roadmap_export(place: RoadmapPlace, extension: str) -> HttpResponse:
    """The milestones as `roadmap.csv` or `roadmap.ics`, kept by no shared cache."""
    if extension not in EXPORTS:
        raise Http404("No such export.")
    export = roadmap_csv if extension == "csv" else roadmap_ics
    reply = HttpResponse(export(response=place.response), content_type=EXPORTS[extension])
    reply["Content-Disposition"] = f'attachment; filename="cspi-roadmap.{extension}"'
    reply["Cache-Control"] = "private, no-store"
    reply["Referrer-Policy"] = "no-referrer"
    return reply


def _target_form(roadmap: Roadmap, pillar_key: str, data: Any = None) -> TargetForm:
    pillar = next(p for p in roadmap.pillars if p.key == pillar_key)
    return TargetForm(data, pillar=pillar, buckets=roadmap.spec.buckets, prefix=pillar_key)


def _target_save(request: HttpRequest, place: RoadmapPlace, form: TargetForm) -> bool:
    pillar = form.pillar
    key = form.cleaned_data["target"]
    if key == NO_TARGET:
        target_clear(response=place.response, pillar_key=pillar.key)
        messages.success(request, _("%(pillar)s has no target now.") % {"pillar": pillar.name})
        return True
    try:
        outcome = target_set(response=place.response, pillar_key=pillar.key, bucket_key=key)
    except RoadmapRefused as refused:
        _errors_onto(form, refused)
        return False
    text = _("Target for %(pillar)s: %(bucket)s.") % {
        "pillar": pillar.name,
        "bucket": form.buckets[key].name,
    }
    proposed = len(outcome.proposed)
    if proposed:
        more = ngettext(
            "%(num)d milestone proposed below: edit or delete them as you need.",
            "%(num)d milestones proposed below: edit or delete them as you need.",
            proposed,
        ) % {"num": proposed}
        text = f"{text} {more}"
    messages.success(request, text)
    return True


def _milestone_add(request: HttpRequest, place: RoadmapPlace, form: MilestoneForm) -> bool:
    try:
        milestone = milestone_add(response=place.response, **_fields(form))
    except RoadmapRefused as refused:
        _errors_onto(form, refused)
        return False
    messages.success(request, _("Added “%(title)s”.") % {"title": milestone.title})
    return True


def _fields(form: MilestoneForm) -> dict[str, Any]:
    data = form.cleaned_data
    names = ("title", "owner", "due_on", "status")
    return {"pillar_key": data["pillar"], **{name: data[name] for name in names}}


def _errors_onto(form: MilestoneForm | TargetForm, refused: RoadmapRefused) -> None:
    for name, problem in refused.problems.items():
        form.add_error(name if name in form.fields else None, problem)


def _new_initial(request: HttpRequest) -> dict[str, str]:
    """A link from a pillar ("Add a milestone") preselects it."""
    pillar = request.GET.get("pillar", "")
    return {"pillar": pillar, "status": Milestone.Status.PLANNED} if pillar else {}


def _milestone_or_404(place: RoadmapPlace, public_id: str) -> Milestone:
    milestone = milestone_for(response=place.response, public_id=public_id)
    if milestone is None:
        raise Http404("No such milestone.")
    return milestone


def _render(
    request: HttpRequest, place: RoadmapPlace, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, template, {"place": place, **place.context, **context})


def roadmap_urlpatterns(
    *,
    roadmap: View,
    pdf: View,
    export: View,
    milestone: View,
    milestone_delete: View,
) -> list[URLPattern]:
    """The roadmap's URLs, the same under the private link and under the workspace; each side
    passes its own views (which find the response and check who may see it)."""
    return [
        path("roadmap/", roadmap, name="roadmap"),
        path("roadmap/pdf/", pdf, name="roadmap-pdf"),
        path("roadmap.<str:extension>", export, name="roadmap-export"),
        path("roadmap/milestones/<token:milestone_id>/", milestone, name="roadmap-milestone"),
        path(
            "roadmap/milestones/<token:milestone_id>/delete/",
            milestone_delete,
            name="roadmap-milestone-delete",
        ),
    ]
