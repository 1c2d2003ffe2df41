"""The pool snapshot as stored: refreshed from completed responses, throttled, kept by the
comparisons shown with it, and the peers' shares of a respondent's roadmap read from it."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from benchmarks.models import PoolSnapshot, PoolState
from benchmarks.outcomes import OVERALL, lens_from_json
from benchmarks.services import benchmark_compute, responses_benchmark_exclusion_set
from benchmarks.snapshots import (
    outcome_lens_for,
    peer_roadmap,
    pool_snapshot_latest,
    pool_snapshot_refresh,
)
from benchmarks.tasks import refresh_pool_snapshot
from cspi.celery import app as celery_app
from responses.models import PillarScore, QuestionBank, Response, ResponseScore
from responses.services import response_start
from responses.task_queue import task_queue_forget
from scoring.bank import BankSpec
from survey.services import response_complete
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.survey.answering import stored_form

pytestmark = pytest.mark.django_db

ONE_SEGMENT = "We have more than 1 customer segment"
BY_CONTRACT_VALUE = "We have more than 1 customer segment and we segment by contract value"
PRESCRIBING = "Prescribing the optimal customer journey"
NO_SEGMENT_USE = "We don't use customer segments"


def complete(spec: BankSpec, email: str, **changes: Any) -> Response:
    """Example A, with answers changed by question number (`q21=…`), completed as the survey
    completes it (the pool is brought in line in the same transaction)."""
    answers = {**EXAMPLE_A, 3: email, **{int(key[1:]): value for key, value in changes.items()}}
    bank = QuestionBank.objects.get(key=spec.key, version=spec.version)
    response = response_start(bank=bank)
    Response.objects.filter(pk=response.pk).update(answers=stored_form(spec, answers), email=email)
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


@pytest.fixture
def k2(settings: Any) -> None:
    settings.BENCHMARK_K = 2
    settings.OUTCOME_SNAPSHOT_MIN_SECONDS = 0


def test_a_refresh_counts_the_pool_from_the_stored_responses(spec: BankSpec, k2: None) -> None:
    rng = random.Random(7)
    for n in range(9):
        mixed = {
            f"q{q}": (EXAMPLE_A if rng.random() < 0.5 else EXAMPLE_B)[q] for q in range(15, 36)
        }
        complete(spec, f"cs@p{n}.example", q10=str(rng.choice([90, 100, 110])), **mixed)
    complete(spec, "CS@P0.example", **{f"q{q}": EXAMPLE_B[q] for q in range(15, 36)})  # again

    snapshot = pool_snapshot_refresh()

    assert snapshot is not None and snapshot.organisations == 9
    assert pool_snapshot_refresh() is None  # nothing changed since
    counted = pd.DataFrame(
        ResponseScore.objects.filter(response__in=latest_per_organisation()).values(
            "overall_bucket", "nrr", "response__answers"
        )
    )
    lens = lens_from_json(snapshot.lens)
    overall = next(metric for metric in lens.metrics if metric.key == OVERALL)
    for cell in overall.buckets:
        rows = counted[counted["overall_bucket"] == cell.key]
        assert cell.n == (len(rows) if len(rows) >= 2 else None), cell.key
        if cell.n:
            nrr = cell.kpis[0]
            assert nrr.median == Decimal(str(rows["nrr"].astype(float).median())).quantize(
                Decimal("0.01")
            )
    # Adoption: Segmentation's Q21, per bucket, against the stored answers and pillar buckets.
    buckets = dict(
        PillarScore.objects.filter(
            pillar_key="segmentation", response_score__response__in=latest_per_organisation()
        ).values_list("response_score__response_id", "bucket")
    )
    answers = dict(Response.objects.filter(pk__in=buckets).values_list("pk", "answers"))
    for bucket, counts in snapshot.adoption["segmentation"].items():
        members = [pk for pk, key in buckets.items() if key == bucket]
        assert counts["n"] == len(members)
        chosen = {(q, code): count for q, code, count in counts["chosen"] if q == 21}
        expected: dict[tuple[int, int], int] = {}
        for pk in members:
            key = (21, answers[pk]["21"])
            expected[key] = expected.get(key, 0) + 1
        assert chosen == expected


def latest_per_organisation() -> list[int]:
    """Each organisation's latest response (the addresses here are plain company domains)."""
    latest: dict[str, int] = {}
    for pk, email in (
        Response.objects.filter(status="completed")
        .order_by("completed_at", "pk")
        .values_list("pk", "email")
    ):
        latest[email.rpartition("@")[2].lower()] = pk
    return list(latest.values())


def test_a_pool_change_queues_a_refresh_once_it_commits(
    spec: BankSpec, k2: None, django_capture_on_commit_callbacks: Any
) -> None:
    complete(spec, "first@one.example")
    second = complete(spec, "second@two.example")
    assert pool_snapshot_latest() is None
    # Queued tasks run right there from now on, as a worker would run them (not before: the
    # completions' reports need not be rendered).
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    # The completions' sends may have found no broker (a fresh checkout has no queue folder)
    # and left this process resting from it for a few seconds; the worker is here now.
    task_queue_forget()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            excluded = Response.objects.filter(pk=second.pk)
            responses_benchmark_exclusion_set(responses=excluded, excluded=True)
            assert pool_snapshot_latest() is None  # not before the change commits
    finally:
        celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = False

    snapshot = pool_snapshot_latest()
    assert snapshot is not None and snapshot.pool_seq == PoolState.objects.get().seq
    assert snapshot.organisations == 1


def test_a_refresh_soon_after_the_last_waits_for_its_time(
    spec: BankSpec, settings: Any, monkeypatch: Any
) -> None:
    settings.OUTCOME_SNAPSHOT_MIN_SECONDS = 60
    complete(spec, "first@one.example")
    assert refresh_pool_snapshot() is not None
    complete(spec, "second@two.example")
    later: list[float] = []
    monkeypatch.setattr(
        refresh_pool_snapshot, "apply_async", lambda countdown: later.append(countdown)
    )

    assert refresh_pool_snapshot() is None
    assert refresh_pool_snapshot() is None  # one waiting task for any number of changes

    assert PoolSnapshot.objects.count() == 1
    assert len(later) == 1 and 55 < later[0] <= 60
    settings.OUTCOME_SNAPSHOT_MIN_SECONDS = 0
    assert refresh_pool_snapshot() is not None


def test_a_comparison_keeps_the_snapshot_it_was_shown_with(spec: BankSpec, k2: None) -> None:
    mine = complete(spec, "me@example.com")
    yours = Response.objects.filter(pk=complete(spec, "you@elsewhere.example").pk)
    first = pool_snapshot_refresh()
    benchmark = benchmark_compute(response=mine)
    assert first is not None and benchmark is not None and benchmark.snapshot_id == first.pk
    unreferred = []
    for n in range(4):  # pool changes no comparison is made on: only the last three stay
        responses_benchmark_exclusion_set(responses=yours, excluded=n % 2 == 0)
        made = pool_snapshot_refresh()
        assert made is not None
        unreferred.append(made.pk)

    assert PoolSnapshot.objects.filter(pk=unreferred[0]).exists() is False
    assert set(PoolSnapshot.objects.values_list("pk", flat=True)) == {first.pk, *unreferred[1:]}
    lens = outcome_lens_for(benchmark=benchmark)
    assert lens is not None and lens == lens_from_json(first.lens) and lens.n == 2


def segmentation_peers(spec: BankSpec) -> None:
    """Three peers in Segmentation's Emerging bucket: two by contract value, one that uses
    its one segment to prescribe the customer journey."""
    complete(spec, "a@peer-a.example", q21=BY_CONTRACT_VALUE)
    complete(spec, "b@peer-b.example", q21=BY_CONTRACT_VALUE)
    complete(spec, "c@peer-c.example", q21=ONE_SEGMENT, q22=[PRESCRIBING])


def test_shares_leave_out_the_respondents_own_organisation(spec: BankSpec, k2: None) -> None:
    # My older response is in Undeveloped; my latest (my pool entry) is one bucket up, where
    # the shares count: it must not count as one of my peers.
    older = complete(spec, "me@example.com")
    segmentation_peers(spec)
    complete(spec, "me@example.com", q21=ONE_SEGMENT, q22=[PRESCRIBING])
    pool_snapshot_refresh()
    benchmark = benchmark_compute(response=older)

    plans = {plan.pillar_key: plan for plan in peer_roadmap(response=older, benchmark=benchmark)}

    plan = plans["segmentation"]
    assert (plan.next_bucket.name, plan.peers) == ("Emerging", 3)
    steps = {(step.question_number, step.option_text): step.share for step in plan.steps}
    # 1 of 3 peers (not 2 of 4) chose each: 33.3 % shown as 35 %.
    assert steps == {(21, ONE_SEGMENT): 35, (22, PRESCRIBING): 35}
    # then the next rung, "by contract value", chosen by 2 of 3
    assert [(step.option_text, step.share) for step in plan.path] == [
        (ONE_SEGMENT, 35),
        (BY_CONTRACT_VALUE, 65),
    ]


def test_no_shares_when_the_own_entry_of_then_cannot_be_read(spec: BankSpec, k2: None) -> None:
    mine = complete(spec, "me@example.com")
    segmentation_peers(spec)
    snapshot = pool_snapshot_refresh()
    benchmark = benchmark_compute(response=mine)
    assert snapshot is not None and benchmark is not None

    def shares() -> list[int | None]:
        plans = peer_roadmap(response=mine, benchmark=benchmark)
        return [
            step.share for plan in plans if plan.pillar_key == "segmentation" for step in plan.steps
        ]

    assert shares() == [35, 35]  # 1 of 3
    PoolState.objects.update(pruned_seq=snapshot.pool_seq + 1)  # its history pruned since
    assert shares() == [None, None]
