"""When a kept comparison is worth making again (benchmarks/refresh.py): the rule on counts."""

from __future__ import annotations

import pytest

from benchmarks.refresh import growth_is_meaningful, peers_needed


@pytest.mark.parametrize(
    ("peers_then", "k", "needed"),
    [(12, 5, 5), (50, 5, 5), (51, 5, 6), (400, 5, 40), (412, 5, 42), (3, 2, 2)],
)
def test_a_new_comparison_takes_ten_percent_more_peers_and_never_fewer_than_k(
    peers_then, k, needed
):
    assert peers_needed(peers_then=peers_then, k=k) == needed
    assert growth_is_meaningful(
        peers_then=peers_then, peers_now=peers_then + needed, newly_shown=(), k=k
    )
    assert not growth_is_meaningful(
        peers_then=peers_then, peers_now=peers_then + needed - 1, newly_shown=(), k=k
    )


def test_a_group_withheld_then_and_shown_now_is_enough_on_its_own():
    shown = ("Industry: Software and SaaS",)
    assert growth_is_meaningful(peers_then=400, peers_now=401, newly_shown=shown, k=5)
    # "All respondents" withheld then: only its reaching K (it is then newly shown) counts.
    assert not growth_is_meaningful(peers_then=None, peers_now=4, newly_shown=(), k=5)
    assert growth_is_meaningful(peers_then=None, peers_now=5, newly_shown=("All",), k=5)
