from __future__ import annotations

from decimal import Decimal

import pytest

from benchmarks.pool import PoolRow, hundredths, peer_pool
from tests.benchmarks import pool_row


def _kept_ids(rows: list[PoolRow], *, include_demo: bool = False) -> set[int]:
    return {row.response_id for row in peer_pool(rows, include_demo=include_demo)}


@pytest.mark.parametrize(
    ("rows", "expected_ids"),
    [
        pytest.param(
            [pool_row(1, email="a@x.io", minutes=1), pool_row(2, email="A@X.io", minutes=2)],
            {2},
            id="latest-by-time-wins-and-email-case-is-ignored",
        ),
        pytest.param(
            [pool_row(2, email="a@x.io", minutes=5), pool_row(1, email="a@X.IO", minutes=1)],
            {2},
            id="row-order-does-not-matter",
        ),
        pytest.param(
            [pool_row(7, email="a@x.io", minutes=3), pool_row(3, email="A@x.io", minutes=3)],
            {7},
            id="equal-time-the-one-stored-last-wins",
        ),
        pytest.param(
            [pool_row(1, email="a@x.io"), pool_row(2, email="a@x.io", minutes=1, excluded=True)],
            {1},
            id="excluded-latest-leaves-the-earlier-valid-response",
        ),
        pytest.param(
            [pool_row(1, is_demo=True), pool_row(2)],
            {2},
            id="demo-left-out-by-default",
        ),
        pytest.param([pool_row(1, email=""), pool_row(2, email=" ")], set(), id="no-email-no-peer"),
        pytest.param(
            [pool_row(1, email="a@x.io"), pool_row(2, email="a@x.io", minutes=1, comparable=False)],
            set(),
            id="latest-scored-on-other-pillars-leaves-the-person-out",
        ),
        pytest.param([], set(), id="empty"),
    ],
)
def test_peer_pool_keeps_the_latest_valid_response_per_email(
    rows: list[PoolRow], expected_ids: set[int]
) -> None:
    assert _kept_ids(rows) == expected_ids


def test_peer_pool_keeps_demo_responses_when_asked() -> None:
    assert _kept_ids([pool_row(1, is_demo=True), pool_row(2)], include_demo=True) == {1, 2}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("96.5"), 9650), (Decimal("-100"), -10000), (Decimal("0.125"), 13), (None, None)],
)
def test_hundredths_are_the_kept_value_rounded_half_up(
    value: Decimal | None, expected: int | None
) -> None:
    assert hundredths(value) == expected
