"""The outcome lens and option adoption (benchmarks.outcomes) against an independent pandas
computation on random pools, with cells of exactly K−1 and K organisations. No database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from benchmarks.outcomes import (
    OUTCOME_KPIS,
    BucketAdoption,
    OutcomeCell,
    OutcomeLens,
    adoption_count,
    lens_from_json,
    lens_to_json,
    option_shares,
    outcome_lens,
    share_percent,
)
from scoring.bank import Kind
from tests.scoring import BUCKETS, default_bank

K = 5
AS_OF = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
BOUNDS = [0, 2500, 5000, 7500, 10001]  # hundredths; the last bucket holds 100.00
METRICS = ["overall", "alignment", "team"]


def pool(rng: np.random.Generator, sizes_by_metric: list[list[int]]) -> pd.DataFrame:
    """Organisations with kept scores drawn inside buckets of the given sizes (each metric on
    its own) and KPIs in hundredths, about a third unknown."""
    n = sum(sizes_by_metric[0])
    columns: dict[str, Any] = {}
    for key, sizes in zip(METRICS, sizes_by_metric, strict=True):
        assert sum(sizes) == n
        values = np.concatenate(
            [rng.integers(BOUNDS[b], BOUNDS[b + 1], size) for b, size in enumerate(sizes)]
        )
        # some values rounded down to a multiple of 5.00 (within their bucket), so ties occur
        values = np.where(rng.random(n) < 0.3, values // 500 * 500, values)
        columns[key] = rng.permutation(values)
    for key, low, high in (("nrr", 5000, 15001), ("retention", 0, 10001), ("nps", -10000, 10001)):
        values = rng.integers(low, high, n).astype(float)
        values[rng.random(n) < 0.35] = np.nan
        columns[key] = np.where(rng.random(n) < 0.2, 10000.0, values)
    return pd.DataFrame(columns)


def lens_of(frame: pd.DataFrame, k: int = K) -> OutcomeLens:
    return outcome_lens(
        scores=frame[METRICS].to_numpy(dtype=np.int64),
        kpis=frame[list(OUTCOME_KPIS)].to_numpy(dtype=np.float64),
        metrics=[(key, key.title()) for key in METRICS],
        buckets=BUCKETS,
        k=k,
        as_of=AS_OF,
    )


def shown_hundredths(value: float) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_cells(cells: list[pd.DataFrame], k: int) -> list[Any]:
    """Each cell as (n, {kpi: (n, median)}), None where withheld, by the rule in pandas terms:
    under K withheld; a lone non-empty withheld cell takes the smallest shown one with it."""

    def complement(sizes: pd.Series, shown: pd.Series) -> pd.Series:
        if ((~shown) & (sizes > 0)).sum() == 1 and shown.any():
            shown = shown.copy()
            shown[sizes[shown].idxmin()] = False
        return shown

    sizes = pd.Series([len(cell) for cell in cells])
    shown = complement(sizes, sizes >= k)
    kpi_shown = {}
    for kpi in OUTCOME_KPIS:
        known = pd.Series([int(cell[kpi].notna().sum()) for cell in cells])
        kpi_shown[kpi] = complement(known, shown & (known >= k))
    return [
        (
            len(cell),
            {
                kpi: (int(cell[kpi].notna().sum()), shown_hundredths(cell[kpi].median()))
                if kpi_shown[kpi][i]
                else None
                for kpi in OUTCOME_KPIS
            },
        )
        if shown[i]
        else None
        for i, cell in enumerate(cells)
    ]


def expected_metric(frame: pd.DataFrame, key: str, k: int) -> dict[str, Any]:
    bucket = pd.cut(frame[key], bins=BOUNDS, right=False, labels=False)
    buckets = [frame[bucket == b] for b in range(4)]
    bucket_cells = expected_cells(buckets, k)
    if len(frame) < k:
        return {"buckets": bucket_cells, "threshold": None, "halves": [None, None]}
    threshold = frame[key].quantile(0.75)
    top = frame[key] >= threshold
    halves = expected_cells([frame[top], frame[~top]], k)
    whole = all(top[bucket == b].nunique() <= 1 for b in range(4))
    hides = any(
        (cell is None and len(rows) > 0)
        or (
            cell is not None
            and any(v is None and rows[kpi].notna().any() for kpi, v in cell[1].items())
        )
        for cell, rows in zip(bucket_cells, buckets, strict=True)
    )
    if whole and hides:
        halves = [None, None]
    return {"buckets": bucket_cells, "threshold": shown_hundredths(threshold), "halves": halves}


def read_cell(cell: OutcomeCell) -> Any:
    if not cell.enough_peers:
        assert cell.kpis == ()
        return None
    return (
        cell.n,
        {kpi.key: (kpi.n, kpi.median) if kpi.enough_peers else None for kpi in cell.kpis},
    )


def read_metric(lens: OutcomeLens, key: str) -> dict[str, Any]:
    metric = next(m for m in lens.metrics if m.key == key)
    return {
        "buckets": [read_cell(cell) for cell in metric.buckets],
        "threshold": metric.top_threshold,
        "halves": [read_cell(metric.top), read_cell(metric.rest)],
    }


@pytest.mark.parametrize("seed", range(8))
def test_the_lens_matches_an_independent_pandas_computation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    first = [K - 1, K, int(rng.integers(0, 30)), int(rng.integers(0, 12))]
    n = sum(first)
    others = [list(rng.multinomial(n, [0.3, 0.3, 0.25, 0.15])) for _ in METRICS[1:]]
    frame = pool(rng, [first, *others])

    lens = lens_of(frame)

    assert lens.n == n and lens.k == K and lens.as_of == AS_OF
    for key in METRICS:
        assert read_metric(lens, key) == expected_metric(frame, key, K), key
    assert lens_from_json(lens_to_json(lens)) == lens


def test_a_cell_of_k_minus_one_shows_nothing_and_one_of_k_shows_its_medians() -> None:
    frame = pool(np.random.default_rng(1), [[K - 1, K, 7, K - 2]] * 3)
    frame[list(OUTCOME_KPIS)] = 9000.0  # every KPI known
    cells = lens_of(frame).metrics[0].buckets

    assert [cell.n for cell in cells] == [None, K, 7, None]
    assert cells[0].kpis == () and not cells[0].enough_peers
    assert [(kpi.n, kpi.median) for kpi in cells[1].kpis] == [(K, Decimal("90.00"))] * 3


def test_a_lone_withheld_cell_takes_the_smallest_shown_one_with_it() -> None:
    # 4 + 5 + 7 + 6 = 22 organisations: showing 5, 7 and 6 would give away the 4.
    frame = pool(np.random.default_rng(2), [[K - 1, K, 7, 6]] * 3)

    assert [cell.n for cell in lens_of(frame).metrics[0].buckets] == [None, None, 7, 6]


def test_unknown_kpis_are_left_out_and_a_median_known_to_fewer_than_k_is_withheld() -> None:
    frame = pool(np.random.default_rng(3), [[0, 0, 12, 0]] * 3)
    frame["nrr"] = [10000.0, 10300.0, *[np.nan] * 10]  # two know it
    frame["retention"] = [8000.0 + 100 * i if i % 2 else np.nan for i in range(12)]  # six know it
    frame["nps"] = [*[np.nan] * 4, 1000.0, 1100.0, 1200.0, 1301.0, 1402.0, 1500.0, 1600.0, 1700.0]

    (cell,) = [c for c in lens_of(frame).metrics[0].buckets if c.enough_peers]
    nrr, retention, nps = cell.kpis
    assert (nrr.n, nrr.median, nrr.enough_peers) == (None, None, False)
    assert (retention.n, retention.median) == (6, Decimal("86.00"))  # 81, 83, … 91
    # eight: (13.01 + 14.02) ÷ 2 = 13.515, half up on the exact value
    assert (nps.n, nps.median) == (8, Decimal("13.52"))


def test_top_quartile_holds_the_organisations_at_or_above_the_75th_percentile() -> None:
    frame = pool(np.random.default_rng(4), [[5, 5, 5, 5]] * 3)
    frame["overall"] = [1000] * 10 + [5500] * 2 + [6000] * 4 + [8000] * 4  # P75 = 60.00

    metric = lens_of(frame).metrics[0]

    assert metric.top_threshold == Decimal("60.00")
    assert (metric.top.n, metric.rest.n) == (8, 12)  # the four at 60.00 are in the top

    # When the split runs along bucket bounds, top and rest are sums of whole buckets: rest (12)
    # minus Undeveloped (10) would give away Emerging's 2, so they are withheld too.
    frame["overall"] = [1000] * 10 + [3000] * 2 + [6500] * 4 + [8000] * 4
    metric = lens_of(frame).metrics[0]
    assert [cell.n for cell in metric.buckets] == [10, None, None, None]
    assert (metric.top_threshold, metric.top.n, metric.rest.n) == (Decimal("65.00"), None, None)


def test_a_pool_under_k_shows_no_statistic_and_no_size() -> None:
    lens = lens_of(pool(np.random.default_rng(5), [[1, 1, 1, 1]] * 3))

    assert lens.n is None
    for metric in lens.metrics:
        assert metric.top_threshold is None
        assert not any(c.enough_peers for c in (*metric.buckets, metric.top, metric.rest))


@pytest.mark.parametrize(
    ("chosen", "n", "share"),
    [
        (1, 8, 15),
        (3, 40, 10),
        (1, 3, 35),
        (2, 3, 65),
        (0, 7, 0),
        (7, 7, 100),
        (1, 40, 5),
        (1, 41, 0),
    ],
)
def test_a_share_is_rounded_half_up_to_the_nearest_5_percent(
    chosen: int, n: int, share: int
) -> None:
    exact = Decimal(100 * chosen) / Decimal(n)
    assert share == int((exact / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 5)
    assert share_percent(chosen, n) == share


def random_answers(spec: Any, rng: np.random.Generator) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in spec.questions:
        if not question.is_scored:
            continue
        codes = [option.code for option in question.options]
        if question.kind == Kind.SINGLE:
            answers[str(question.number)] = int(rng.choice(codes))
        else:
            count = int(rng.integers(1, 4))
            answers[str(question.number)] = sorted(
                int(c) for c in rng.choice(codes, count, replace=False)
            )
    return answers


def test_adoption_counts_match_an_independent_count_per_pillar_and_bucket() -> None:
    spec = default_bank()
    layout = [pillar.key for pillar in spec.pillars]
    rng = np.random.default_rng(6)
    rows = [
        (list(rng.integers(0, 10001, len(layout))), random_answers(spec, rng)) for _ in range(300)
    ]

    adoption = adoption_count(spec=spec, layout=layout, rows=rows)

    long = pd.DataFrame(
        [
            (org, pillar, int(scores[p]), question.number, code)
            for org, (scores, answers) in enumerate(rows)
            for p, pillar in enumerate(layout)
            for question in spec.questions
            if question.pillar == pillar
            for code in np.atleast_1d(answers[str(question.number)])  # type: ignore[call-overload]
        ],
        columns=["org", "pillar", "score", "question", "code"],
    )
    long["bucket"] = pd.cut(
        long["score"], bins=BOUNDS, right=False, labels=[b.key for b in BUCKETS]
    )
    chosen = long.groupby(["pillar", "bucket", "question", "code"], observed=True)["org"].nunique()
    sizes = long.groupby(["pillar", "bucket"], observed=True)["org"].nunique()
    for pillar in layout:
        for bucket in BUCKETS:
            counts = adoption[pillar][bucket.key]
            assert counts.n == sizes.get((pillar, bucket.key), 0)
            expected = chosen.loc[pillar, bucket.key] if counts.n else pd.Series(dtype=int)
            assert counts.chosen == {(int(q), int(c)): int(v) for (q, c), v in expected.items()}


def test_shares_leave_out_the_respondents_own_organisation_and_need_k_peers() -> None:
    question = default_bank().question(21)
    assert question is not None
    codes = [option.code for option in question.options]
    counts = BucketAdoption(n=K + 1, chosen={(21, codes[2]): 3, (21, codes[3]): K - 2})

    peers, shares = option_shares(adoption=counts, questions=[question], own_answers=None, k=K)
    assert peers == K + 1
    assert (shares[(21, codes[2])], shares[(21, codes[3])], shares[(21, codes[0])]) == (50, 50, 0)

    mine = {"21": codes[3]}
    peers, shares = option_shares(adoption=counts, questions=[question], own_answers=mine, k=K)
    assert peers == K
    assert (shares[(21, codes[2])], shares[(21, codes[3])]) == (60, 40)  # 3 of 5, 2 of 5

    fewer = BucketAdoption(n=K, chosen=counts.chosen)
    assert option_shares(adoption=fewer, questions=[question], own_answers=mine, k=K) == (None, {})
