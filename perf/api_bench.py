"""Load test of the JSON API v1 against a floor, on a real gunicorn, PostgreSQL and Redis.

Run from the repository root:

    .venv/bin/python perf/api_bench.py [--database-url postgres://postgres@127.0.0.1:5432/cspi_api_perf]

Setup: (re)create the database (its name must contain "perf"), migrate, load and publish
fixtures/cspi-v1.yaml, collect static files, seed demo responses (BENCHMARK_INCLUDE_DEMO=1 so
that they count as peers), create an admin and an API token, then run gunicorn (settings
``perf.settings``) on a free port of 127.0.0.1. The rate limit per token is set far above
anything this run sends (API_RATE_LIMIT_TOKEN), so no request is throttled; the counting still
happens, as it does for any limit of 2,000 or more per window: each process takes a share of
calls at a time from the count in Redis (api.base.MAX_SHARE; limits under 200 per window
are counted call by call). CACHE_URL and CELERY_BROKER_URL point at Redis db 13 (flushed
before and after) when Redis answers, else the cache is per process and the broker kombu's
filesystem transport in the run's temporary folder. No worker runs: queued reports stay pending.

Three targets:

- floor GET:      GET /perf/api-floor/<bytes>/, a bare Django view serializing static JSON of the
                  benchmark answer's size (perf/api_floor.py; same settings and middleware)
- benchmark GET:  GET /api/v1/responses/{id}/benchmark (responses submitted through the API in
                  setup, so each has its kept comparison), round robin
- submit POST:    POST /api/v1/responses with example A or B of tests/examples.py, each with its
                  own e-mail address from a pool; every one creates, scores and benchmarks a
                  response and queues its report

For each: throughput with 50 clients, closed loop, with wrk (interleaved rounds), and p50/p99 at
a fixed offered rate, open loop (no coordinated omission: latency counts from each request's
scheduled time): 100 requests/s for the GETs, 20 requests/s for POST. Target: benchmark GET
throughput at least 50 % of the floor's. POST is reported beside the in-process cost it is bound
by, measured in the same run in a child process: ``api.submissions.response_submit`` per call
(validation, scoring, the inserts, the benchmark, the report row and its enqueue), and the same
plus the answer's ``scored_response``.

``--smoke`` runs every step at a tiny size (1-second runs, a few responses) so that CI notices a
script that no longer runs; its figures mean nothing, and any failed request fails it.

Exit status: 0 when it measured (whether or not the target was met), 1 when a smoke run's
request failed, 2 when setup failed, 130 when interrupted. gunicorn and the temporary files are
removed on every exit; the database is kept for inspection and recreated by the next run.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from perf.survey_load import (  # noqa: E402
    HOST,
    Latency,
    MeasurementError,
    SetupError,
    Target,
    Throughput,
    arguments_parsed,
    cpu_busy,
    database_recreate,
    fetch,
    free_port,
    gunicorn_start,
    manage,
    ms,
    open_loop,
    smoke_errors_checked,
    verdict,
    workspace,
    wrk_rounds,
    wrk_script,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_api_perf"
REDIS_URL = "redis://127.0.0.1:6379/13"
BANK_FILE = "fixtures/cspi-v1.yaml"
RATE_LIMIT = "1000000000/min"  # far above anything this run sends: nothing is throttled
ADMIN_EMAIL = "perf-admin@example.com"
THROUGHPUT_TARGET = 0.50  # benchmark GET throughput / floor throughput
GET_TARGETS = ("floor GET", "benchmark GET")
POST = "submit POST"
SMOKE = {
    "warmup": 1,
    "duration": 1,
    "rounds": 1,
    "latency_duration": 1,
    "seed_responses": 30,
    "responses": 5,
    "post_pool": 20,
    "cost_calls": 3,
}


# --- submissions ----------------------------------------------------------------------------


def submissions(count: int, tag: str) -> list[dict[str, Any]]:
    """Examples A and B alternately as API answers, each with its own e-mail address."""
    from tests.examples import EXAMPLE_A, EXAMPLE_B

    made = []
    for index in range(count):
        example = EXAMPLE_A if index % 2 == 0 else EXAMPLE_B
        answers: dict[str, Any] = {str(number): value for number, value in example.items()}
        answers["3"] = f"cs@{tag}-{index}.example"  # each an organisation of its own
        made.append({"answers": answers})
    return made


class CyclingBodies(Target):
    """A target whose body is the next of a pool on every read (the open loop's threads read it
    once per request; ``next`` on a cycle is atomic under the GIL)."""

    def __init__(self, target: Target, bodies: list[str]) -> None:
        self._bodies = itertools.cycle(bodies)
        super().__init__(target.name, target.method, target.paths, target.expected, target.headers)

    @property  # type: ignore[override]
    def body(self) -> str:
        return next(self._bodies)

    @body.setter
    def body(self, value: str | None) -> None:
        pass  # the pool decides


# --- the in-process cost of a submission (run in a child process with the server's env) ------


def submit_cost(count: int) -> None:
    """Print JSON: wall and CPU seconds per ``response_submit``, alone and with the answer."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from api.responses import scored_response
    from api.submissions import response_submit
    from responses.selectors import bank_current

    bank = bank_current()
    user = get_user_model().objects.get(email=ADMIN_EMAIL)
    assert bank is not None
    answers = [body["answers"] for body in submissions(count + 5, f"cost-{os.getpid()}")]
    for warm in answers[:5]:  # the first call loads this process's peer index
        response_submit(bank=bank, answers=warm, submitted_by=user)
    submit, answered = [], []
    cpu_started = time.process_time()
    for given in answers[5:]:
        started = time.perf_counter()
        result = response_submit(bank=bank, answers=given, submitted_by=user)
        submitted = time.perf_counter()
        assert result.response is not None, result.errors
        scored_response(result.response)
        submit.append(submitted - started)
        answered.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    print(json.dumps({"submit": submit, "answered": answered, "cpu": cpu}))


def submit_cost_measured(env: dict[str, str], count: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--submit-cost", str(count)]
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise SetupError(f"Timing response_submit failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- setup ----------------------------------------------------------------------------------


def redis_prepared() -> bool:
    """Redis db 13 flushed and ready, or False when no Redis answers."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
        client.flushdb()
    except redis.RedisError:
        return False
    return True


def redis_flush() -> None:
    import redis

    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5).flushdb()


def server_env(args: argparse.Namespace, folder: Path, redis_up: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "perf.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CSPI_VAR_DIR": str(folder / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "BENCHMARK_INCLUDE_DEMO": "1",
        "API_RATE_LIMIT_TOKEN": RATE_LIMIT,
        "CELERY_BROKER_URL": REDIS_URL if redis_up else "filesystem://",
        "PERF_SMOKE": "1" if args.smoke else "0",  # perf.settings: static files uncompressed
    }
    env.pop("CACHE_URL", None)
    if redis_up:
        env["CACHE_URL"] = REDIS_URL
    return env


def database_prepared(args: argparse.Namespace, env: dict[str, str]) -> str:
    """The database as the run needs it; the API token's secret."""
    database = database_recreate(args.database_url)
    print(f"Database {database!r} recreated; migrating, loading the bank…", flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    print("  " + manage(env, "load_bank", BANK_FILE, "--publish"), flush=True)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    print("  " + manage(env, "seed_demo", "--responses", str(args.seed_responses), "--seed", "1"))
    admin_env = {**env, "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16)}
    manage(
        admin_env,
        "createsuperuser",
        "--noinput",
        "--username",
        "perf-admin",
        "--email",
        ADMIN_EMAIL,
    )
    secret = manage(env, "create_api_token", ADMIN_EMAIL, "--name", "api_bench").splitlines()[-1]
    print(f"  Admin {ADMIN_EMAIL} and an API token ({secret[:8]}…) created.", flush=True)
    return secret


def responses_submitted(port: int, headers: dict[str, str], count: int) -> list[str]:
    """Responses submitted through the API (each keeps its comparison): their ids."""
    ids = []
    for body in submissions(count, "setup"):
        reply = fetch(port, "POST", "/api/v1/responses", json.dumps(body), headers)
        if reply.status != 201:
            raise SetupError(
                f"POST /api/v1/responses answered {reply.status}: {reply.body[:500]!r}"
            )
        ids.append(json.loads(reply.body)["id"])
    return ids


def server_checked(port: int, token_header: dict[str, str], benchmark_path: str) -> bytes:
    """What must hold before measuring; the benchmark answer."""
    not_found = fetch(port, "GET", "/perf/no-such-page/")
    if not_found.status != 404 or b"URLconf" in not_found.body:
        raise SetupError("DEBUG seems to be on (the 404 page is Django's debug page).")
    if fetch(port, "GET", benchmark_path).status != 401:
        raise SetupError("The benchmark answered without a token.")
    answer = fetch(port, "GET", benchmark_path, headers=token_header)
    if answer.status != 200:
        raise SetupError(f"GET {benchmark_path} answered {answer.status}: {answer.body[:300]!r}")
    return answer.body


# --- measuring ------------------------------------------------------------------------------


def throughput_measured(
    targets: list[Target],
    bodies: dict[str, list[str]],
    port: int,
    folder: Path,
    args: argparse.Namespace,
) -> tuple[dict[str, Throughput], dict[str, list[Throughput]]]:
    threads = min(2, os.cpu_count() or 1)
    slice_seconds = max(1, round(args.duration / args.rounds))
    print(
        f"\n1) Throughput: wrk, {args.clients} connections, {threads} threads, closed loop; "
        f"{args.warmup} s warm-up per target, then {args.rounds} rounds of {slice_seconds} s "
        "per target, interleaved.",
        flush=True,
    )
    scripts: dict[str, Path] = {}
    for target in targets:
        scripts[target.name] = folder / f"{target.name.replace(' ', '_')}.lua"
        scripts[target.name].write_text(wrk_script(target, bodies.get(target.name, [])))
    parts = wrk_rounds(
        targets, scripts, port, args.clients, args.warmup, args.rounds, slice_seconds, threads
    )
    combined = {name: Throughput.combined(runs) for name, runs in parts.items()}
    for name, result in combined.items():
        rounds = ", ".join(f"{run.ok_per_second:.1f}" for run in parts[name])
        print(
            f"  {name:<14} {result.ok_per_second:8.1f} req/s  ({result.requests} responses in "
            f"{result.seconds:.1f} s, {result.errors} errors; rounds: {rounds})",
            flush=True,
        )
    return combined, parts


def latency_measured(
    targets: list[Target], rates: dict[str, int], port: int, args: argparse.Namespace
) -> dict[str, Latency]:
    workers = 64
    print(
        f"\n2) Latency: open loop for {args.latency_duration} s per target at a fixed rate "
        f"(GETs {args.rate}/s, POST {args.post_rate}/s), {workers} client threads (Python "
        "http.client), latency from each request's scheduled send time.",
        flush=True,
    )
    latency: dict[str, Latency] = {}
    for target in targets:
        time.sleep(1)  # the last run's connections and queued work drain
        result = open_loop(
            target, port, rates[target.name], args.latency_duration, workers, grace=10
        )
        latency[target.name] = result
        print(
            f"  {target.name:<14} at {rates[target.name]:>3}/s: p50 "
            f"{ms(result.percentile_ms(50))} ms, p99 {ms(result.percentile_ms(99))} ms, max "
            f"{ms(result.percentile_ms(100))} ms ({len(result.latencies)} completed, "
            f"{result.errors} errors; scheduler at most {result.max_lag * 1000:.1f} ms late)",
            flush=True,
        )
    return latency


# --- report ---------------------------------------------------------------------------------


def percentile_ms(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(
    throughput: dict[str, Throughput],
    latency: dict[str, Latency],
    rates: dict[str, int],
    cost: dict[str, Any],
    args: argparse.Namespace,
) -> None:
    print()
    header = (
        f"{'target':<14} {'req/s @' + str(args.clients) + ' clients':>20} {'offered':>8} "
        f"{'p50 ms':>9} {'p99 ms':>9} {'errors (thr / lat)':>19}"
    )
    print(header)
    print("-" * len(header))
    for name in (*GET_TARGETS, POST):
        t, lat = throughput[name], latency[name]
        print(
            f"{name:<14} {t.ok_per_second:>20.1f} {str(rates[name]) + '/s':>8} "
            f"{ms(lat.percentile_ms(50)):>9} {ms(lat.percentile_ms(99)):>9} "
            f"{f'{t.errors} / {lat.errors}':>19}"
        )
    floor_rate = throughput["floor GET"].ok_per_second
    ratio = throughput["benchmark GET"].ok_per_second / floor_rate if floor_rate else 0.0
    print()
    print("Target:")
    print(
        f"  benchmark GET / floor throughput  {ratio:7.1%}  (>= {THROUGHPUT_TARGET:.0%})  "
        f"{verdict(ratio >= THROUGHPUT_TARGET)}"
    )
    cores = os.cpu_count() or 1
    submit_p50 = percentile_ms(cost["submit"], 0.5)
    answered_p50 = percentile_ms(cost["answered"], 0.5)
    answered_mean = statistics.fmean(cost["answered"]) * 1000
    cpu_ms = cost["cpu"] / len(cost["answered"]) * 1000
    post_rate = throughput[POST].ok_per_second
    machine_ms = cores / post_rate * 1000 if post_rate else float("inf")
    post_p50 = latency[POST].percentile_ms(50)
    print()
    print(
        "POST against its bound (the same work called in one process, one call at a time, "
        f"{len(cost['submit'])} calls):"
    )
    print(
        f"  response_submit alone            p50 {submit_p50:6.1f} ms, p90 "
        f"{percentile_ms(cost['submit'], 0.9):6.1f} ms"
    )
    print(
        f"  + scored_response (the answer)   p50 {answered_p50:6.1f} ms, mean "
        f"{answered_mean:6.1f} ms, of which {cpu_ms:.1f} ms CPU in Python (the rest: "
        "PostgreSQL and Redis round trips)"
    )
    print(
        f"  POST p50 at {args.post_rate}/s                  {ms(post_p50):>6} ms = "
        f"{post_p50 / answered_p50:.2f} x the in-process p50 (+{post_p50 - answered_p50:.1f} "
        "ms: HTTP, token, rate-limit count, schema)"
    )
    print(
        f"  POST at {args.clients} clients               {post_rate:6.1f} req/s = "
        f"{machine_ms:.1f} core-ms per request on {cores} cores = "
        f"{machine_ms / answered_mean:.2f} x the in-process mean (the in-process figure is one "
        "stream's wall time; the server shares the cores with PostgreSQL, Redis and wrk)"
    )
    print(
        f"  one stream of in-process calls would do {1000 / answered_mean:.1f} submissions/s; "
        f"{cores} cores, if nothing serialized them: about {cores * 1000 / answered_mean:.0f}/s"
    )


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn sync workers (default: 2 × cores + 1, gunicorn's own advice)",
    )
    parser.add_argument("--clients", type=int, default=50, help="closed-loop connections")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before each wrk run")
    parser.add_argument("--duration", type=int, default=12, help="wrk seconds per target")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved wrk runs per target")
    parser.add_argument("--rate", type=int, default=100, help="open-loop GETs per second")
    parser.add_argument("--post-rate", type=int, default=20, help="open-loop POSTs per second")
    parser.add_argument("--latency-duration", type=int, default=20, help="open-loop seconds")
    parser.add_argument("--seed-responses", type=int, default=300, help="demo responses")
    parser.add_argument("--responses", type=int, default=20, help="responses for the GETs")
    parser.add_argument("--post-pool", type=int, default=500, help="e-mail addresses POSTed")
    parser.add_argument("--cost-calls", type=int, default=60, help="in-process submissions")
    parser.add_argument("--submit-cost", type=int, help=argparse.SUPPRESS)  # the child's job
    return arguments_parsed(parser, SMOKE)


def run(args: argparse.Namespace, folder: Path) -> None:
    began = time.monotonic()
    if shutil.which("wrk") is None:
        raise SetupError("wrk is not installed (apt-get install -y wrk).")
    redis_up = redis_prepared()
    env = server_env(args, folder, redis_up)
    secret = database_prepared(args, env)
    port = free_port()
    gunicorn_start(env, port, args.workers, folder / "gunicorn.log")
    token_header = {"Authorization": f"Bearer {secret}"}
    json_headers = {**token_header, "Content-Type": "application/json"}
    ids = responses_submitted(port, json_headers, args.responses)
    get_paths = [f"/api/v1/responses/{public_id}/benchmark" for public_id in ids]
    answer = server_checked(port, token_header, get_paths[0])
    size = len(answer)
    floor_path = f"/perf/api-floor/{size}/"
    floor_size = len(fetch(port, "GET", floor_path, headers=token_header).body)
    if floor_size != size:
        raise SetupError(f"The floor answered {floor_size} bytes, not {size}.")
    shown = [group["key"] for group in json.loads(answer)["groups"] if group["enough_peers"]]
    post_bodies = [json.dumps(body) for body in submissions(args.post_pool, "load")]

    print(
        f"Server: gunicorn, {args.workers} sync workers (each closes its connection after a "
        f"response), http://{HOST}:{port}/, DJANGO_SETTINGS_MODULE=perf.settings, DEBUG off, "
        f"{os.cpu_count()} CPU cores shared with PostgreSQL, Redis and the load generators.\n"
        f"Rate limits: API_RATE_LIMIT_TOKEN={RATE_LIMIT} in gunicorn's environment, so nothing "
        "is throttled; counted in the cache in shares (api.base.MAX_SHARE calls at a time "
        "per process), as for any limit of 2,000 or more per window.\n"
        + (
            f"Cache and broker: Redis {REDIS_URL} (flushed first), CACHE_URL and "
            "CELERY_BROKER_URL; no worker runs, so each POST's report is queued there and "
            "stays pending.\n"
            if redis_up
            else "Cache and broker: Redis did not answer; cache per process (locmem), broker "
            "kombu's filesystem transport in the temporary folder; no worker runs, so each "
            "POST's report stays pending.\n"
        )
        + f"Peers: {args.seed_responses} demo responses (BENCHMARK_INCLUDE_DEMO=1) and "
        f"{args.responses} submitted through the API; the benchmark answer shows groups "
        f"{', '.join(shown) or 'none'}.\n"
        f"Bodies: benchmark answer {size} bytes, floor {floor_size} bytes; POST bodies "
        f"{len(post_bodies[0])} bytes, examples A and B over {len(post_bodies)} e-mail "
        "addresses.",
        flush=True,
    )
    cost = submit_cost_measured(env, args.cost_calls)
    print(
        f"In-process response_submit: p50 {percentile_ms(cost['submit'], 0.5):.1f} ms over "
        f"{len(cost['submit'])} calls (measured before the load, server idle).",
        flush=True,
    )
    setup_seconds = time.monotonic() - began
    busy = cpu_busy()
    if busy is not None:
        print(f"Machine before measuring, server idle: {busy:.0%} CPU busy.", flush=True)

    targets = [
        Target("floor GET", "GET", [floor_path], 200, token_header),
        Target("benchmark GET", "GET", get_paths, 200, token_header),
        Target(POST, "POST", ["/api/v1/responses"], 201, json_headers),  # last: it writes
    ]
    throughput, parts = throughput_measured(targets, {POST: post_bodies}, port, folder, args)
    rates = {"floor GET": args.rate, "benchmark GET": args.rate, POST: args.post_rate}
    open_targets = [*targets[:2], CyclingBodies(targets[2], post_bodies)]
    latency = latency_measured(open_targets, rates, port, args)
    report(throughput, latency, rates, cost, args)
    for name, runs in parts.items():
        per_round = [run.ok_per_second for run in runs]
        if len(per_round) > 1 and min(per_round) < 0.75 * max(per_round):
            print(f"WARNING: {name} rounds differ by more than 25 %: the machine was not steady.")
    busy = cpu_busy()
    if busy is not None and busy > 0.10:
        print(f"WARNING: {busy:.0%} CPU busy right after the run, with our load stopped.")
    print(
        f"\nSetup took {setup_seconds:.0f} s, the whole run {time.monotonic() - began:.0f} s. "
        f"The database is left for inspection."
    )
    smoke_errors_checked(args, targets, throughput, latency)


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    if args.submit_cost is not None:
        submit_cost(args.submit_cost)
        return 0
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with workspace() as folder:
            try:
                run(args, folder)
            finally:
                redis_flush()  # the queued reports and rate counts of this run
    except SetupError as error:
        print(f"\nSetup failed: {error}", file=sys.stderr)
        return 2
    except MeasurementError as error:
        print(f"\nMeasurement failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted; gunicorn stopped and temporary files removed.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
