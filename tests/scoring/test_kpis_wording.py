"""How a KPI reads against peers: one percentage format, ranks in words, quartile words only
where higher is better."""

from decimal import Decimal

import pytest

from scoring.kpis import KPIS, Direction, percent_text
from scoring.standing import rank_text, standing_text


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        ("52.38", "higher than 52 % of peers"),
        ("50.00", "higher than 50 % of peers"),
        ("30.00", "lower than 70 % of peers"),
        ("99.60", "higher than 99 % of peers"),  # never "100 %" unless above every peer
        ("100.00", "higher than 100 % of peers"),
        ("0.40", "lower than 99 % of peers"),
    ],
)
def test_a_rank_reads_as_a_share_of_peers(rank: str, expected: str) -> None:
    assert " ".join(rank_text(Decimal(rank)).split()) == expected


def test_customers_per_csm_never_reads_as_praise_or_blame() -> None:
    direction = KPIS["customers_per_csm"].direction
    text = standing_text(percentile_rank=Decimal(90), direction=direction, quartile="top quartile")
    assert " ".join(text.split()) == "higher than 90 % of peers"


def test_a_score_where_higher_is_better_keeps_its_quartile() -> None:
    text = standing_text(
        percentile_rank=Decimal(80), direction=Direction.HIGHER_IS_BETTER, quartile="top quartile"
    )
    assert " ".join(text.split()) == "higher than 80 % of peers, top quartile"


def test_percentages_have_one_format_in_kpis_and_ranks() -> None:
    nrr = KPIS["nrr"]
    assert nrr.shown(Decimal("96.5")) == percent_text(Decimal("96.5"), places=2) == "96.50\u00a0%"
    assert nrr.shown(Decimal(104)) == "104\u00a0%"
    assert rank_text(Decimal(75)).endswith("75\u00a0% of peers")
