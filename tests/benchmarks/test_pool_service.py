"""The pool and comparisons as stored: completions through the survey's own service, the
numbers against an independent pandas computation on the stored scores."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone

from benchmarks.groups import GroupKey
from benchmarks.models import PoolEntry
from benchmarks.selectors import benchmark_latest, peer_index_current
from benchmarks.services import benchmark_compute, peer_pool_prune, peer_pool_sync
from responses.models import OrganisationJoin, PillarScore, QuestionBank, Response, ResponseScore
from responses.services import response_start
from scoring.bank import BankSpec
from scoring.rounding import round_half_up
from survey.services import response_complete
from tests.benchmarks import organisations_in_pandas
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.survey.answering import stored_form

REGIONS = ("Europe", "North America")
INDUSTRIES = ("Software and SaaS", "Financial Services")
BANDS = ("$1M – $5M", "$100M – $500M")


def complete(
    spec: BankSpec,
    email: str,
    *,
    rng: random.Random | None = None,
    region: str = REGIONS[0],
    industry: str = INDUSTRIES[0],
    band: str = BANDS[0],
    nrr: str | None = "100",
) -> Response:
    """A response completed through the survey's service, a mix of examples A and B."""
    rng = rng or random.Random(email)
    answers = {
        number: (EXAMPLE_A if rng.random() < 0.5 else EXAMPLE_B)[number] for number in EXAMPLE_A
    }
    answers.update({3: email, 4: region, 5: industry, 7: band, 10: nrr})
    bank = QuestionBank.objects.get(key=spec.key, version=spec.version)
    response = response_start(bank=bank)
    Response.objects.filter(pk=response.pk).update(answers=stored_form(spec, answers), email=email)
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def kept_scores() -> pd.DataFrame:
    """Every completed response's kept values, straight from the score tables."""
    frame = pd.DataFrame(
        ResponseScore.objects.values(
            "response_id",
            "response__email",
            "response__completed_at",
            "response__region",
            "response__industry",
            "response__arr_band",
            "response__excluded_from_benchmarks",
            "overall",
            "nrr",
        )
    )
    pillars = pd.DataFrame(
        PillarScore.objects.values("response_score__response_id", "pillar_key", "score")
    ).pivot(index="response_score__response_id", columns="pillar_key", values="score")
    return frame.join(pillars, on="response_id")


def independent_stats(peers: pd.Series, mine: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    values = [Fraction(v) for v in peers]
    median = Fraction(float(np.median([float(v) for v in peers]))).limit_denominator(1000)
    below = sum(1 for v in values if v < Fraction(mine))
    equal = sum(1 for v in values if v == Fraction(mine))
    rank = Fraction(100 * (2 * below + equal), 2 * len(values))
    return Decimal(len(values)), round_half_up(median), round_half_up(rank)


def test_comparison_at_completion_matches_pandas_on_the_stored_scores(spec, settings):
    settings.BENCHMARK_K = 5
    rng = random.Random(7)
    for number in range(14):
        complete(
            spec,
            f"cs@peer{number}.example",
            rng=rng,
            region=rng.choice(REGIONS),
            industry=rng.choice(INDUSTRIES),
            nrr=rng.choice(["90", "100", "115", None]),
        )
    OrganisationJoin.objects.create(domain="acme.co.uk", joined_into="acme.com")
    complete(spec, "Someone.Else@PEER3.example", rng=rng)  # peer3's organisation again, later
    complete(spec, "jane@gmail.com", rng=rng)  # public mailboxes: two organisations of one
    complete(spec, "john@GMAIL.com", rng=rng)
    complete(spec, "a@acme.co.uk", rng=rng)  # joined domains: one organisation
    complete(spec, "b@Acme.com", rng=rng)
    complete(spec, "colleague@example.com", rng=rng)  # my own organisation: never my peer
    me = complete(spec, "me@example.com", rng=rng, region=REGIONS[1])

    stored = benchmark_latest(response=me)
    assert stored is not None

    frame = kept_scores()
    frame["organisation"] = organisations_in_pandas(frame["response__email"])
    latest = (
        frame.sort_values(["response__completed_at", "response_id"]).groupby("organisation").tail(1)
    )
    peers = latest[latest["organisation"] != "example.com"]
    mine = frame[frame["response_id"] == me.pk].iloc[0]
    everyone = stored.comparison.group(GroupKey.ALL)
    assert everyone.n == len(peers) == 17  # 14 domains, 2 mailboxes, acme once
    assert stored.pool_size == 17
    for pillar in ("alignment", "team", "playbook", "roi"):
        n, median, rank = independent_stats(peers[pillar], mine[pillar])
        assert everyone.pillars is not None
        assert (everyone.pillars[pillar].n, everyone.pillars[pillar].median) == (n, median)
        assert everyone.pillars[pillar].percentile_rank == rank
    known_nrr = peers["nrr"].dropna()
    assert everyone.kpis is not None and everyone.kpis["nrr"] is not None
    assert everyone.kpis["nrr"].n == len(known_nrr)

    region = stored.comparison.group(GroupKey.REGION)
    in_region = peers[peers["response__region"] == REGIONS[1]]
    assert region.enough_peers == (len(in_region) >= 5)
    if not region.enough_peers:
        assert region.n is None and region.fallback is GroupKey.ALL


def test_a_completion_appears_in_the_next_comparison_without_reloading(spec):
    people = [complete(spec, f"cs@p{number}.example") for number in range(6)]
    first = benchmark_compute(response=people[0])
    with peer_index_current() as live:
        loaded = live.index

    complete(spec, "newcomer@example.com")
    second = benchmark_compute(response=people[0])

    with peer_index_current() as live:
        assert live.index is loaded  # caught up in place, not loaded again
    assert first is not None and second is not None
    assert first.comparison["groups"][0]["n"] == 5
    assert second.comparison["groups"][0]["n"] == 6


def test_a_persons_earlier_response_is_replaced_and_never_their_own_peer(spec):
    for number in range(6):
        complete(spec, f"cs@p{number}.example")
    complete(spec, "me@example.com")
    again = complete(spec, "Me@Example.com")

    entries = PoolEntry.objects.filter(organisation_key="example.com")
    assert entries.filter(removed_seq__isnull=True).get().response_id == again.pk
    stored = benchmark_latest(response=again)
    assert stored is not None and stored.comparison.group(GroupKey.ALL).n == 6


def test_excluded_response_leaves_the_pool_and_comes_back_when_included(spec):
    people = [complete(spec, f"cs@p{number}.example") for number in range(7)]
    Response.objects.filter(pk=people[1].pk).update(excluded_from_benchmarks=True)
    assert peer_pool_sync(organisation_keys=["p1.example"]) == 1
    without = benchmark_compute(response=people[0])

    Response.objects.filter(pk=people[1].pk).update(excluded_from_benchmarks=False)
    assert peer_pool_sync(organisation_keys=["p1.example"]) == 1
    with_again = benchmark_compute(response=people[0])

    assert without is not None and with_again is not None
    assert without.pool_size == 5
    assert with_again.pool_size == 6


def test_demo_responses_count_only_when_the_setting_is_on(spec, settings):
    people = [complete(spec, f"cs@p{number}.example") for number in range(5)]
    Response.objects.filter(pk__in=[p.pk for p in people[:2]]).update(is_demo=True)
    settings.BENCHMARK_INCLUDE_DEMO = False
    peer_pool_sync(organisation_keys=["p0.example", "p1.example"])
    me = complete(spec, "me@example.com")
    off = benchmark_compute(response=me)
    settings.BENCHMARK_INCLUDE_DEMO = True
    on = benchmark_compute(response=me)

    assert off is not None and on is not None
    assert off.comparison["groups"][0]["enough_peers"] is False  # 3 real peers < 5
    assert off.pool_size is None
    assert on.comparison["groups"][0]["n"] == 5


@pytest.mark.parametrize("peers", [4, 5])
def test_a_group_of_k_minus_one_shows_nothing_and_k_shows_statistics(spec, peers):
    for number in range(peers):
        complete(spec, f"cs@p{number}.example", industry=INDUSTRIES[1])
    for number in range(5):
        complete(spec, f"cs@other{number}.example")
    me = complete(spec, "me@example.com", industry=INDUSTRIES[1])

    stored = benchmark_latest(response=me)
    assert stored is not None
    industry = stored.comparison.group(GroupKey.INDUSTRY)
    assert industry.enough_peers is (peers >= 5)
    if peers < 5:
        assert industry.n is None and industry.pillars is None
        assert industry.fallback is GroupKey.ALL
    else:
        assert industry.n == 5


def test_a_process_behind_the_pruned_history_loads_the_pool_again(spec):
    people = [complete(spec, f"cs@p{number}.example") for number in range(6)]
    with peer_index_current() as live:
        stale = live.index
    for person in people[1:3]:
        Response.objects.filter(pk=person.pk).update(excluded_from_benchmarks=True)
        peer_pool_sync(organisation_keys=[person.organisation_key])

    assert peer_pool_prune(keep_changes=0) == 2
    stored = benchmark_compute(response=people[0])

    with peer_index_current() as live:
        assert live.index is not stale
    assert stored is not None and stored.pool_size is None  # 3 peers left, under K
    assert stored.comparison["groups"][0]["enough_peers"] is False


def test_deleting_a_response_in_admin_takes_it_out_of_every_processs_index(spec, admin_client):
    people = [complete(spec, f"cs@p{number}.example") for number in range(7)]
    with peer_index_current() as live:
        assert live.index.groups[(GroupKey.ALL, None)].size == 7

    admin_client.post(
        "/admin/responses/response/",
        {"action": "delete_selected", "_selected_action": [people[1].pk], "post": "yes"},
    )

    assert not Response.objects.filter(pk=people[1].pk).exists()
    with peer_index_current() as live:
        assert (
            live.index.groups[(GroupKey.ALL, None)].size == 6
        )  # caught up: the closed entry was seen
    stored = benchmark_compute(response=people[0])
    assert stored is not None and stored.pool_size == 5


def test_rebuild_in_one_sql_statement_keeps_the_same_pool_as_the_row_by_row_path(spec, settings):
    from django.db import connection

    from benchmarks import services

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement rebuild is PostgreSQL's")
    settings.BENCHMARK_INCLUDE_DEMO = False
    rng = random.Random(3)
    people = [
        complete(
            spec,
            f"cs@p{n % 9}.example".upper() if n % 4 == 0 else f"cs@p{n % 9}.example",
            rng=rng,
            region=rng.choice(REGIONS),
            nrr=rng.choice(["90", None]),
        )
        for n in range(16)
    ]
    Response.objects.filter(pk=people[15].pk).update(excluded_from_benchmarks=True)
    Response.objects.filter(pk=people[14].pk).update(is_demo=True)
    # nobody's (no address, no organisation): p4 keeps people[4]
    Response.objects.filter(pk=people[13].pk).update(email="", mail_domain="", organisation_key="")
    # p0 twice at one moment: the one stored last counts
    Response.objects.filter(pk=people[0].pk).update(completed_at=people[9].completed_at)
    # p1 answered only long ago (people[1] and [10]): outside the window, p1 is no peer
    long_ago = timezone.now() - timedelta(days=800)
    Response.objects.filter(pk__in=[people[1].pk, people[10].pk]).update(completed_at=long_ago)
    # p3's latest was scored on another pillar: p3 is left out, not counted by people[3]
    PillarScore.objects.filter(response_score__response=people[12], position=0).update(
        pillar_key="retired"
    )

    def pool() -> list[tuple[object, ...]]:
        fields = ["response_id", "organisation_key", "industry", "arr_band", "region", "overall"]
        fields += ["pillars", "nrr", "retention", "nps", "customers_per_csm", "completed_at"]
        return sorted(PoolEntry.objects.filter(removed_seq__isnull=True).values_list(*fields))

    services.peer_pool_rebuild()
    in_sql = pool()
    PoolEntry.objects.all().delete()
    services._rebuild_in_python(services._pillar_layout(), False, services._window_start_now(), 99)

    assert in_sql == pool()
    assert len(in_sql) == 7
    assert people[9].pk in {entry[0] for entry in in_sql}


def test_colleagues_with_any_spelling_of_an_international_domain_are_one_organisation(spec):
    for number in range(5):
        complete(spec, f"cs@p{number}.example")
    first = complete(spec, "Jürgen@Bücher.DE")
    second = complete(spec, "anna@xn--bcher-kva.de")

    assert first.organisation_key == second.organisation_key == "xn--bcher-kva.de"
    assert first.mail_domain == "xn--bcher-kva.de"
    entries = PoolEntry.objects.filter(organisation_key="xn--bcher-kva.de", removed_seq=None)
    assert entries.get().response_id == second.pk  # the organisation's latest, once
    stored = benchmark_latest(response=second)
    assert stored is not None and stored.pool_size == 5  # the colleague is not a peer
