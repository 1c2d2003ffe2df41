"""The index's numbers against an independent pandas computation on the raw rows."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd
import pytest

from benchmarks.groups import Comparison, GroupKey, MetricStats, RespondentValues
from benchmarks.percentiles import quartile_band
from benchmarks.pool import PoolRow, peer_pool
from scoring.rounding import round_half_up
from tests.benchmarks import (
    KPIS,
    PILLARS,
    START,
    EmailedRow,
    RowsIndex,
    organisations_in_pandas,
    pool_row,
    random_rows,
    respondent_of,
)

METRICS = ("overall", *PILLARS, *KPIS)


def _frame(rows: list[EmailedRow]) -> pd.DataFrame:
    records = [
        {
            "id": row.response_id,
            "email": row.email,
            "completed_at": row.completed_at,
            "excluded": row.excluded,
            "is_demo": row.is_demo,
            "all": "all",
            "industry": row.industry,
            "arr_band": row.arr_band,
            "region": row.region,
            **dict(zip(METRICS, _metric_values(row), strict=True)),
        }
        for row in rows
    ]
    return pd.DataFrame(
        records,
        columns=[
            "id",
            "email",
            "completed_at",
            "excluded",
            "is_demo",
            "all",
            "industry",
            "arr_band",
            "region",
            *METRICS,
        ],
    )


def _metric_values(row: PoolRow) -> tuple[int | None, ...]:
    return (row.overall_hundredths, *row.pillar_hundredths, *row.kpi_hundredths)


def _expected_peers(
    rows: list[EmailedRow], email: str, include_demo: bool, since: datetime | None = None
) -> pd.DataFrame:
    """Each organisation's latest counting response, if inside the window, none of the
    respondent's organisation."""
    frame = _frame(rows)
    frame["organisation"] = organisations_in_pandas(frame["email"])
    frame = frame[~frame["excluded"] & (include_demo | ~frame["is_demo"])]
    frame = frame.sort_values(["completed_at", "id"]).drop_duplicates("organisation", keep="last")
    if since is not None:
        frame = frame[frame["completed_at"] >= since]
    own = organisations_in_pandas(pd.Series([email])).iloc[0]
    return frame[frame["organisation"] != own]


def _expected_stats(values: pd.Series, mine: int | None) -> dict[str, Any]:
    known = values.dropna().astype("int64")
    if known.empty:
        return {"n": 0}
    quartiles = known.quantile([0.25, 0.5, 0.75])
    rank = None
    if mine is not None:
        below, equal = int((known < mine).sum()), int((known == mine).sum())
        rank = round_half_up(Fraction(100 * below + 50 * equal, len(known)))
    p25, median, p75 = (round_half_up(Fraction(float(q)) / 100) for q in quartiles)
    return {"n": len(known), "p25": p25, "median": median, "p75": p75, "percentile_rank": rank}


def _as_dict(stats: MetricStats) -> dict[str, Any]:
    return {
        "n": stats.n,
        "p25": stats.p25,
        "median": stats.median,
        "p75": stats.p75,
        "percentile_rank": stats.percentile_rank,
    }


def _check_against_pandas(
    comparison: Comparison, peers: pd.DataFrame, respondent: RespondentValues, k: int
) -> None:
    mine = respondent.metric_hundredths
    for group in comparison.groups:
        value = "all" if group.key is GroupKey.ALL else respondent.group_value(group.key)
        members = peers[peers[group.key.value] == value]
        assert group.enough_peers is (len(members) >= k), group.key
        if len(members) < k:
            assert (group.n, group.overall, group.pillars, group.kpis) == (None, None, None, None)
            continue
        assert group.n == len(members)
        assert group.overall is not None and group.pillars is not None and group.kpis is not None
        shown = [group.overall, *group.pillars.values(), *group.kpis.values()]
        for metric, stats, my_value in zip(METRICS, shown, mine, strict=True):
            expected = _expected_stats(members[metric], my_value)
            if expected["n"] < k:
                assert stats is None, metric
                continue
            assert stats is not None and _as_dict(stats) == expected, (group.key, metric)
            rank = stats.percentile_rank
            assert stats.band == (None if rank is None else quartile_band(rank))


@pytest.mark.parametrize("seed", range(80))
def test_statistics_match_pandas_on_random_pools(seed: int) -> None:
    rng = random.Random(seed)
    rows = random_rows(rng, rng.randrange(0, 201))
    include_demo = rng.random() < 0.5
    k = rng.choice((1, 3, 5, 5, 8))
    since = rng.choice((None, START + timedelta(minutes=2)))  # rows span minutes 0 to 3
    pool = peer_pool(rows, include_demo=include_demo, since=since)
    index = RowsIndex.of(pool)
    # Sometimes one of the pool's people again, or a colleague of theirs (their organisation's
    # rows must go; a "colleague" on a public mailbox is someone else), sometimes a newcomer.
    source = rng.choice(rows) if rows and rng.random() < 0.8 else pool_row(10**6, kpi=None)
    assert isinstance(source, EmailedRow)
    email = rng.choice(
        (source.email.swapcase(), "Colleague@" + source.email.rpartition("@")[2].upper())
    )
    respondent = respondent_of(source, email=email)

    comparison = index.compare(respondent=respondent, k=k)

    _check_against_pandas(
        comparison, _expected_peers(rows, email, include_demo, since), respondent, k
    )


def _region_pool(peers: int) -> list[PoolRow]:
    """`peers` others in Europe, plus the respondent's own two responses, also in Europe."""
    others = [pool_row(i, overall=1000 * i, region="Europe") for i in range(1, peers + 1)]
    own = [pool_row(100, email="me@x.io", overall=9999), pool_row(101, email="ME@x.io", minutes=9)]
    elsewhere = [pool_row(200 + i, region="Asia") for i in range(5)]
    return others + own + elsewhere


@pytest.mark.parametrize(("peers", "shown"), [(3, False), (4, False), (5, True), (6, True)])
def test_group_is_shown_from_exactly_k_peers_not_counting_own_responses(
    peers: int, shown: bool
) -> None:
    index = RowsIndex.of(peer_pool(_region_pool(peers), include_demo=False))
    respondent = respondent_of(pool_row(300, email="Me@X.io", overall=2500))

    region = index.compare(respondent=respondent, k=5).group(GroupKey.REGION)

    assert region.enough_peers is shown
    assert region.n == (peers if shown else None)
    assert region.fallback == (None if shown else GroupKey.ALL)


def test_kpi_known_by_fewer_than_k_peers_is_withheld_alone() -> None:
    rows = [pool_row(i, kpi=9000 + i if i <= 4 else None) for i in range(1, 9)]
    index = RowsIndex.of(rows)

    group = index.compare(respondent=respondent_of(pool_row(99)), k=5).group(GroupKey.ALL)

    assert group.n == 8 and group.kpis is not None
    assert all(stats is None for stats in group.kpis.values())


def test_unknown_kpi_of_the_respondent_has_statistics_but_no_rank() -> None:
    index = RowsIndex.of([pool_row(i) for i in range(1, 6)])

    group = index.compare(respondent=respondent_of(pool_row(99, kpi=None))).group(GroupKey.ALL)

    assert group.kpis is not None
    nrr = group.kpis["nrr"]
    assert nrr is not None and nrr.median == Decimal("100.00")
    assert nrr.percentile_rank is None and nrr.band is None


def test_respondent_with_same_values_as_the_peers_ranks_in_the_middle() -> None:
    index = RowsIndex.of([pool_row(i) for i in range(1, 7)])
    respondent = replace(respondent_of(pool_row(99)), overall_hundredths=5000)

    overall = index.compare(respondent=respondent).group(GroupKey.ALL).overall

    assert overall is not None and overall.percentile_rank == Decimal("50.00")


@pytest.mark.parametrize("seed", range(30))
def test_an_index_updated_peer_by_peer_compares_like_one_built_at_once(seed: int) -> None:
    rng = random.Random(seed)
    rows = peer_pool(random_rows(rng, rng.randrange(10, 120)), include_demo=True)
    start, later = rows[: len(rows) // 2], rows[len(rows) // 2 :]
    leaving = rng.sample(start, len(start) // 3)
    updated = RowsIndex.of(start)
    for row in later:
        updated.add(row)
    for row in leaving:
        updated.remove(row)
    final = [row for row in rows if row not in leaving]
    rebuilt = RowsIndex.of(final)
    source = rng.choice(final)
    respondent = respondent_of(source)

    assert updated.compare(respondent=respondent, own=source, k=3) == rebuilt.compare(
        respondent=respondent, k=3
    )


def test_values_too_spread_to_bin_are_counted_like_binned_ones(monkeypatch) -> None:
    from benchmarks import index as index_module

    rows = [
        pool_row(i, overall=i * 700 % 10000, kpi=i * 137, industry="AB"[i % 2])
        for i in range(1, 13)
    ]
    respondent = respondent_of(pool_row(99, overall=4200, kpi=900, industry="A"))
    binned = RowsIndex.of(rows)
    monkeypatch.setattr(index_module, "_MAX_BINS", 0)  # every column sorted instead
    sorted_ = RowsIndex.of(rows)

    assert sorted_.compare(respondent=respondent) == binned.compare(respondent=respondent)
