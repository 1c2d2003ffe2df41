"""BENCHMARK_WINDOW_MONTHS: only responses completed within the window count as peers; the
ones that age out leave the pool (nightly, or first thing on the day's first comparison),
once, and every process's index follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from benchmarks import services
from benchmarks.models import PoolEntry
from benchmarks.pool import peer_pool, window_start
from benchmarks.selectors import peer_index_current
from benchmarks.services import benchmark_compute, peer_pool_age_out, peer_pool_rebuild
from responses.models import Response
from tests.benchmarks import pool_row
from tests.benchmarks.test_pool_service import complete


@pytest.mark.parametrize(
    ("now", "months", "expected"),
    [
        (datetime(2026, 12, 4, 13, 5, tzinfo=UTC), 24, datetime(2024, 12, 4, tzinfo=UTC)),
        (datetime(2026, 3, 31, 23, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2028, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 15, 8, 0, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
        (datetime(2026, 1, 15, 8, 0, tzinfo=UTC), 0, None),
    ],
)
def test_the_window_starts_at_midnight_utc_the_same_day_months_ago(now, months, expected):
    assert window_start(now, months) == expected


def test_an_organisation_whose_latest_answer_is_older_than_the_window_is_no_peer():
    since = datetime(2026, 1, 1, 0, 2, tzinfo=UTC)
    rows = [
        pool_row(1, email="a@old.example", minutes=0),
        pool_row(2, email="b@old.example", minutes=1),  # both before: the organisation goes
        pool_row(3, email="a@new.example", minutes=0),
        pool_row(4, email="b@new.example", minutes=2),  # its latest is inside: it stays
    ]

    kept = peer_pool(rows, include_demo=False, since=since)

    assert [row.response_id for row in kept] == [4]


def _aged(response: Response, days: int) -> None:
    Response.objects.filter(pk=response.pk).update(
        completed_at=timezone.now() - timedelta(days=days)
    )


def test_a_rebuild_counts_only_answers_within_the_window(spec, settings):
    settings.BENCHMARK_WINDOW_MONTHS = 24
    people = [complete(spec, f"cs@p{n}.example") for n in range(7)]
    _aged(people[1], 800)  # about 26 months ago
    _aged(people[2], 700)

    peer_pool_rebuild()

    active = set(PoolEntry.objects.filter(removed_seq__isnull=True).values_list("response_id"))
    assert (people[1].pk,) not in active and (people[2].pk,) in active
    stored = benchmark_compute(response=people[0])
    assert stored is not None and stored.pool_size == 5


def test_answers_age_out_once_and_every_process_index_follows(spec, settings, monkeypatch):
    settings.BENCHMARK_WINDOW_MONTHS = 24
    people = [complete(spec, f"cs@p{n}.example") for n in range(8)]
    for person in people[5:]:
        _aged(person, 40)
    peer_pool_rebuild()
    with peer_index_current() as live:
        assert live.index.groups[(services.GroupKey.ALL, None)].size == 8

    later = timezone.now() + timedelta(days=731)  # 24 months on: the 40-day-old ones are out
    monkeypatch.setattr(services.timezone, "now", lambda: later)

    assert peer_pool_age_out() == 3
    assert peer_pool_age_out() == 0  # the same day again: nothing more
    with peer_index_current() as live:  # a loaded index catches up on the closed entries
        assert live.index.groups[(services.GroupKey.ALL, None)].size == 5
    stored = benchmark_compute(response=people[0])
    assert stored is not None and stored.pool_size is None  # 4 peers now: under K


def test_the_first_comparison_of_a_day_ages_the_pool_out_when_the_task_has_not(
    spec: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.BENCHMARK_WINDOW_MONTHS = 24
    people = [complete(spec, f"cs@p{n}.example") for n in range(7)]
    _aged(people[6], 40)
    peer_pool_rebuild()
    later = timezone.now() + timedelta(days=731)
    monkeypatch.setattr(services.timezone, "now", lambda: later)

    stored = benchmark_compute(response=people[0])  # no nightly run before it

    assert stored is not None and stored.pool_size == 5


def test_a_wider_window_setting_brings_older_answers_back(spec, settings):
    settings.BENCHMARK_WINDOW_MONTHS = 24
    people = [complete(spec, f"cs@p{n}.example") for n in range(7)]
    _aged(people[6], 800)
    peer_pool_rebuild()
    assert benchmark_compute(response=people[0]).pool_size == 5  # type: ignore[union-attr]

    settings.BENCHMARK_WINDOW_MONTHS = 36

    assert benchmark_compute(response=people[0]).pool_size == 6  # type: ignore[union-attr]
