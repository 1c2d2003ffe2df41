"""The sections the PDF and the results page share: the radar (escaped, with its data table),
and the page includes rendered from their context functions' data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.template.loader import get_template

from benchmarks.groups import GroupComparison, GroupKey, MetricStats
from benchmarks.percentiles import quartile_band
from reports.sections import (
    RevenueSection,
    Tracking,
    TrackingGroup,
    radar_build,
    standing_for,
)
from responses.selectors import PillarResult
from scoring.kpis import KPIS
from scoring.revenue import arr_band_parsed, revenue_at_stake
from tests.scoring import BUCKETS

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & a very long pillar name that wraps"


def _pillar(key: str, name: str, score: str) -> PillarResult:
    return PillarResult(key, name, "", Decimal(score), BUCKETS[1], "", None)


def _stats(median: str, rank: str | None = "60") -> MetricStats:
    return MetricStats(
        n=9,
        p25=Decimal(10),
        median=Decimal(median),
        p75=Decimal(90),
        percentile_rank=None if rank is None else Decimal(rank),
        band=None,
    )


PILLARS = [_pillar("a", HOSTILE, "40"), _pillar("b", "Team", "70"), _pillar("c", "ROI", "20")]
GROUP = GroupComparison(
    key=GroupKey.ALL,
    label="All respondents",
    enough_peers=True,
    n=9,
    pillars={"a": _stats("50"), "b": _stats("55"), "c": _stats("30")},
)


def test_the_radar_draws_you_the_median_and_targets_with_every_text_escaped():
    radar = radar_build(
        pillars=PILLARS, buckets=BUCKETS, group=GROUP, targets={"b": "conquering", "x": "y"}
    )
    root = ET.fromstring(str(radar.svg))  # well-formed: the hostile name is text, not markup
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "<script>" in texts and "wraps" in texts  # the whole name, over several lines
    classes = [p.get("class") for p in root.iter(f"{SVG}polygon")]
    assert "you" in classes and "peer-median" in classes
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    assert [row.median for row in radar.rows] == [Decimal(50), Decimal(55), Decimal(30)]
    assert [row.target.key if row.target else None for row in radar.rows] == [
        None,
        "conquering",
        None,
    ]


def test_the_radar_include_prints_its_table_for_screen_readers():
    radar = radar_build(pillars=PILLARS, buckets=BUCKETS, group=GROUP, targets={"b": "expanding"})
    html = get_template("survey/includes/radar.html", using="jinja2").render({"radar": radar})
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Peer median" in html and "Expanding (50)" in html and "70.00" in html


def test_a_kpi_where_higher_is_not_better_stands_without_quartile_words():
    stats = MetricStats(
        n=9,
        p25=Decimal(10),
        median=Decimal(20),
        p75=Decimal(30),
        percentile_rank=Decimal(90),
        band=quartile_band(Decimal(90)),
    )
    assert "top quartile" in standing_for(stats, kpi_key="nrr")
    assert "quartile" not in standing_for(stats, kpi_key="customers_per_csm")


def test_the_page_includes_render_tracking_and_revenue():
    tracking = Tracking(
        groups=(TrackingGroup(PILLARS[1], (KPIS["churn_risk_score"],)),), measured=(KPIS["nps"],)
    )
    html = get_template("survey/includes/kpis_to_track.html", using="jinja2").render(
        {"tracking": tracking}
    )
    assert "Churn risk score" in html and "Renewal" in html and "review weekly, the team" in html

    band = arr_band_parsed("$1M – $5M")
    assert band is not None
    stake = revenue_at_stake(band=band, kpi_key="nrr", yours=Decimal(96), median=Decimal(104))
    revenue = RevenueSection(stake, "", GROUP)
    html = get_template("survey/includes/revenue_at_stake.html", using="jinja2").render(
        {"revenue": revenue}
    )
    assert "An illustration, not a forecast" in html and "ARR × (rate ÷ 100)^t" in html
    assert revenue.total_text in html and "the midpoint of your band" in html
