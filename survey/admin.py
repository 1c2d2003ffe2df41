"""Responses in Django admin: never edited by hand; the actions that take responses out of the
benchmarks (or back), delete them, or compare them again and render new reports keep the peer
pool and the reports in step, so they live here, above the apps they call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from benchmarks.groups import GroupKey
from benchmarks.selectors import benchmark_kept_latest, stored_benchmark
from benchmarks.services import benchmark_compute, responses_benchmark_exclusion_set
from reports.services import report_request
from responses.erasure import responses_erase
from responses.models import Bucket, Erasure, Option, Response, ResponseScore
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec, Kind, QuestionSpec
from scoring.kpis import BENCHMARKED_KPIS, percent_text


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
        ("Scores and KPIs, as kept", {"fields": ["scores_shown", "kpis_shown"]}),
        ("Comparison with peers, as kept", {"fields": ["comparison_shown"]}),
        ("Answers", {"fields": ["answers_shown"]}),
        ("Record", {"fields": ["token", "resume_link_sent_to", "revision"]}),
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

    @admin.display(description="Answers")
    def answers_shown(self, response: Response) -> SafeString:
        return answers_table(bank_spec_for(bank=response.bank), response.answers)

    @admin.display(description="Scores")
    def scores_shown(self, response: Response) -> SafeString | str:
        score = _score_of(response)
        if score is None:
            return "Not scored: the response is not completed."
        return scores_table(score, bank_spec_for(bank=score.bank))

    @admin.display(description="KPIs")
    def kpis_shown(self, response: Response) -> SafeString | str:
        score = _score_of(response)
        if score is None:
            return "Not scored: the response is not completed."
        rows = (
            (kpi.label, kpi.shown(getattr(score, kpi.key)) or "unknown") for kpi in BENCHMARKED_KPIS
        )
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description="Latest comparison")
    def comparison_shown(self, response: Response) -> SafeString | str:
        kept = benchmark_kept_latest(response=response)
        if kept is None:
            return "No comparison kept."
        score = _score_of(response)
        spec = bank_spec_for(bank=score.bank if score else response.bank)
        return comparison_table(stored_benchmark(kept), spec)

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


# --- the response's page, readable: question and option texts, units, names of buckets ---------


def answers_table(spec: BankSpec, answers: dict[str, Any]) -> SafeString:
    """Every question of the bank with its answer as the respondent read it; answers to numbers
    the bank does not have (none, normally) are listed after them as stored."""
    rows = [
        (f"Q{question.number}", question.text, answer_text(question, answers[str(question.number)]))
        if str(question.number) in answers
        else (f"Q{question.number}", question.text, format_html("<em>{}</em>", "not answered"))
        for question in spec.questions
    ]
    known = {str(question.number) for question in spec.questions}
    rows += [
        (f"Q{key}", "(not in this bank)", str(value))
        for key, value in answers.items()
        if key not in known
    ]
    return format_html(
        "<table><tbody>{}</tbody></table>",
        format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
    )


def answer_text(question: QuestionSpec, value: Any) -> SafeString | str:
    if value is None:
        return "unknown"
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
        return f"{number.normalize():,f}"
    return str(value)


def _option_text(question: QuestionSpec, code: Any) -> str:
    option = question.option_by_code(code) if isinstance(code, int) else None
    return option.text if option else f"option {code} (not in this bank)"


def scores_table(score: ResponseScore, spec: BankSpec) -> SafeString:
    names = {pillar.key: pillar.name for pillar in spec.pillars}
    rows = [("Overall", score.overall, spec.bucket_name(score.overall_bucket))]
    rows += [
        (names.get(row.pillar_key, row.pillar_key), row.score, spec.bucket_name(row.bucket))
        for row in score.pillars.all()
    ]
    return format_html(
        "<table><thead><tr><th></th><th>Score</th><th>Bucket</th></tr></thead>"
        "<tbody>{}</tbody></table><p>Scored against {} on {}.</p>",
        format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
        score.bank,
        f"{score.scored_at:%Y-%m-%d %H:%M}",
    )


def comparison_table(kept: Any, spec: BankSpec) -> SafeString:
    """The kept comparison's date, pool and K, each group's size, and the medians of "all
    respondents" (nothing of a group under K)."""
    comparison = kept.comparison
    groups = format_html_join(
        "",
        "<li>{}: {}</li>",
        (
            (group.label, f"{group.n} peers" if group.enough_peers else f"fewer than {kept.k}")
            for group in comparison.groups
        ),
    )
    everyone = comparison.group(GroupKey.ALL)
    medians: Any = "Fewer than K peers: no medians shown."
    if everyone.enough_peers and everyone.overall and everyone.pillars is not None:
        names = {pillar.key: pillar.name for pillar in spec.pillars}
        rows = [("Overall score", everyone.overall.median)]
        rows += [(names.get(key, key), stats.median) for key, stats in everyone.pillars.items()]
        kpis = everyone.kpis or {}
        for kpi in BENCHMARKED_KPIS:
            stats = kpis.get(kpi.key)
            rows.append((kpi.label, kpi.shown(stats.median) if stats else "fewer than K know it"))
        medians = format_html(
            "<table><thead><tr><th></th><th>Median of all respondents</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )
    pool = f"{kept.pool_size} peers" if kept.pool_size is not None else f"under K ({kept.k})"
    return format_html(
        '<p>Computed {}; pool: {}; K = {}.</p><ul class="plain-list">{}</ul>{}',
        f"{kept.computed_at:%Y-%m-%d %H:%M}",
        pool,
        kept.k,
        groups,
        medians,
    )
