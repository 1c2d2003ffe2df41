"""GET /api/v1/outcomes: the latest snapshot's outcome lens, numbers as JSON numbers."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.outcomes import lens_from_json
from benchmarks.snapshots import pool_snapshot_refresh
from tests.api.conftest import ApiClient, submission
from tests.examples import EXAMPLE_A, EXAMPLE_B

pytestmark = pytest.mark.django_db


def test_the_lens_needs_a_token(bank: Any) -> None:
    assert ApiClient(None).get("/outcomes").status_code == 401


def test_before_the_pool_was_first_counted_nothing_is_shown(api: ApiClient, bank: Any) -> None:
    reply = api.get("/outcomes")

    assert reply.status_code == 200
    assert reply.json() == {"k": 5, "as_of": None, "n": None, "enough_peers": False, "metrics": []}


def test_the_lens_answers_the_snapshots_numbers_and_withholds_small_cells(
    api: ApiClient, bank: Any, settings: Any
) -> None:
    settings.BENCHMARK_K = 3
    for n, (example, nrr) in enumerate(
        [(EXAMPLE_A, "95"), (EXAMPLE_A, "101"), (EXAMPLE_A, "98"), (EXAMPLE_B, "120")]
    ):
        answers = {**example, 3: f"cs@r{n}.example", 10: nrr}
        assert api.post("/responses", submission(answers)).status_code == 201
    snapshot = pool_snapshot_refresh()
    assert snapshot is not None

    body = api.get("/outcomes").json()

    assert (body["k"], body["n"], body["enough_peers"]) == (3, 4, True)
    overall = body["metrics"][0]
    assert (overall["key"], [cell["key"] for cell in overall["buckets"]]) == (
        "overall",
        ["undeveloped", "emerging", "expanding", "conquering"],
    )
    # Three at 14.28 (Undeveloped), one at 61.13 (Expanding): the lone one is withheld, and
    # so, with it, the smallest shown cell, lest 4 − 3 give it away.
    undeveloped, emerging, expanding, _ = overall["buckets"]
    assert expanding == {"key": "expanding", "label": "Expanding", "enough_peers": False, "n": None}
    assert undeveloped["enough_peers"] is False and emerging["enough_peers"] is False
    lens = lens_from_json(snapshot.lens)
    assert overall["top_threshold"] == float(lens.metrics[0].top_threshold or 0)
    assert [m["key"] for m in body["metrics"]] == [m.key for m in lens.metrics]


def test_a_shown_cell_has_json_numbers_and_withheld_kpis_say_so(
    api: ApiClient, bank: Any, settings: Any
) -> None:
    settings.BENCHMARK_K = 3
    for n, nrr in enumerate(["95", "101.5", "98", None]):
        answers = {**EXAMPLE_A, 3: f"cs@r{n}.example", 10: nrr}
        assert api.post("/responses", submission(answers)).status_code == 201
    pool_snapshot_refresh()

    undeveloped = api.get("/outcomes").json()["metrics"][0]["buckets"][0]

    assert (undeveloped["enough_peers"], undeveloped["n"]) == (True, 4)
    assert undeveloped["kpis"]["nrr"] == {"enough_peers": True, "n": 3, "median": 98.0}
    assert undeveloped["kpis"]["nps"] == {"enough_peers": False, "n": None}  # nobody knows it
