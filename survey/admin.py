"""Responses in Django admin: never edited by hand; the actions that take responses out of the
benchmarks (or back), delete them, or compare them again and render new reports keep the peer
pool and the reports in step, so they live here, above the apps they call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benchmarks.groups import GroupKey
from benchmarks.selectors import benchmark_kept_latest, stored_benchmark
from benchmarks.services import benchmark_compute, responses_benchmark_exclusion_set
from reports.services import report_request
from responses.erasure import responses_erase
from responses.models import Bucket, Erasure, Option, Response, ResponseScore
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec, Kind, QuestionSpec
from scoring.kpis import BENCHMARKED_KPIS, percent_text
from scoring.words import number_text


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
    title = gettext_lazy("industry")
    parameter_name = role = "industry"


class ArrBandFilter(_ProfileFilter):
    title = gettext_lazy("ARR band")
    parameter_name = role = "arr_band"


class RegionFilter(_ProfileFilter):
    title = gettext_lazy("region")
    parameter_name = role = "region"


class BucketFilter(admin.SimpleListFilter):
    """Completed responses by the bucket of their overall score."""

    title = gettext_lazy("bucket")
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

    class Media:
        css = {"all": ["css/admin.css"]}

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
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("email", "status"),
                    "bank",
                    ("created_at", "updated_at", "completed_at"),
                    ("region", "industry", "arr_band"),
                    ("is_demo", "excluded_from_benchmarks"),
                ]
            },
        ),
        (gettext_lazy("Scores and KPIs, as kept"), {"fields": ["scores_shown", "kpis_shown"]}),
        (gettext_lazy("Comparison with peers, as kept"), {"fields": ["comparison_shown"]}),
        (gettext_lazy("Answers"), {"fields": ["answers_shown"]}),
        (gettext_lazy("Record"), {"fields": ["token", "resume_link_sent_to", "revision"]}),
    ]
    readonly_fields = [
        "token",
        "bank",
        "status",
        "answers_shown",
        "scores_shown",
        "kpis_shown",
        "comparison_shown",
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

    # Deleting is erasing: every copy goes (responses.erasure), and the record of it, an
    # Erasure, keeps no personal data. Django's own log would keep the address: not written.

    def delete_model(self, request: HttpRequest, obj: Response) -> None:
        responses_erase(
            responses=Response.objects.filter(pk=obj.pk),
            reason=Erasure.Reason.ADMIN,
            actor=request.user,
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        responses_erase(responses=queryset, reason=Erasure.Reason.ADMIN, actor=request.user)

    def log_deletion(  # type: ignore[override]
        self, request: HttpRequest, obj: Any, object_repr: str
    ) -> None:
        return None

    def log_deletions(self, request: HttpRequest, queryset: Any) -> None:  # type: ignore[override]
        return None

    @admin.display(description=gettext_lazy("Score"), ordering="score__overall")
    def overall_score(self, response: Response) -> Decimal | None:
        score = _score_of(response)
        return score.overall if score else None

    @admin.display(description=gettext_lazy("Bucket"), ordering="score__overall")
    def overall_bucket(self, response: Response) -> str | None:
        score = _score_of(response)
        if score is None:
            return None
        return getattr(response, "overall_bucket_name", None) or score.overall_bucket

    @admin.display(description=gettext_lazy("Answers"))
    def answers_shown(self, response: Response) -> SafeString:
        return answers_table(bank_spec_for(bank=response.bank), response.answers)

    @admin.display(description=gettext_lazy("Scores"))
    def scores_shown(self, response: Response) -> SafeString | str:
        score = _score_of(response)
        if score is None:
            return _("Not scored: the response is not completed.")
        return scores_table(score, bank_spec_for(bank=score.bank))

    @admin.display(description=gettext_lazy("KPIs"))
    def kpis_shown(self, response: Response) -> SafeString | str:
        score = _score_of(response)
        if score is None:
            return _("Not scored: the response is not completed.")
        rows = (
            (kpi.label, kpi.shown(getattr(score, kpi.key)) or _("unknown"))
            for kpi in BENCHMARKED_KPIS
        )
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description=gettext_lazy("Latest comparison"))
    def comparison_shown(self, response: Response) -> SafeString | str:
        kept = benchmark_kept_latest(response=response)
        if kept is None:
            return _("No comparison kept.")
        score = _score_of(response)
        spec = bank_spec_for(bank=score.bank if score else response.bank)
        return comparison_table(stored_benchmark(kept), spec)

    @admin.action(
        description=gettext_lazy("Exclude selected from benchmarks"), permissions=["change"]
    )
    def exclude_from_benchmarks(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        changed = responses_benchmark_exclusion_set(responses=queryset, excluded=True)
        text = ngettext(
            "Excluded %(count)s response(s) from benchmarks.",
            "Excluded %(count)s response(s) from benchmarks.",
            changed,
        )
        self.message_user(request, text % {"count": changed}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Include selected in benchmarks again"), permissions=["change"]
    )
    def include_in_benchmarks(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        changed = responses_benchmark_exclusion_set(responses=queryset, excluded=False)
        text = ngettext(
            "Included %(count)s response(s) in benchmarks again.",
            "Included %(count)s response(s) in benchmarks again.",
            changed,
        )
        self.message_user(request, text % {"count": changed}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Compare again and render a new PDF report (earlier ones stay)"),
        permissions=["change"],
    )
    def new_reports(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        completed = list(queryset.filter(status=Response.Status.COMPLETED))
        for response in completed:
            report_request(response=response, benchmark=benchmark_compute(response=response))
        skipped = queryset.count() - len(completed)
        if skipped:
            text = _(
                "Queued %(count)s new report(s); %(skipped)s unfinished response(s) left alone."
            )
        else:
            text = ngettext(
                "Queued %(count)s new report(s).", "Queued %(count)s new report(s).", len(completed)
            )
        self.message_user(
            request, text % {"count": len(completed), "skipped": skipped}, messages.SUCCESS
        )


def _score_of(response: Response) -> ResponseScore | None:
    try:
        return response.score
    except ResponseScore.DoesNotExist:
        return None


# --- the response's page, readable: question and option texts, units, names of buckets ---------


def answers_table(spec: BankSpec, answers: dict[str, Any]) -> SafeString:
    """Every question of the bank with its answer as the respondent read it; answers to numbers
    the bank does not have (none, normally) are listed after them as stored."""
    rows = [
        (
            _question_label(question.number),
            question.text,
            answer_text(question, answers[str(question.number)]),
        )
        if str(question.number) in answers
        else (
            _question_label(question.number),
            question.text,
            format_html("<em>{}</em>", _("not answered")),
        )
        for question in spec.questions
    ]
    known = {str(question.number) for question in spec.questions}
    rows += [
        (_question_label(key), _("(not in this bank)"), str(value))
        for key, value in answers.items()
        if key not in known
    ]
    return format_html(
        "<table><tbody>{}</tbody></table>",
        format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
    )


def _question_label(number: object) -> str:
    # Translators: a question's number in a table of answers: "Q12" (Q for question).
    return _("Q%(number)s") % {"number": number}


def answer_text(question: QuestionSpec, value: Any) -> SafeString | str:
    if value is None:
        return _("unknown")
    if question.kind is Kind.SINGLE:
        return _option_text(question, value)
    if question.kind is Kind.MULTI:
        codes = value if isinstance(value, list) else [value]
        return format_html(
            '<ul class="plain-list">{}</ul>',
            format_html_join("", "<li>{}</li>", ((_option_text(question, c),) for c in codes)),
        )
    if question.kind in (Kind.INTEGER, Kind.PERCENT):
        number = Decimal(str(value))
        if question.kind is Kind.PERCENT:
            return percent_text(number, places=0 if number == number.to_integral() else 2)
        return number_text(number.normalize())
    return str(value)


def _option_text(question: QuestionSpec, code: Any) -> str:
    option = question.option_by_code(code) if isinstance(code, int) else None
    return option.text if option else _("option %(code)s (not in this bank)") % {"code": code}


def scores_table(score: ResponseScore, spec: BankSpec) -> SafeString:
    names = {pillar.key: pillar.name for pillar in spec.pillars}
    rows = [(_("Overall"), _score_text(score.overall), spec.bucket_name(score.overall_bucket))]
    rows += [
        (
            names.get(row.pillar_key, row.pillar_key),
            _score_text(row.score),
            spec.bucket_name(row.bucket),
        )
        for row in score.pillars.all()
    ]
    scored = _("Scored against %(bank)s on %(at)s.") % {
        "bank": score.bank,
        "at": f"{score.scored_at:%Y-%m-%d %H:%M}",
    }
    return format_html(
        "<table><thead><tr><th></th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table><p>{}</p>",
        _("Score"),
        _("Bucket"),
        format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
        scored,
    )


def _score_text(score: Decimal) -> str:
    return number_format(score, use_l10n=True)


def comparison_table(kept: Any, spec: BankSpec) -> SafeString:
    """The kept comparison's date, pool and K, each group's size, and the medians of "all
    respondents" (nothing of a group under K)."""
    comparison = kept.comparison
    groups = format_html_join(
        "",
        "<li>{}: {}</li>",
        (
            (group.label, _peers_text(group.n) if group.enough_peers else _fewer_than_k(kept.k))
            for group in comparison.groups
        ),
    )
    everyone = comparison.group(GroupKey.ALL)
    medians: Any = _("Fewer than K peers: no medians shown.")
    if everyone.enough_peers and everyone.overall and everyone.pillars is not None:
        names = {pillar.key: pillar.name for pillar in spec.pillars}
        rows = [(_("Overall score"), everyone.overall.median)]
        rows += [(names.get(key, key), stats.median) for key, stats in everyone.pillars.items()]
        kpis = everyone.kpis or {}
        for kpi in BENCHMARKED_KPIS:
            stats = kpis.get(kpi.key)
            rows.append(
                (kpi.label, kpi.shown(stats.median) if stats else _("fewer than K know it"))
            )
        medians = format_html(
            "<table><thead><tr><th></th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Median of all respondents"),
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )
    pool = (
        _peers_text(kept.pool_size)
        if kept.pool_size is not None
        else _("under K (%(k)s)") % {"k": kept.k}
    )
    computed = _("Computed %(at)s; pool: %(pool)s; K = %(k)s.") % {
        "at": f"{kept.computed_at:%Y-%m-%d %H:%M}",
        "pool": pool,
        "k": kept.k,
    }
    return format_html('<p>{}</p><ul class="plain-list">{}</ul>{}', computed, groups, medians)


def _peers_text(count: int) -> str:
    return ngettext("%(count)s peer", "%(count)s peers", count) % {"count": count}


def _fewer_than_k(k: int) -> str:
    return _("fewer than %(k)s") % {"k": k}
