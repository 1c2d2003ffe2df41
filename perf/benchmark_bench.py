"""Peer benchmark speed at 1,000,000 responses: the index, the comparison service, a naive baseline.

Run from the repository root:

    .venv/bin/python perf/benchmark_bench.py [--responses 1000000] [--database-url postgres://postgres@127.0.0.1:5432/cspi_bench_perf]

It prints, in one run:
1. setup: recreates the database (its name must contain "perf"), migrates, loads and publishes
   fixtures/cspi-v1.yaml;
2. the fill, in a child process (so its arrays stay out of this process's memory figures):
   N completed responses by about 0.88 × N people of about 0.6 × N organisations (colleagues of
   one company domain; a fifth of the people at public mailboxes, each an organisation of one;
   repeat e-mails in other cases, 1 % excluded, 0.5 % demo), their scores and pillar scores,
   and the peer pool as a rebuild leaves it, all with COPY (perf.synthetic.peer_population_store:
   indexes built after the load, two connections at once); target under 2 min. Then, not
   counted, VACUUM ANALYZE (the server may run without autovacuum) and a CHECKPOINT, so no
   write-back of the load disturbs what follows;
3. the cold index load (`peer_index_load`) beside a floor (the same COPY, bytes only, run
   after it), with the process's RSS before and after, its peak, and the index's numpy bytes;
4. `benchmark_compute` (what the results page uses) for random respondents, p50/p95, beside
   `PeerIndex.compare` alone and a floor (storing a comparison: one INSERT);
5. the naive baseline: per request, read the pool from the survey tables (COPY into pandas),
   drop the respondent's organisation and compute every group's quartiles and ranks with numpy; p50
   and its ratio to the service's (targets: at least 100x, service p50 under 20 ms), and a
   check that the service stored the same numbers for "all" (n, quartiles, rank);
6. one new completion: `peer_pool_sync` and the next catch-up of a loaded index, then a whole
   `response_complete`;
7. the process's peak memory, and a summary against the targets.

Timings are printed, never asserted: a shared machine makes them noisy, so the load average is
shown and p95 next to p50. Exit status: 0 when it measured, 1 when the service's numbers differ
from the naive ones, 2 when setup failed. The database is kept for inspection and recreated by
the next run.

``--smoke`` runs every step at a tiny size (500 responses, 10 timed calls) so that CI notices a
script that no longer runs; its figures mean nothing, but the check against the naive numbers
still counts.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from perf.survey_load import SetupError, arguments_parsed, database_recreate  # noqa: E402

BANK_FILE = "fixtures/cspi-v1.yaml"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_bench_perf"
FILL_TARGET_S = 120.0
SERVICE_TARGET_MS = 20.0
SPEEDUP_TARGET = 100.0
KPI_KEYS = ("nrr", "retention", "nps", "customers_per_csm")
GROUP_COLUMNS = {"all": None, "industry": "industry", "arr_band": "arr_band", "region": "region"}
SMOKE = {"responses": 500, "respondents": 10}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--respondents", type=int, default=50, help="timed service calls")
    parser.add_argument("--naive", type=int, default=3, help="timed naive requests")
    parser.add_argument("--seed", type=int, default=11)
    # The fill runs in a child process started by the run itself.
    parser.add_argument("--fill-into", type=Path, help=argparse.SUPPRESS)
    return arguments_parsed(parser, SMOKE)


def main() -> int:
    args = parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cspi.settings"
    # Production behaviour, and the pool layout the fill writes (demo responses left out).
    os.environ["DEBUG"] = "0"
    os.environ["BENCHMARK_INCLUDE_DEMO"] = "0"
    try:
        if args.fill_into:
            fill(args.responses, args.seed, args.fill_into)
            return 0
        return run(args)
    except SetupError as error:
        print(f"\nSetup failed: {error}", file=sys.stderr)
        return 2


# --- setup ----------------------------------------------------------------------------------


def manage(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise SetupError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )


def run(args: argparse.Namespace) -> int:
    began = time.monotonic()
    print(f"Load average at start: {_load_average()} (2 cores shared; figures are noisy)")
    name = database_recreate(args.database_url)
    manage("migrate", "--verbosity", "0")
    manage("load_bank", BANK_FILE, "--publish")
    print(f"1. Setup: database {name!r} recreated, migrated, {BANK_FILE} published")
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        facts_file = Path(folder) / "fill.json"
        sys.stdout.flush()
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--responses",
                str(args.responses),
                "--database-url",
                args.database_url,
                "--seed",
                str(args.seed),
                "--fill-into",
                str(facts_file),
            ],
            check=False,
        )
        if child.returncode != 0:
            raise SetupError(f"the fill failed (exit status {child.returncode})")
        facts.update(json.loads(facts_file.read_text()))
    import django

    django.setup()
    measure(args, facts)
    print(
        f"\nLoad average at end: {_load_average()}. The whole run took "
        f"{time.monotonic() - began:.0f} s; database {name!r} is left for inspection."
    )
    if not facts["check_ok"]:
        print("\nThe service's numbers differ from the naive computation.", file=sys.stderr)
        return 1
    return 0


def _load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


# --- 2. the fill (child process) -------------------------------------------------------------


def fill(count: int, seed: int, facts_file: Path) -> None:
    import django

    django.setup()
    from django.db import connection

    from perf.synthetic import peer_population, peer_population_store
    from responses.bank_file import bank_file_read
    from responses.models import QuestionBank

    spec = bank_file_read(REPO / BANK_FILE)
    bank = QuestionBank.objects.get(key=spec.key, version=spec.version)
    print(f"2. Fill: {count:,} completed responses with COPY (in a child process)")
    start = time.perf_counter()
    population = peer_population(spec, count, seed)
    generated = time.perf_counter() - start
    steps = peer_population_store(spec, bank, population)
    filled = time.perf_counter() - start
    print(f"   generate (numpy, answers' JSON):         {generated:6.1f} s")
    for number, (step, seconds) in enumerate(steps.items()):
        if number == 1:
            print("   then on two connections at once (each line its own wall time):")
        indent = "     " if number else "   "
        print(f"{indent}{step + ':':<{42 - len(indent)}} {seconds:6.1f} s")
    verdict = "PASS" if filled < FILL_TARGET_S else "FAIL"
    print(f"   fill total: {filled:6.1f} s (target under {FILL_TARGET_S:.0f} s): {verdict}")
    start = time.perf_counter()
    tables = _fill_tables()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
        # Write the loaded pages out now, so no checkpoint runs during the measurements.
        cursor.execute("CHECKPOINT")
    settled = time.perf_counter() - start
    print(f"   then VACUUM ANALYZE and CHECKPOINT (not part of the fill): {settled:6.1f} s")
    counts = _row_counts(tables)
    for table, rows in counts.items():
        print(f"   {table:<24} {rows:>12,} rows")
    people = len(np.unique(population.person))
    organisations = len(np.unique(population.organisation))
    colleagues = people - organisations
    print(
        f"   {people:,} e-mail addresses of {organisations:,} organisations ({colleagues:,} "
        f"colleagues of another respondent); {int(population.excluded.sum()):,} excluded, "
        f"{int(population.is_demo.sum()):,} demo responses"
    )
    facts = {
        "fill_s": filled,
        "settle_s": settled,
        "counts": counts,
        "people": people,
        "organisations": organisations,
    }
    facts_file.write_text(json.dumps(facts))


def _fill_tables() -> list[str]:
    from benchmarks.models import PoolEntry, PoolState
    from responses.models import PillarScore, Response, ResponseScore

    models = (Response, ResponseScore, PillarScore, PoolEntry, PoolState)
    return [model._meta.db_table for model in models]


def _row_counts(tables: Sequence[str]) -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


# --- 3.-7. the measurements (this process) ----------------------------------------------------


def measure(args: argparse.Namespace, facts: dict[str, Any]) -> None:
    from responses.models import Response

    rng = random.Random(args.seed)
    low, high = _id_range()
    sampled = rng.sample(range(low, high + 1), min(args.respondents + 1, high - low + 1))
    by_id = Response.objects.in_bulk(sampled)
    respondents = [by_id[pk] for pk in sampled if pk in by_id]
    facts.update(index_load_measured())
    facts.update(service_measured(respondents))
    facts.update(compare_measured(respondents[1:]))
    facts["peak_service_kib"] = _peak_kib()
    print(
        f"   peak RSS of this process so far (ru_maxrss): {_mib(facts['peak_service_kib'] * 1024)}"
    )
    facts.update(naive_measured(_naive_respondents(respondents, args.naive)))
    facts.update(update_measured())
    facts["peak_kib"] = _peak_kib()
    print(
        f"7. Peak memory of this process (ru_maxrss): {facts['peak_kib'] / 1024:.0f} MiB "
        f"(after the service: {facts['peak_service_kib'] / 1024:.0f} MiB; the rest is pandas)"
    )
    summary(facts)


def _id_range() -> tuple[int, int]:
    from django.db.models import Max, Min

    from responses.models import Response

    bounds = Response.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        raise SetupError("the fill stored no responses")
    return bounds["low"], bounds["high"]


def _rss_bytes() -> int:
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:
        status = Path("/proc/self/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _mib(size: float) -> str:
    return f"{size / 2**20:,.1f} MiB"


def _ms(seconds: Sequence[float], share: float) -> float:
    """The `share` quantile (0.5 for p50) of timings, in milliseconds."""
    return float(np.quantile(np.asarray(seconds) * 1000, share))


def index_load_measured() -> dict[str, Any]:
    from benchmarks.groups import GroupKey
    from benchmarks.models import PoolState
    from benchmarks.selectors import POOL_STATE_ID, peer_index_load

    state = PoolState.objects.get(pk=POOL_STATE_ID)
    gc.collect()
    before = _rss_bytes()
    start = time.perf_counter()
    live = peer_index_load(state)
    elapsed = time.perf_counter() - start
    peak = _peak_kib() * 1024
    gc.collect()
    after = _rss_bytes()
    arrays, array_bytes = _index_arrays(live.index)
    floor = _pool_copy_floor(state.seq, len(state.pillar_keys))
    pool = live.index.groups[(GroupKey.ALL, None)].size
    print(f"3. Index load, cold (peer_index_load: COPY + build), pool of {pool:,}")
    print(f"   peer_index_load:      {elapsed * 1000:8.0f} ms")
    print(f"   floor (same COPY, bytes only, no parsing): {floor * 1000:8.0f} ms")
    print(
        f"   RSS {_mib(before)} before, {_mib(after)} after: {_mib(after - before)} more "
        f"(includes what pandas freed but the allocator kept)"
    )
    print(f"   peak RSS of the process during the load: {_mib(peak)} (CSV bytes, DataFrame)")
    print(f"   the index's numpy arrays: {arrays:,} arrays, {_mib(array_bytes)} in all")
    print(f"   groups: {len(live.index.groups)}, metrics per group: {live.index.metric_count}")
    del live
    gc.collect()
    return {
        "load_s": elapsed,
        "load_floor_s": floor,
        "rss_growth": after - before,
        "index_bytes": array_bytes,
    }


def _pool_copy_floor(seq: int, pillar_count: int) -> float:
    """The pool's columns as the loader reads them, COPY to bytes in memory, nothing more."""
    from django.db import connection

    from benchmarks.models import PoolEntry

    pillars = ", ".join(f"(pillars->>{i})::bigint" for i in range(pillar_count))
    sql = (
        f"COPY (SELECT industry, arr_band, region, overall, {pillars}, {', '.join(KPI_KEYS)} "
        f"FROM {PoolEntry._meta.db_table} WHERE added_seq <= {int(seq)} "
        f"AND (removed_seq IS NULL OR removed_seq > {int(seq)})) TO STDOUT WITH (FORMAT csv)"
    )
    start = time.perf_counter()
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for block in copy:
            buffer.write(block)
    return time.perf_counter() - start


def _index_arrays(index: Any) -> tuple[int, int]:
    arrays = [
        array
        for group in index.groups.values()
        for counts in group.metrics
        for array in (counts.values, counts.counts, counts.cumulative)
    ]
    return len(arrays), sum(array.nbytes for array in arrays)


def service_measured(respondents: list[Any]) -> dict[str, Any]:
    from benchmarks.models import ResponseBenchmark
    from benchmarks.services import benchmark_compute

    print(f"4. One respondent's comparison, {len(respondents) - 1} random respondents")
    before = _rss_bytes()
    start = time.perf_counter()
    first = benchmark_compute(response=respondents[0])
    first_s = time.perf_counter() - start
    assert first is not None, "the respondent's scores do not fit the pool's pillars"
    print(
        f"   first call in this process (loads the index): {first_s * 1000:8.0f} ms, "
        f"RSS change {_mib(_rss_bytes() - before)}"
    )
    timings = _timed(lambda r: benchmark_compute(response=r), respondents[1:])
    stored = ResponseBenchmark.objects.get(pk=first.pk)
    floor = _timed(
        lambda r: ResponseBenchmark.objects.create(
            response=r,
            computed_at=stored.computed_at,
            pool_seq=stored.pool_seq,
            k=stored.k,
            pool_size=stored.pool_size,
            comparison=stored.comparison,
        ),
        respondents[1:],
    )
    p50, p95 = _ms(timings, 0.5), _ms(timings, 0.95)
    floor_p50 = _ms(floor, 0.5)
    print(f"   benchmark_compute: p50 {p50:7.2f} ms, p95 {p95:7.2f} ms, max {_ms(timings, 1):.2f}")
    print(f"   floor (storing the comparison alone, one INSERT): p50 {floor_p50:7.2f} ms")
    return {"service_p50_ms": p50, "service_p95_ms": p95, "store_floor_p50_ms": floor_p50}


def _timed(call: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    timings = []
    for item in items:
        start = time.perf_counter()
        call(item)
        timings.append(time.perf_counter() - start)
    return timings


def compare_measured(respondents: list[Any]) -> dict[str, Any]:
    from benchmarks.selectors import benchmark_k, peer_index_current, pool_entry_of, pool_member

    with peer_index_current() as live:
        cases = []
        for response in respondents:
            own = pool_entry_of(organisation_key=response.organisation_key, seq=live.seq)
            values = respondent_values(response, live.pillar_keys)
            cases.append((values, pool_member(own) if own else None))
        timings = _timed(
            lambda case: live.index.compare(respondent=case[0], own=case[1], k=benchmark_k()),
            cases,
        )
    p50, p95 = _ms(timings, 0.5), _ms(timings, 0.95)
    print(f"   PeerIndex.compare alone: p50 {p50:7.2f} ms, p95 {p95:7.2f} ms")
    return {"compare_p50_ms": p50}


def respondent_values(response: Any, pillar_keys: Sequence[str]) -> Any:
    """The response's kept values in hundredths, as the service reads them."""
    from benchmarks.selectors import respondent_values as kept_values

    values = kept_values(response=response, layout=pillar_keys)
    assert values is not None, f"response {response.pk} is not comparable"
    return values


# --- 5. the naive baseline ------------------------------------------------------------------


def _naive_respondents(random_ones: list[Any], count: int) -> list[Any]:
    """A respondent whose organisation's latest response is a colleague's (in the pool instead
    of theirs), an excluded response, then random ones."""
    from benchmarks.models import PoolEntry
    from responses.models import Response

    chosen: list[Any] = []
    companies = PoolEntry.objects.filter(
        removed_seq__isnull=True, organisation_key__endswith=".example"
    )
    repeat = (
        Response.objects.filter(
            status=Response.Status.COMPLETED,
            organisation_key__in=companies.values("organisation_key")[:500],
        )
        .exclude(pk__in=companies.values("response_id"))
        .values_list("pk", flat=True)
        .first()
    )
    excluded = (
        Response.objects.filter(excluded_from_benchmarks=True).values_list("pk", flat=True).first()
    )
    for pk in (repeat, excluded):
        if pk is not None:
            chosen.append(Response.objects.get(pk=pk))
    chosen.extend(random_ones[1:])
    return chosen[: max(count, 1)]


def naive_pool_sql(pillar_keys: Sequence[str]) -> str:
    """Each organisation's latest completed, counting response with its scores, read from the
    survey tables as they are. Of the forms tried, pivoting the pillar rows per score before the
    join was the fastest (5 s at 1M against 6.5 s for array_agg and 12 to 19 s for a lateral or
    pivoting after the join), so the baseline is not a straw man."""
    from responses.models import PillarScore, Response, ResponseScore

    pivot = ", ".join(
        f"max(score) FILTER (WHERE pillar_key = '{key}') AS p{i}"
        for i, key in enumerate(pillar_keys)
    )
    pillars = ", ".join(f"p.p{i}" for i in range(len(pillar_keys)))
    return f"""
        COPY (
          WITH latest AS (
            SELECT DISTINCT ON (r.organisation_key) r.id, r.organisation_key,
                   r.industry, r.arr_band, r.region
            FROM {Response._meta.db_table} r
            WHERE r.status = 'completed' AND NOT r.excluded_from_benchmarks
                  AND NOT r.is_demo AND r.organisation_key <> ''
                  AND r.completed_at >= %(since)s
            ORDER BY r.organisation_key, r.completed_at DESC, r.id DESC
          )
          SELECT l.organisation_key, l.industry, l.arr_band, l.region, s.overall, {pillars},
                 s.nrr, s.retention, s.nps, s.customers_per_csm
          FROM latest l
          JOIN {ResponseScore._meta.db_table} s ON s.response_id = l.id
          JOIN (SELECT response_score_id, {pivot} FROM {PillarScore._meta.db_table}
                GROUP BY response_score_id) p ON p.response_score_id = s.id
        ) TO STDOUT WITH (FORMAT csv)
    """


def naive_pool(pillar_keys: Sequence[str]) -> Any:
    """The pool as a DataFrame; metrics in hundredths (floats, NaN when unknown)."""
    import pandas as pd
    from django.db import connection

    metrics = ["overall", *pillar_keys, *KPI_KEYS]
    buffer = io.BytesIO()
    from datetime import UTC, datetime

    from django.utils import timezone

    from benchmarks.pool import window_start
    from benchmarks.selectors import benchmark_window_months

    since = window_start(timezone.now(), benchmark_window_months()) or datetime.min.replace(
        tzinfo=UTC
    )
    sql = naive_pool_sql(pillar_keys)
    with connection.cursor() as cursor, cursor.copy(sql, {"since": since}) as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    frame = pd.read_csv(
        buffer,
        header=None,
        names=["organisation_key", "industry", "arr_band", "region", *metrics],
        dtype={"organisation_key": str, "industry": str, "arr_band": str, "region": str},
        keep_default_na=False,
        na_values={metric: [""] for metric in metrics},
    )
    frame[metrics] = (frame[metrics] * 100).round()
    return frame


def naive_comparison(
    response: Any, values: Sequence[int | None], pool: Any, pillar_keys: Sequence[str], k: int
) -> dict[str, Any]:
    """One request's numbers, naively: drop the respondent's organisation from the pool just
    read and compute every group's n, quartiles (numpy's default) and the respondent's
    percentile rank."""
    peers = pool[pool["organisation_key"] != response.organisation_key]
    metrics = ["overall", *pillar_keys, *KPI_KEYS]
    result: dict[str, Any] = {}
    for key, column in GROUP_COLUMNS.items():
        group = peers if column is None else peers[peers[column] == getattr(response, column)]
        result[key] = None if len(group) < k else {"n": len(group)}
        if result[key] is None:
            continue
        for metric, own in zip(metrics, values, strict=True):
            known = group[metric].dropna().to_numpy()
            result[key][metric] = None if len(known) < k else naive_stats(known, own)
    return result


def naive_stats(values: np.ndarray, own: int | None) -> dict[str, Any]:
    p25, median, p75 = np.quantile(values, [0.25, 0.5, 0.75])
    stats: dict[str, Any] = {"n": len(values), "p25": p25, "median": median, "p75": p75}
    if own is not None:
        below, equal = int((values < own).sum()), int((values == own).sum())
        stats["rank"] = (below, equal)  # 100 × (below + ½ equal) ÷ n, rounded in the check
    return stats


def naive_measured(respondents: list[Any]) -> dict[str, Any]:

    from benchmarks.models import PoolState
    from benchmarks.selectors import POOL_STATE_ID, benchmark_k

    pillar_keys = tuple(PoolState.objects.get(pk=POOL_STATE_ID).pillar_keys)
    print(f"5. Naive baseline: pandas reads the pool per request ({len(respondents)} requests)")
    timings, load = [], []
    results = []
    for response in respondents:
        start = time.perf_counter()
        values = respondent_values(response, pillar_keys).metric_hundredths
        pool = naive_pool(pillar_keys)
        loaded = time.perf_counter()
        results.append(naive_comparison(response, values, pool, pillar_keys, benchmark_k()))
        timings.append(time.perf_counter() - start)
        load.append(loaded - start)
        del pool
        gc.collect()
    p50 = _ms(timings, 0.5)
    print(
        f"   naive request: p50 {p50:,.0f} ms (each: "
        f"{', '.join(f'{t * 1000:,.0f}' for t in timings)} ms); "
        f"of which loading the pool ≈ {_ms(load, 0.5):,.0f} ms"
    )
    mismatches = naive_check(respondents, results, pillar_keys)
    checked = f"{len(respondents)} respondents, 'all' group: n, p25, median, p75, rank"
    print(f"   check: OK ({checked})" if not mismatches else "   check: MISMATCH")
    for line in mismatches[:20]:
        print(f"     {line}")
    return {"naive_p50_ms": p50, "check_ok": not mismatches}


def naive_check(
    respondents: list[Any], results: list[dict[str, Any]], pillar_keys: Sequence[str]
) -> list[str]:
    """The service's stored numbers for 'all' against the naive ones, rounded half up."""
    from benchmarks.models import ResponseBenchmark
    from benchmarks.services import benchmark_compute

    mismatches = []
    for response, naive in zip(respondents, results, strict=True):
        benchmark_compute(response=response)
        stored = ResponseBenchmark.objects.filter(response=response).first()
        assert stored is not None
        group = stored.comparison["groups"][0]
        expected = naive["all"]
        shown = group["enough_peers"] and expected is not None
        if group["enough_peers"] != (expected is not None) or (
            shown and group["n"] != expected["n"]
        ):
            mismatches.append(f"response {response.pk}: n {group['n']} vs naive {expected}")
            continue
        if not shown:
            continue
        service = {"overall": group["overall"], **group["pillars"], **group["kpis"]}
        for metric in ["overall", *pillar_keys, *KPI_KEYS]:
            mine = _shown_naive(expected[metric])
            theirs = _shown_service(service[metric])
            if mine != theirs:
                mismatches.append(f"response {response.pk} {metric}: {theirs} vs naive {mine}")
    return mismatches


def _shown_naive(stats: dict[str, Any] | None) -> tuple[object, ...] | None:
    from scoring.rounding import round_half_up

    if stats is None:
        return None
    quartiles = (round_half_up(Fraction(stats[q]) / 100) for q in ("p25", "median", "p75"))
    rank = None
    if "rank" in stats:
        below, equal = stats["rank"]
        rank = round_half_up(Fraction(100 * (2 * below + equal), 2 * stats["n"]))
    return (stats["n"], *quartiles, rank)


def _shown_service(stats: dict[str, Any] | None) -> tuple[object, ...] | None:
    if stats is None:
        return None
    rank = stats["percentile_rank"]
    quartiles = (Decimal(stats[q]) for q in ("p25", "median", "p75"))
    return (stats["n"], *quartiles, None if rank is None else Decimal(rank))


# --- 6. one new completion ------------------------------------------------------------------


def update_measured() -> dict[str, Any]:
    from benchmarks.groups import GroupKey
    from benchmarks.models import PoolEntry
    from benchmarks.selectors import peer_index_current
    from benchmarks.services import peer_pool_sync

    print("6. One new completion")
    entry = (
        PoolEntry.objects.filter(removed_seq__isnull=True, organisation_key__endswith=".example")
        .order_by("-pk")
        .first()
    )
    assert entry is not None
    response = completed_without_sync(f"New.Colleague@{entry.organisation_key.upper()}")
    start = time.perf_counter()
    changed = peer_pool_sync(organisation_keys=[response.organisation_key])
    sync_s = time.perf_counter() - start
    start = time.perf_counter()
    with peer_index_current() as live:
        seq, size = live.seq, live.index.groups[(GroupKey.ALL, None)].size
    catch_up_s = time.perf_counter() - start
    print(
        f"   response {response.pk} by a new colleague of a pool organisation; peer_pool_sync: "
        f"{sync_s * 1000:6.2f} ms ({changed} entry replaced)"
    )
    print(
        f"   next peer_index_current() of a loaded index (catch-up to change {seq}, pool "
        f"{size:,}): {catch_up_s * 1000:6.2f} ms"
    )
    whole_s = whole_completion()
    print(
        "   a whole response_complete (new e-mail: score, store, sync, first comparison): "
        f"{whole_s * 1000:6.1f} ms"
    )
    return {
        "sync_ms": sync_s * 1000,
        "catch_up_ms": catch_up_s * 1000,
        "complete_ms": whole_s * 1000,
    }


def _example_answers(email: str) -> tuple[Any, dict[str, Any]]:
    """SCORING.md's example A as stored, under `email`, for the published bank."""
    from responses.selectors import bank_current, bank_spec_for
    from scoring.bank import BankSpec
    from tests.examples import EXAMPLE_A
    from tests.survey.answering import stored_form

    bank = bank_current()
    assert bank is not None
    spec: BankSpec = bank_spec_for(bank=bank)
    answers: dict[str, Any] = stored_form(spec, EXAMPLE_A)
    email_question = spec.question_for_role("email")
    assert email_question is not None
    answers[str(email_question.number)] = email
    return bank, answers


def completed_without_sync(email: str) -> Any:
    """A response completed as `response_complete` does, minus the pool sync (timed apart)."""
    from django.utils import timezone

    from responses.kept_scores import scores_keep
    from responses.models import Response
    from responses.organisation_keys import organisation_fields
    from responses.selectors import bank_spec_for
    from responses.services import profile_for_peer_groups
    from scoring.scores import response_score

    bank, answers = _example_answers(email)
    spec = bank_spec_for(bank=bank)
    response = Response.objects.create(bank=bank, answers=answers, email=email)
    now = timezone.now()
    Response.objects.filter(pk=response.pk).update(
        status=Response.Status.COMPLETED,
        completed_at=now,
        **profile_for_peer_groups(spec, answers),
        **organisation_fields(email),
    )
    response.refresh_from_db()
    scores = response_score(spec=spec, answers=answers)
    scores_keep(bank=bank, scored=[(response.pk, scores, now)])
    return response


def whole_completion() -> float:
    from responses.models import Response
    from survey.services import response_complete

    email = f"cs@new-{time.time_ns()}.example"  # a new organisation
    bank, answers = _example_answers(email)
    response = Response.objects.create(bank=bank, answers=answers, email=email)
    start = time.perf_counter()
    result = response_complete(response=response)
    elapsed = time.perf_counter() - start
    assert result.completed_now, result
    return elapsed


# --- summary --------------------------------------------------------------------------------


def summary(facts: dict[str, Any]) -> None:
    ratio = facts["naive_p50_ms"] / facts["service_p50_ms"]
    rows = [
        (
            "fill (generate, COPY, indexes)",
            f"{facts['fill_s']:.1f} s",
            f"< {FILL_TARGET_S:.0f} s",
            facts["fill_s"] < FILL_TARGET_S,
        ),
        (
            "service p50 (benchmark_compute)",
            f"{facts['service_p50_ms']:.2f} ms",
            f"< {SERVICE_TARGET_MS:.0f} ms",
            facts["service_p50_ms"] < SERVICE_TARGET_MS,
        ),
        (
            "naive p50 / service p50",
            f"{ratio:,.0f}x",
            f">= {SPEEDUP_TARGET:.0f}x",
            ratio >= SPEEDUP_TARGET,
        ),
        ("service p95", f"{facts['service_p95_ms']:.2f} ms", "", None),
        ("PeerIndex.compare p50", f"{facts['compare_p50_ms']:.2f} ms", "", None),
        ("naive p50", f"{facts['naive_p50_ms']:,.0f} ms", "", None),
        ("index load, cold", f"{facts['load_s'] * 1000:,.0f} ms", "", None),
        ("index numpy arrays", _mib(facts["index_bytes"]), "", None),
        ("RSS growth on load", _mib(facts["rss_growth"]), "", None),
        ("peer_pool_sync, one completion", f"{facts['sync_ms']:.2f} ms", "", None),
        ("index catch-up, one change", f"{facts['catch_up_ms']:.2f} ms", "", None),
        ("whole response_complete", f"{facts['complete_ms']:.1f} ms", "", None),
        (
            "peak RSS (service / whole run)",
            f"{facts['peak_service_kib'] / 1024:.0f} / {facts['peak_kib'] / 1024:.0f} MiB",
            "",
            None,
        ),
        ("check vs naive ('all' group)", "OK" if facts["check_ok"] else "MISMATCH", "", None),
    ]
    print("\nSummary")
    print(f"   {'':<34} {'measured':>16}  {'target':<9} result")
    for label, measured, target, passed in rows:
        result = "" if passed is None else ("PASS" if passed else "FAIL")
        print(f"   {label:<34} {measured:>16}  {target:<9} {result}")


if __name__ == "__main__":
    sys.exit(main())
