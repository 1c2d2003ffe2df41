"""The results page's peer comparison, read as a reader sees it: every group side by side in one
table, withheld groups named without a number, unknown values, escaping."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.template.loader import get_template

from benchmarks.groups import Comparison, GroupKey, RespondentValues
from benchmarks.pool import PoolRow
from scoring.kpis import KPIS as KPI_REGISTRY
from scoring.standing import rank_text
from survey.results_page import peer_table
from tests.benchmarks import ARR_BANDS, INDUSTRIES, KPIS, PILLARS, REGIONS, RowsIndex, pool_row

INCLUDE = "survey/includes/comparison.html"
COMPUTED_AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SOFTWARE, FINTECH = INDUSTRIES[0], INDUSTRIES[1]
SMALL, MID, LARGE = ARR_BANDS
EUROPE, AMERICA, ASIA = REGIONS
NAMES = {key: f"Pillar {number}" for number, key in enumerate(PILLARS, start=1)}


@dataclass(frozen=True)
class Benchmark:
    comparison: Comparison
    pool_size: int
    computed_at: datetime
    k: int


def _peer(number: int, overall: int, industry: str, arr_band: str, region: str) -> PoolRow:
    """KPIs all equal except NPS, which only peers 1–4 know (fewer than 5 in every group)."""
    row = pool_row(
        number,
        overall=overall,
        kpi=9000 + 100 * number,
        industry=industry,
        arr_band=arr_band,
        region=region,
    )
    kpis = list(row.kpi_hundredths)
    kpis[KPIS.index("nps")] = 1000 * number if number <= 4 else None
    return replace(row, kpi_hundredths=tuple(kpis))


# 14 peers: Software 8 (only 3 in the respondent's ARR band), Europe 9, all 14.
POOL = [
    _peer(1, 2000, SOFTWARE, SMALL, EUROPE),
    _peer(2, 4000, SOFTWARE, SMALL, EUROPE),
    _peer(3, 6000, SOFTWARE, SMALL, EUROPE),
    _peer(4, 3000, SOFTWARE, MID, EUROPE),
    _peer(5, 5000, SOFTWARE, MID, EUROPE),
    _peer(6, 7000, SOFTWARE, MID, EUROPE),
    _peer(7, 8000, SOFTWARE, MID, AMERICA),
    _peer(8, 9000, SOFTWARE, MID, AMERICA),
    _peer(9, 1000, FINTECH, MID, EUROPE),
    _peer(10, 5500, FINTECH, MID, EUROPE),
    _peer(11, 6500, FINTECH, MID, EUROPE),
    _peer(12, 2500, FINTECH, LARGE, ASIA),
    _peer(13, 7500, FINTECH, LARGE, ASIA),
    _peer(14, 10000, FINTECH, LARGE, ASIA),
]
# Retention unknown; pillars 60.00, 57.50, 55.00, …
ME = RespondentValues(
    organisation_key="example.com",
    industry=SOFTWARE,
    arr_band=SMALL,
    region=EUROPE,
    overall_hundredths=6000,
    pillar_hundredths=tuple(6000 - 250 * index for index in range(len(PILLARS))),
    kpi_hundredths=(10500, None, 3000, 4200),
)


def _decimal(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


def _context(pool: list[PoolRow], me: RespondentValues, names: dict[str, str]) -> dict[str, Any]:
    """The include's context as the results view builds it, from a comparison of `me`."""
    comparison = RowsIndex.of(pool).compare(respondent=me)
    pillar_scores = zip(PILLARS, me.pillar_hundredths, strict=True)
    return {
        "benchmark": Benchmark(comparison, len(pool), COMPUTED_AT, comparison.k),
        "peer_table": peer_table(
            comparison=comparison,
            overall=Decimal(me.overall_hundredths).scaleb(-2),
            pillars=[(key, names[key], Decimal(value).scaleb(-2)) for key, value in pillar_scores],
            kpi_values={
                key: _decimal(value) for key, value in zip(KPIS, me.kpi_hundredths, strict=True)
            },
        ),
    }


def _render(
    pool: list[PoolRow] = POOL, me: RespondentValues = ME, names: dict[str, str] = NAMES
) -> str:
    return get_template(INCLUDE).render(_context(pool, me, names))


def _comparison() -> Comparison:
    return RowsIndex.of(POOL).compare(respondent=ME)


def _text(markup: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _matrix(page: str) -> tuple[list[str], dict[str, list[str]]]:
    """The side-by-side table: its column headers' text, and each row's cells by row header."""
    table = re.search(r'<table class="table table-sm peer-matrix.*?</table>', page, re.S)
    assert table, "no side-by-side table"
    head = [
        _text(cell)
        for cell in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table.group(0), re.S)
    ]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S):
        if '<th scope="row">' in row:
            cells = [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            rows[cells[0]] = cells
    return head, rows


def _cell(stats: Any) -> str:
    text = f"{stats.median:.2f}"
    if stats.percentile_rank is not None:
        text += f" {rank_text(stats.percentile_rank)}"
    return " ".join(text.split())


def test_every_shown_group_is_a_column_of_medians_and_ranks_from_the_comparison():
    head, rows = _matrix(_render())
    comparison = _comparison()
    shown = [group for group in comparison.groups if group.enough_peers]

    assert head == ["Score or figure", "You"] + [f"{g.label} {g.n} peers" for g in shown]
    assert [g.n for g in shown] == [14, 8, 9]  # all, industry, region; the ARR group is withheld
    # By hand: peers' overall 10.00 … 100.00; median (55.00 + 60.00) / 2; 60.00 has 7 below, 1 tie.
    assert rows["Overall"][:3] == ["Overall", "60.00", "57.50 higher than 54 % of peers"]
    for column, group in enumerate(shown, start=2):
        assert group.pillars is not None
        for pillar, stats in group.pillars.items():
            assert rows[NAMES[pillar]][column] == _cell(stats)


def test_a_withheld_group_is_named_with_fewer_than_k_and_no_number_of_its_own():
    page = _render()
    group = _comparison().group(GroupKey.ARR_BAND)
    assert not group.enough_peers and group.fallback is GroupKey.ALL

    head, _ = _matrix(page)
    assert not any(group.label in column for column in head)
    note = re.search(r'<p class="peer-withheld.*?</p>', page, re.S)
    assert note
    seen = _text(note.group(0)).replace(" :", ":")
    assert seen == (
        f"{group.label}: fewer than 5 organisations, not shown; read All respondents instead."
    )
    assert re.findall(r"\d+", seen.replace(group.label, "")) == ["5"]


def test_a_kpi_few_peers_know_is_withheld_and_an_unknown_value_of_yours_says_unknown():
    _, rows = _matrix(_render())

    assert rows["Net Promoter Score"][1:] == ["30"] + ["fewer than 5 organisations gave this"] * 3
    retention = rows["Customer retention rate (%)"]
    assert retention[1] == "unknown"
    assert retention[2].endswith("14 gave theirs") and "higher than" not in retention[2]
    assert rows["Net revenue retention (%)"][1] == "105 %"
    # A KPI's median reads in its unit, like the respondent's own value.
    kpis = _comparison().group(GroupKey.ALL).kpis
    assert kpis is not None and kpis["nrr"] is not None
    median = KPI_REGISTRY["nrr"].shown(kpis["nrr"].median)
    assert median is not None and rows["Net revenue retention (%)"][2].startswith(_text(median))


def test_the_quartiles_of_every_shown_group_are_one_click_away():
    page = _render()
    details = re.search(r'<details class="peer-quartiles.*?</details>', page, re.S)
    assert details
    overall = _comparison().group(GroupKey.ALL).overall
    assert overall is not None
    assert (
        f"Overall 60.00 {overall.p25:.2f} {overall.median:.2f} {overall.p75:.2f} "
        "higher than 54 % of peers, third quartile"
    ) in _text(details.group(0))


def test_hostile_names_are_escaped_in_the_table():
    script, breakout = "<script>alert(1)</script>", '"><img src=x>'
    names = {**NAMES, PILLARS[0]: script, PILLARS[1]: breakout}
    me = replace(ME, industry=breakout)
    pool = [replace(row, industry=breakout) if row.industry == SOFTWARE else row for row in POOL]

    page = _render(pool, me, names)

    assert script not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    head, rows = _matrix(page)
    assert script in rows and breakout in rows
    assert f"Industry: {breakout} 8 peers" in head


def test_the_intro_names_the_pool_size_date_and_k():
    seen = _text(_render())

    assert (
        "Compared with 14 organisations in the pool on 2 March 2026; "
        "groups of fewer than 5 organisations are not shown."
    ) in seen


def test_without_a_benchmark_the_section_says_it_is_not_available_and_shows_no_number():
    page = get_template(INCLUDE).render({"benchmark": None, "peer_table": None})

    seen = _text(page)
    assert "How you compare with peers" in seen
    assert "being prepared and is not available yet" in seen
    assert not re.search(r"\d", seen)
