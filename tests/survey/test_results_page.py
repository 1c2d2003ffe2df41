"""The results page as a reader meets it: the summary at the top, the outcomes by maturity of the
pool, and next steps that say how many peers one bucket up already took them."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client, override_settings

from benchmarks.services import benchmark_compute
from benchmarks.snapshots import outcome_lens_for, peer_roadmap, pool_snapshot_refresh
from scoring.kpis import KPIS
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.reports.test_pdf_document import completed

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    page = Client().get(f"/survey/{response.token}/results/").content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]* id="{section_id}".*?</section>', page, re.S)
    assert found, f"no section {section_id}"
    return found.group(0)


def test_the_summary_leads_with_the_score_the_extremes_three_steps_and_contents(spec):
    me = completed(spec, EXAMPLE_A, "a@example.com")
    page = _page(me)
    top = page[: page.index('id="pillars"')]

    assert '<span id="overall-score">14.28</span>' in top
    # Example A: Playbook 33.33 is the highest pillar, Segmentation 0.00 the lowest.
    assert "Strongest Playbook 33.33, Emerging" in _text(top)
    assert "Weakest Segmentation 0.00, Undeveloped" in _text(top)
    steps = re.findall(r"<li><strong>(.*?)</strong>:", top.split('id="next-steps"')[1])
    assert len(steps) == 3 and len(set(steps)) == 3  # three places to start, one per pillar
    for anchor in ("#pillars", "#peers", "#figures", "#outcomes", "#plan"):
        assert f'href="{anchor}"' in top
    assert f'href="/survey/{me.token}/roadmap/"' in top


@override_settings(BENCHMARK_K=5)
def test_outcomes_by_maturity_show_the_kept_lens_as_an_association(spec):
    for number in range(12):
        answers = {**(EXAMPLE_B if number % 2 else EXAMPLE_A), 10: str(90 + 3 * number)}
        completed(spec, answers, f"cs@peer{number}.example")
    me = completed(spec, EXAMPLE_A, "me@example.com")
    pool_snapshot_refresh()
    kept = benchmark_compute(response=me)
    assert kept is not None
    lens = outcome_lens_for(benchmark=kept)
    assert lens is not None and lens.n == 13

    section = _section(_page(me), "outcomes")
    seen = _text(section)
    assert "13 organisations in the pool" in seen
    assert "an association seen in the pool, not proof that maturity causes" in seen
    overall = lens.metrics[0]
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", section, re.S)
    by_label = {_text(label): _text(cells) for label, cells in rows[: len(overall.buckets) + 2]}
    for cell in (*overall.buckets, overall.top, overall.rest):
        if not cell.enough_peers:
            assert by_label[cell.label].startswith("not shown"), cell
            continue
        expected = [str(cell.n)]
        for median in cell.kpis:
            expected += (
                [_text(KPIS[median.key].shown(median.median) or ""), f"{median.n} know it"]
                if median.enough_peers
                else ["not shown"]
            )
        assert by_label[cell.label] == " ".join(expected), cell.label


@override_settings(BENCHMARK_K=5)
def test_a_next_step_says_what_share_of_peers_one_bucket_up_chose_it(spec):
    for number in range(8):
        completed(spec, EXAMPLE_B, f"cs@peer{number}.example")
    me = completed(spec, EXAMPLE_A, "me@example.com")
    pool_snapshot_refresh()
    kept = benchmark_compute(response=me)
    plans = peer_roadmap(response=me, benchmark=kept)
    shared = [(plan, step) for plan in plans for step in plan.steps if step.share is not None]
    assert shared, "example B's eight peers sit one bucket up on some pillar"

    page = _text(_page(me))
    for plan, step in shared:
        peers = f"the {plan.peers} " if plan.peers is not None else ""
        assert (
            f"{step.share} % of {peers}peers in {plan.next_bucket.name} on {plan.pillar_name} "
            "already chose it."
        ) in page


def test_without_enough_peers_no_share_is_printed(spec):
    for number in range(3):
        completed(spec, EXAMPLE_B, f"cs@peer{number}.example")
    me = completed(spec, EXAMPLE_A, "me@example.com")
    pool_snapshot_refresh()
    benchmark_compute(response=me)

    page = _text(_page(me))
    assert "already chose it" not in page
    assert "fewer than 5 organisations, too few to show outcomes by maturity" in page


@override_settings(BENCHMARK_K=5)
def test_a_comparison_made_before_the_first_snapshot_shows_the_latest_outcomes(spec):
    for number in range(6):
        completed(spec, EXAMPLE_B if number % 2 else EXAMPLE_A, f"cs@peer{number}.example")
    me = completed(spec, EXAMPLE_A, "me@example.com")  # compared before any snapshot
    assert "have not been computed yet" in _text(_section(_page(me), "outcomes"))

    pool_snapshot_refresh()

    seen = _text(_section(_page(me), "outcomes"))
    assert "How the 7 organisations in the pool on" in seen
