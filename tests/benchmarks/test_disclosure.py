"""A withheld group cannot be worked out from the numbers shown next to it.

The respondent is in Fintech, where fewer than K peers are; "all", their ARR band and their
region are shown. Each test builds two pools that differ only in the hidden group and checks
that every shown number is the same, so no arithmetic on them (n differences, quantile
differences) can tell the two apart.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from benchmarks.groups import RespondentValues
from benchmarks.payload import comparison_to_api
from benchmarks.pool import PoolRow
from tests.benchmarks import ARR_BANDS, REGIONS, RowsIndex, pool_row, respondent_of

HIDDEN = "Fintech"
RESPONDENT = respondent_of(
    pool_row(999, email="me@x.io", overall=4000, industry=HIDDEN), kpi_hundredths=(9500,) * 4
)


def _peers() -> list[PoolRow]:
    """Twelve peers in other industries spread over bands and regions, two in Fintech."""
    others = [
        pool_row(
            i,
            overall=700 * i,
            kpi=9000 + 100 * i,
            industry="Software and SaaS",
            arr_band=ARR_BANDS[i % 2],
            region=REGIONS[i % 3],
        )
        for i in range(1, 13)
    ]
    fintech = [
        pool_row(
            20, overall=9900, kpi=30000, industry=HIDDEN, arr_band=ARR_BANDS[0], region=REGIONS[0]
        ),
        pool_row(
            21, overall=100, kpi=-10000, industry=HIDDEN, arr_band=ARR_BANDS[1], region=REGIONS[1]
        ),
    ]
    return others + fintech


def _shown(rows: list[PoolRow], respondent: RespondentValues = RESPONDENT) -> dict[str, Any]:
    index = RowsIndex.of(rows)
    return comparison_to_api(index.compare(respondent=respondent, k=5))


def test_withheld_group_shows_only_key_label_and_fewer_than_k() -> None:
    groups = {group["key"]: group for group in _shown(_peers())["groups"]}

    assert groups["industry"] == {
        "key": "industry",
        "label": "Industry: Fintech",
        "enough_peers": False,
        "n": None,
    }
    assert [groups[key]["enough_peers"] for key in ("all", "arr_band", "region")] == [True] * 3


def test_size_of_withheld_group_cannot_be_read_from_shown_numbers() -> None:
    # Given: the same peers with the same values, but two more of them labelled Fintech,
    # so the hidden group has 2 peers in one pool and 4 in the other (both under K).
    peers = _peers()
    more_fintech = [
        replace(row, industry=HIDDEN) if row.response_id in (1, 2) else row for row in peers
    ]

    # Then: nothing shown differs, so "all" minus any shown n cannot be the hidden size.
    assert _shown(peers) == _shown(more_fintech)


def test_values_of_withheld_group_cannot_be_read_from_shown_numbers() -> None:
    # Given: a Fintech peer swaps its values with a non-Fintech peer of the same band and
    # region, so every shown group holds the same multiset of values ...
    peers = _peers()
    partner = next(
        row
        for row in peers
        if (row.arr_band, row.region) == (ARR_BANDS[0], REGIONS[0]) and row.industry != HIDDEN
    )
    fintech = next(row for row in peers if row.response_id == 20)
    swapped = [_swap_values(row, partner, fintech) for row in peers]

    # ... while the hidden group's own values (and so its quartiles) differ.
    assert _hidden_overall(peers) != _hidden_overall(swapped)
    assert np.median(_hidden_overall(peers)) != np.median(_hidden_overall(swapped))
    assert _shown(peers) == _shown(swapped)


def test_kpi_withheld_in_a_shown_group_hides_its_n_as_well() -> None:
    peers = [
        replace(row, kpi_hundredths=(None,) * 4) if row.response_id % 2 else row for row in _peers()
    ]

    region = _shown(peers)["groups"][3]

    assert region["enough_peers"] is True
    assert region["kpis"]["nrr"] == {"enough_peers": False, "n": None}


def _swap_values(row: PoolRow, one: PoolRow, other: PoolRow) -> PoolRow:
    source = {one.response_id: other, other.response_id: one}.get(row.response_id)
    if source is None:
        return row
    return replace(
        row,
        overall_hundredths=source.overall_hundredths,
        pillar_hundredths=source.pillar_hundredths,
        kpi_hundredths=source.kpi_hundredths,
    )


def _hidden_overall(rows: list[PoolRow]) -> list[int]:
    return sorted(row.overall_hundredths for row in rows if row.industry == HIDDEN)
