"""Reads that feed the survey pages: the current bank, its spec (cached), a response by token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from responses.languages import language_activate
from responses.models import Option, Question, QuestionBank, Response, ResponseScore
from responses.rows import RowReader
from scoring.bank import BankSpec, BucketSpec, Kind, OptionSpec, PillarSpec, QuestionSpec, Scoring
from scoring.kpis import BENCHMARKED_KPIS, KPI_KEYS
from scoring.meanings import bucket_meaning
from scoring.plan import PillarPlan

# Published and archived banks never change, so their spec is built once per process. The key
# includes the creation time: a primary key alone can come back after a rolled-back insert.
_frozen_specs: dict[tuple[int, datetime], BankSpec] = {}


def bank_current(*, key: str = "cspi") -> QuestionBank | None:
    return QuestionBank.objects.filter(key=key, status=QuestionBank.Status.PUBLISHED).first()


def bank_spec_for(*, bank: QuestionBank) -> BankSpec:
    if bank.is_editable:
        return _bank_spec_load(bank)
    key = (bank.pk, bank.created_at)
    spec = _frozen_specs.get(key)
    if spec is None:
        spec = _frozen_specs[key] = _bank_spec_load(bank)
    return spec


def _bank_spec_load(bank: QuestionBank) -> BankSpec:
    questions = list(Question.objects.filter(bank=bank).select_related("pillar"))
    options_by_question: dict[int, list[OptionSpec]] = {}
    for option in Option.objects.filter(question__bank=bank).order_by("question_id", "position"):
        options_by_question.setdefault(option.question_id, []).append(
            OptionSpec(option.code, option.text, option.points, option.exclusive)
        )
    return BankSpec(
        key=bank.key,
        version=bank.version,
        title=bank.title,
        intro=bank.intro,
        pillars=tuple(PillarSpec(p.key, p.name, p.description) for p in bank.pillars.all()),
        buckets=tuple(BucketSpec(b.key, b.name, b.lower_bound) for b in bank.buckets.all()),
        questions=tuple(
            QuestionSpec(
                number=q.number,
                kind=Kind(q.kind),
                text=q.text,
                help=q.help,
                required=q.required,
                section=q.section,
                pillar=q.pillar.key if q.pillar else None,
                scoring=Scoring(q.scoring) if q.scoring else None,
                weight=Decimal(q.weight),
                min_value=q.min_value,
                max_value=q.max_value,
                max_length=q.max_length,
                unknown_allowed=q.unknown_allowed,
                role=q.role or None,
                options=tuple(options_by_question.get(q.pk, ())),
            )
            for q in questions
        ),
    )


# The hottest query of the product (every survey page and save). Written out (responses.rows), it
# skips the ORM's query compilation and raw()'s column matching, which together cost about as
# much as the database round trip itself.
_RESPONSE_ROWS = RowReader(Response)
RESPONSE_BY_TOKEN_SQL = "SELECT {} FROM {} WHERE {} = %s".format(
    _RESPONSE_ROWS.columns(), _RESPONSE_ROWS.table, _RESPONSE_ROWS.column("token")
)


def response_by_token(*, token: str) -> Response | None:
    """The response behind a private link. The respondent's pages speak its language, so
    finding it makes the rest of the request speak it too (responses.languages)."""
    connection = connections[router.db_for_read(Response)]
    with connection.cursor() as cursor:
        cursor.execute(RESPONSE_BY_TOKEN_SQL, [token])
        row = cursor.fetchone()
    if row is None:
        return None
    response = _RESPONSE_ROWS.read(connection, row)
    response.bank = bank_by_id(bank_id=response.bank_id)
    language_activate(response.language)
    return response


# Banks by primary key, for this process; only published and archived ones, which never change.
_frozen_banks: dict[int, QuestionBank] = {}


def bank_by_id(*, bank_id: int) -> QuestionBank:
    bank = _frozen_banks.get(bank_id)
    if bank is None:
        bank = QuestionBank.objects.get(pk=bank_id)
        if not bank.is_editable:
            _frozen_banks[bank_id] = bank
    return bank


def frozen_caches_clear() -> None:
    """Forget cached banks and specs (tests, whose rolled-back rows can reuse primary keys)."""
    _frozen_banks.clear()
    _frozen_specs.clear()


def response_is_expired(*, response: Response) -> bool:
    """An unfinished response is kept for SURVEY_DRAFT_DAYS after it was last saved."""
    if response.is_completed:
        return False
    return response.updated_at < draft_cutoff()


def draft_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.SURVEY_DRAFT_DAYS)


@dataclass(frozen=True, slots=True)
class PillarResult:
    key: str
    name: str
    description: str
    score: Decimal
    bucket: BucketSpec
    meaning: str
    # The next-bucket plan, ranked with peers' shares by benchmarks.snapshots
    # (`results_with_peer_roadmap`); None here, and for a pillar in the top bucket.
    plan: PillarPlan | None = None


@dataclass(frozen=True, slots=True)
class KpiResult:
    label: str
    value: str | None  # None: the respondent did not know or preferred not to say


@dataclass(frozen=True, slots=True)
class Results:
    response: Response
    spec: BankSpec
    scored_against: QuestionBank
    overall: Decimal
    overall_bucket: BucketSpec
    pillars: tuple[PillarResult, ...]
    kpis: tuple[KpiResult, ...]
    kpi_values: dict[str, Decimal | None]  # by KPI key, as kept: what peers are compared on


def response_results(*, response: Response) -> Results:
    """A completed response's stored scores, with bucket meanings (the plans come from
    benchmarks.snapshots.results_with_peer_roadmap, which ranks them with peers' shares)."""
    from responses.bank_texts import bank_spec_shown  # it reads specs from here

    stored = ResponseScore.objects.select_related("bank").get(response=response)
    pillar_rows = list(stored.pillars.all())
    spec = bank_spec_shown(bank=stored.bank)  # names in the reader's language
    buckets = {bucket.key: bucket for bucket in spec.buckets}
    pillar_specs = {pillar.key: pillar for pillar in spec.pillars}
    pillars = tuple(
        PillarResult(
            key=row.pillar_key,
            name=pillar_specs[row.pillar_key].name,
            description=pillar_specs[row.pillar_key].description,
            score=row.score,
            bucket=buckets[row.bucket],
            meaning=bucket_meaning(row.pillar_key, row.bucket),
        )
        for row in pillar_rows
    )
    return Results(
        response=response,
        spec=spec,
        scored_against=stored.bank,
        overall=stored.overall,
        overall_bucket=buckets[stored.overall_bucket],
        pillars=pillars,
        kpis=tuple(
            KpiResult(kpi.label, kpi.shown(getattr(stored, kpi.key))) for kpi in BENCHMARKED_KPIS
        ),
        kpi_values={key: getattr(stored, key) for key in KPI_KEYS},
    )
