"""The results page's peer comparison, read as a reader sees it: numbers, withheld groups, escaping.

`python -m tests.reports.test_comparison_section` writes /tmp/comparison_preview.html, the
section inside the site's layout, for looking at in a browser.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template import engines
from django.template.loader import get_template

from benchmarks.groups import Comparison, GroupKey, RespondentValues
from benchmarks.pool import PoolRow
from reports.charts import peer_group_charts
from tests.benchmarks import ARR_BANDS, INDUSTRIES, KPIS, PILLARS, REGIONS, RowsIndex, pool_row

INCLUDE = "survey/includes/comparison.html"
SVG = "{http://www.w3.org/2000/svg}"
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


@dataclass(frozen=True)
class Respondent:
    overall: Decimal
    pillars: dict[str, Decimal]
    kpis: dict[str, Decimal | None]


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
    email="me@example.com",
    industry=SOFTWARE,
    arr_band=SMALL,
    region=EUROPE,
    overall_hundredths=6000,
    pillar_hundredths=tuple(6000 - 250 * index for index in range(len(PILLARS))),
    kpi_hundredths=(10500, None, 3000, 4200),
)


def _decimal(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


def _respondent(values: RespondentValues) -> Respondent:
    return Respondent(
        overall=Decimal(values.overall_hundredths).scaleb(-2),
        pillars={
            key: Decimal(value).scaleb(-2)
            for key, value in zip(PILLARS, values.pillar_hundredths, strict=True)
        },
        kpis={key: _decimal(value) for key, value in zip(KPIS, values.kpi_hundredths, strict=True)},
    )


def _context(pool: list[PoolRow], me: RespondentValues, names: dict[str, str]) -> dict[str, Any]:
    """The include's context as a results view builds it, from a comparison of `me` with `pool`."""
    comparison = RowsIndex.of(pool).compare(respondent=me)
    respondent = _respondent(me)
    return {
        "benchmark": Benchmark(comparison, len(pool), COMPUTED_AT, comparison.k),
        "respondent": respondent,
        "pillar_names": names,
        "peer_charts": peer_group_charts(
            comparison=comparison, respondent=respondent, pillar_names=names
        ),
    }


def _render(
    pool: list[PoolRow] = POOL, me: RespondentValues = ME, names: dict[str, str] = NAMES
) -> str:
    return get_template(INCLUDE).render(_context(pool, me, names))


def _comparison() -> Comparison:
    return RowsIndex.of(POOL).compare(respondent=ME)


def _group_section(page: str, key: GroupKey) -> str:
    found = re.search(
        rf'<section class="peer-group[^"]*" id="peers-{key}".*?</section>', page, re.S
    )
    assert found, f"no section for {key}"
    return found.group(0)


def _text(markup: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _table_rows(section: str) -> dict[str, list[str]]:
    """Each body row of the section's tables as its cells' text, keyed by its row header."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S):
        cells = [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if '<th scope="row">' in row:
            rows[cells[0].removesuffix(f" {_kpi_n(row)}").strip()] = cells
    return rows


def _kpi_n(row: str) -> str:
    """The "n peers gave theirs" under a KPI's name, so the row can be found by the name."""
    found = re.search(r'<span class="peer-kpi-n">(.*?)</span>', row, re.S)
    return _text(found.group(1)) if found else ""


def _svgs(markup: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", markup, re.S)]


def _shown(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def test_a_shown_group_lists_its_peers_quartiles_and_the_respondents_rank():
    page = _render()
    section = _group_section(page, GroupKey.ALL)

    assert "14 peers" in _text(section)
    # By hand: peers' overall 10.00 … 100.00; median (55.00 + 60.00) / 2; 60.00 has 7 below, 1 tie.
    overall = ["Overall", "60.00", "32.50", "57.50", "73.75", "53.57", "third quartile"]
    assert _table_rows(section)["Overall"] == overall


def test_every_shown_group_shows_the_comparisons_numbers_for_each_pillar():
    page, comparison = _render(), _comparison()
    for key, n in ((GroupKey.ALL, 14), (GroupKey.INDUSTRY, 8), (GroupKey.REGION, 9)):
        group = comparison.group(key)
        assert group.n == n and group.pillars is not None
        section = _group_section(page, key)
        rows = _table_rows(section)
        assert f"{n} peers" in _text(section)
        for pillar, stats in group.pillars.items():
            assert rows[NAMES[pillar]][2:] == [
                _shown(stats.p25),
                _shown(stats.median),
                _shown(stats.p75),
                _shown(stats.percentile_rank),
                stats.band.label if stats.band else "",
            ]


def test_a_withheld_group_says_fewer_than_k_and_shows_no_number_of_its_own():
    page = _render()
    group = _comparison().group(GroupKey.ARR_BAND)
    assert not group.enough_peers and group.fallback is GroupKey.ALL

    section = _group_section(page, GroupKey.ARR_BAND)
    seen = _text(section)
    assert "Fewer than 5 peers — not shown; compare with All respondents instead." in seen
    assert "<svg" not in section and "<table" not in section
    # The only digits left once the label ("ARR: < $1M") is gone are K's.
    assert re.findall(r"\d+", seen.replace(group.label, "")) == ["5"]


def test_a_kpi_few_peers_know_is_withheld_and_an_unknown_value_of_yours_says_unknown():
    rows = _table_rows(_group_section(_render(), GroupKey.ALL))

    assert rows["Net Promoter Score"] == [
        "Net Promoter Score",
        "30.00",
        "fewer than 5 peers know this",
    ]
    retention = rows["Customer retention rate (%)"]
    assert retention[0] == "Customer retention rate (%) 14 peers gave theirs"
    assert retention[1] == "unknown"
    assert retention[-2:] == ["", ""]  # no rank, no quartile for an unknown value
    assert rows["Net revenue retention (%)"][1] == "105.00"


def test_hostile_names_are_escaped_in_the_chart_and_the_tables():
    script, breakout = "<script>alert(1)</script>", '"><img src=x>'
    names = {**NAMES, PILLARS[0]: script, PILLARS[1]: breakout}
    me = replace(ME, industry=breakout)
    pool = [replace(row, industry=breakout) if row.industry == SOFTWARE else row for row in POOL]

    page = _render(pool, me, names)

    assert script not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    charts = _svgs(page)
    assert len(charts) == 3
    for chart in charts:
        labels = [text.text for text in chart.iter(f"{SVG}text")]
        assert script in labels and breakout in labels
    industry_chart = charts[1]
    assert industry_chart.get("aria-label", "").startswith(f"Industry: {breakout}:")
    rows = _table_rows(_group_section(page, GroupKey.INDUSTRY))
    assert script in rows and breakout in rows


def test_each_chart_is_xml_with_a_title_and_one_respondent_mark_per_row():
    charts = _svgs(_render())

    assert len(charts) == 3  # all, industry, region; the ARR group is withheld
    for chart in charts:
        assert chart.get("role") == "img"
        assert chart.findtext(f"{SVG}title", "").endswith("peers")
        marks = chart.findall(f"{SVG}polygon[@class='you']")
        assert len(marks) == 1 + len(PILLARS)  # overall and each pillar


def test_the_intro_names_the_pool_size_date_and_k():
    seen = _text(_render())

    assert (
        "Compared with 14 peers in the pool on 2 March 2026; "
        "groups of fewer than 5 peers are not shown."
    ) in seen


def test_without_a_benchmark_the_section_says_it_is_not_available_and_shows_no_number():
    page = get_template(INCLUDE).render(
        {"benchmark": None, "respondent": _respondent(ME), "pillar_names": NAMES}
    )

    seen = _text(page)
    assert "How you compare with peers" in seen
    assert "being prepared and is not available yet" in seen
    assert not re.search(r"\d", seen)


def _write_preview(path: str = "/tmp/comparison_preview.html") -> None:
    """The section inside base.html, with the real pillar names and static files by path."""
    names = {
        key: name
        for key, name in zip(
            PILLARS,
            (
                "Alignment",
                "Team",
                "Segmentation",
                "Playbook",
                "Resources",
                "Onboarding",
                "Relationship",
                "ROI",
            ),
            strict=True,
        )
    }
    page_source = (
        '{% extends "base.html" %}{% block content %}'
        '<div class="row justify-content-center results"><div class="col-lg-9">'
        '{% include "survey/includes/comparison.html" %}</div></div>{% endblock %}'
    )
    page = engines["jinja2"].from_string(page_source).render(_context(POOL, ME, names))
    static = f"file://{settings.BASE_DIR}/static/"
    with open(path, "w", encoding="utf-8") as preview:
        preview.write(page.replace(f'"{settings.STATIC_URL}', f'"{static}'))


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    _write_preview()
