"""Moving models to other apps keeps every row: a database built with the migrations of main as
it stood before the move, filled, then migrated to the latest state, on SQLite and PostgreSQL.

The survey app's models moved to `responses` and ApiToken from `cspi` to `consultants`, their
tables staying where they were (state-only migrations that rename content types). The rows are
written with the historical models of the state before the move, never today's classes, so the
test keeps working as the models evolve; they are read back with today's models.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from benchmarks.models import PoolEntry, PoolState, ResponseBenchmark
from benchmarks.services import peer_pool_ensure_current
from consultants.models import ApiToken
from reports.models import Report
from responses.models import Bucket, Campaign, Option, Question, QuestionBank, Response

Node = tuple[str, str]

# Main before the move; the apps the models moved to did not exist yet.
BEFORE_MOVE: list[Node] = [
    ("survey", "0008_public_id_unique"),
    ("benchmarks", "0003_kept_api_answer"),
    ("reports", "0003_archive_progress_at"),
    ("cspi", "0001_initial"),
]
NEW_APPS = ["responses", "consultants"]

# Every model the test fills: its label before the move, and today.
LABELS = {
    "auth.User": "auth.User",
    "survey.QuestionBank": "responses.QuestionBank",
    "survey.Pillar": "responses.Pillar",
    "survey.Bucket": "responses.Bucket",
    "survey.Question": "responses.Question",
    "survey.Option": "responses.Option",
    "survey.Campaign": "responses.Campaign",
    "survey.Response": "responses.Response",
    "survey.ResponseScore": "responses.ResponseScore",
    "survey.PillarScore": "responses.PillarScore",
    "benchmarks.PoolState": "benchmarks.PoolState",
    "benchmarks.PoolEntry": "benchmarks.PoolEntry",
    "benchmarks.ResponseBenchmark": "benchmarks.ResponseBenchmark",
    "reports.Report": "reports.Report",
    "reports.CampaignArchive": "reports.CampaignArchive",
    "cspi.ApiToken": "consultants.ApiToken",
    "admin.LogEntry": "admin.LogEntry",
}

AT = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
OWNER = "consultant@example.com"
CAMPAIGN_ANSWERS = {"1": 7, "2": [7, 8], "3": None, "4": "Fine, thanks"}
API_ANSWERS = {"1": 8, "5": "42.5"}
REPORT_FILE = "reports/report-token.pdf"
ARCHIVE_FILE = "archives/archive-token.zip"


def django_leaves(executor: MigrationExecutor) -> list[Node]:
    """Django's own apps (auth, contenttypes, admin, …) stay at their latest migration."""
    return [
        (app, name)
        for app, name in executor.loader.graph.leaf_nodes()
        if global_apps.get_app_config(app).name.startswith("django.")
    ]


def migrate_before_move(executor: MigrationExecutor) -> Apps:
    """The database as main built it before the move, and that state's (historical) models."""
    executor.loader.build_graph()  # reads what is applied now
    state_nodes = BEFORE_MOVE + django_leaves(executor)
    executor.migrate([*state_nodes, *((app, None) for app in NEW_APPS)])
    assert not [node for node in executor.recorder.applied_migrations() if node[0] in NEW_APPS]
    return executor.loader.project_state(state_nodes).apps


def migrate_to_latest(executor: MigrationExecutor) -> None:
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()  # content types were renamed under the cache


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    """Migrations run outside a transaction, as `migrate` runs them; on SQLite that lets each
    schema editor turn foreign key checks off and on again. The tests after this one find the
    database fully migrated, whatever happened here."""
    executor = MigrationExecutor(connection)
    try:
        yield executor
    finally:
        migrate_to_latest(executor)


def create(old: Apps, label: str, **fields: Any) -> Any:
    return old.get_model(label)._default_manager.create(**fields)


def content_type(old: Apps, app_label: str, model: str) -> Any:
    return old.get_model("contenttypes.ContentType")._default_manager.get_or_create(
        app_label=app_label, model=model
    )[0]


def consultant(old: Apps) -> Any:
    """A user allowed to view responses, through a permission on survey.response."""
    owner = create(old, "auth.User", username=OWNER, email=OWNER, password="!")
    permission, _ = old.get_model("auth.Permission")._default_manager.get_or_create(
        content_type=content_type(old, "survey", "response"),
        codename="view_response",
        defaults={"name": "Can view response"},
    )
    owner.user_permissions.add(permission)
    return owner


def question_bank(old: Apps) -> Any:
    """A published bank of one question, with its pillar, bucket and option."""
    bank = create(
        old, "survey.QuestionBank", key="cspi", version=3, title="CSPI", status="published"
    )
    pillar = create(old, "survey.Pillar", bank=bank, key="adoption", name="Adoption", position=1)
    create(old, "survey.Bucket", bank=bank, key="top", name="Top", lower_bound=Decimal("75.50"))
    question = create(
        old,
        "survey.Question",
        bank=bank,
        number=1,
        kind="single",
        text="How often?",
        section="Adoption",
        pillar=pillar,
        scoring="single",
        weight=Decimal("1.250"),
    )
    create(old, "survey.Option", question=question, code=7, text="Always", points=Decimal("4"))
    return bank


def scored_response(old: Apps, bank: Any, campaign: Any) -> Any:
    """A response completed through the campaign link, with its scores."""
    response = create(
        old,
        "survey.Response",
        bank=bank,
        campaign=campaign,
        status="completed",
        answers=CAMPAIGN_ANSWERS,
        email="ann@acme.example",
        completed_at=AT,
        region="EMEA",
    )
    score = create(
        old,
        "survey.ResponseScore",
        response=response,
        bank=bank,
        overall=Decimal("80.25"),
        overall_bucket="top",
        nps=Decimal("-12.00"),
        scored_at=AT,
    )
    create(
        old,
        "survey.PillarScore",
        response_score=score,
        pillar_key="adoption",
        score=Decimal("80.25"),
        bucket="top",
    )
    return response


def benchmark_and_report(old: Apps, response: Any) -> None:
    """The response in the peer pool, its comparison, and its PDF report."""
    create(old, "benchmarks.PoolState", seq=4, rebuilt_seq=2, pillar_keys=["adoption"])
    create(
        old,
        "benchmarks.PoolEntry",
        response=response,
        email_key="ann@acme.example",
        region="EMEA",
        overall=8025,
        pillars=[8025],
        added_seq=4,
    )
    benchmark = create(
        old,
        "benchmarks.ResponseBenchmark",
        response=response,
        computed_at=AT,
        pool_seq=4,
        k=5,
        pool_size=12,
        comparison={"overall": {"percentile": 75}},
    )
    create(
        old,
        "reports.Report",
        response=response,
        benchmark=benchmark,
        status="ready",
        file=REPORT_FILE,
        finished_at=AT,
    )


def fill(old: Apps) -> None:
    """One of each row the move touches, written as main wrote them before it."""
    owner = consultant(old)
    bank = question_bank(old)
    campaign = create(old, "survey.Campaign", owner=owner, client_name="Acme", bank=bank)
    create(old, "reports.CampaignArchive", campaign=campaign, status="ready", file=ARCHIVE_FILE)
    answered = scored_response(old, bank, campaign)
    benchmark_and_report(old, answered)
    create(old, "survey.Response", bank=bank, submitted_by=owner, answers=API_ANSWERS)
    token = create(
        old, "cspi.ApiToken", user=owner, name="CRM import", key_hash="ab" * 32, prefix="cspi_ab"
    )
    create(
        old,
        "admin.LogEntry",
        user=owner,
        content_type=content_type(old, "cspi", "apitoken"),
        object_id=str(token.pk),
        object_repr="CRM import",
        action_flag=ADDITION,
    )


def kept_columns(old: Apps) -> dict[str, list[str]]:
    """For each filled model, the columns it had before the move and still has today."""
    return {
        before: sorted(
            {f.attname for f in old.get_model(before)._meta.concrete_fields}
            & {f.attname for f in global_apps.get_model(today)._meta.concrete_fields}
        )
        for before, today in LABELS.items()
    }


def rows(apps: Apps, label: str, columns: list[str]) -> list[dict[str, Any]]:
    return list(apps.get_model(label)._default_manager.order_by("pk").values(*columns))


def test_moving_models_to_other_apps_keeps_every_row_relation_and_permission(
    executor: MigrationExecutor,
) -> None:
    # Given main's database before the move, with one of each row
    old = migrate_before_move(executor)
    fill(old)
    columns = kept_columns(old)
    before = {label: rows(old, label, names) for label, names in columns.items()}
    assert all(before.values())

    # When it is migrated to the latest state
    migrate_to_latest(executor)

    # Then today's models find every row, with the same values and references
    after = {label: rows(global_apps, LABELS[label], names) for label, names in columns.items()}
    assert after == before

    # and Django's lookups follow the references across the apps
    owner = User.objects.get(username=OWNER)
    answered = Response.objects.get(campaign__owner=owner)
    submitted = Response.objects.get(submitted_by=owner)
    assert (answered.answers, submitted.answers) == (CAMPAIGN_ANSWERS, API_ANSWERS)
    assert answered.campaign is not None and answered.campaign.owner == owner
    assert answered.score.pillars.get().pillar_key == "adoption"
    assert list(owner.submitted_responses.all()) == [submitted]
    assert Option.objects.get(question__bank=answered.bank).code == 7
    assert Question.objects.get(pillar__key="adoption").bank == answered.bank
    assert Bucket.objects.get(bank__campaigns__owner=owner).key == "top"
    assert QuestionBank.objects.get(responses=submitted) == answered.bank

    # and the pool, the comparisons, the reports and the archives still reach the response
    assert PoolEntry.objects.get().response == answered
    assert PoolState.objects.get().pillar_keys == ["adoption"]
    # and every stored address has its organisation; the pool, kept by e-mail before, is
    # rebuilt by organisation on its next use
    assert (answered.mail_domain, answered.organisation_key) == ("acme.example", "acme.example")
    assert submitted.organisation_key == ""
    peer_pool_ensure_current()
    assert PoolEntry.objects.get().organisation_key == "acme.example"
    assert ResponseBenchmark.objects.get(response__campaign__owner=owner).pool_size == 12
    report = Report.objects.get(response=answered)
    assert (report.file.name, report.benchmark) == (REPORT_FILE, answered.benchmarks.get())
    campaign = Campaign.objects.get(archives__file=ARCHIVE_FILE)
    assert campaign.responses.get() == answered

    # and the API token still belongs to its user
    token = ApiToken.objects.get(user=owner)
    assert owner.api_tokens.get() == token

    # and permissions and admin history follow the models to their new apps
    entry = LogEntry.objects.get(user=owner)
    assert entry.content_type.model_class() is ApiToken
    assert entry.get_edited_object() == token
    permission = owner.user_permissions.get()
    assert permission.content_type.app_label == "responses"
    assert permission.content_type == ContentType.objects.get_for_model(Response)
    assert owner.has_perm("responses.view_response")
