"""Load test of the survey pages against a floor, on a real gunicorn and PostgreSQL.

Run from the repository root:

    .venv/bin/python perf/survey_load.py [--database-url postgres://postgres@127.0.0.1:5432/cspi_perf]

It (re)creates the database, migrates, loads and publishes fixtures/cspi-v1.yaml, collects the
static files, starts respondents' drafts with POST /start/, then runs gunicorn (settings
``perf.settings``: production settings, DEBUG off, plus a floor view) on a free port of
127.0.0.1. Three targets are measured:

- survey GET:  GET /survey/<token>/page/<n>/ (one of a pool of drafts, round robin)
- survey POST: a valid POST of that page (CSRF cookie and token from one GET); 302 is success
- floor GET:   GET /perf/floor/, a bare view rendering static HTML of the survey page's size

and two references for context (not targets): floor+read, the floor page plus the survey GET's
one query (the row by token), and floor+write, plus also one UPDATE of that row and its commit.
Their ratios show how much of the gap to the floor is the database work itself.

For each: (1) throughput with 50 concurrent clients, closed loop, with wrk; (2) p50/p99 latency
at a fixed offered rate of 100 requests/s, open loop: requests are sent at fixed times whatever
happened to earlier ones, and latency runs from the scheduled time, so a stalled server cannot
hide its queue (no coordinated omission). Targets: survey throughput at least 60 % of the
floor's, survey p99 under 150 ms at 100 requests/s.

``--smoke`` runs every step at a tiny size (1-second runs, one round) so that CI notices a
script that no longer runs; its figures mean nothing, and any failed request fails it.

Exit status: 0 when it measured (whether or not targets were met), 1 when a smoke run's request
failed, 2 when setup failed, 130 when interrupted. gunicorn and the temporary files are removed
on every exit; the database is kept for inspection and recreated by the next run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only host this script ever sends requests to
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_perf"
BANK_FILE = "fixtures/cspi-v1.yaml"
THROUGHPUT_TARGET = 0.60  # survey throughput / floor throughput
P99_TARGET_MS = 150.0


class SetupError(Exception):
    """Something needed before measuring failed; the run stops with exit status 2."""


class MeasurementError(Exception):
    """A measured request failed in a smoke run; the run stops with exit status 1."""


def arguments_parsed(
    parser: argparse.ArgumentParser, smoke: dict[str, object]
) -> argparse.Namespace:
    """The parser's arguments, plus ``--smoke``: `smoke`'s sizes as the defaults, so that CI runs
    every step in seconds (an option given explicitly still wins). Smoke figures mean nothing."""
    sizes = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in smoke.items())
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"every step at a tiny size, for CI; no figure means anything ({sizes})",
    )
    args = parser.parse_args()
    if args.smoke:
        parser.set_defaults(**smoke)
        args = parser.parse_args()
    return args


# --- processes we start, so every exit path can stop them -------------------------------------

# Each process we start, and whether it leads its own process group (gunicorn and its workers).
_children: dict[subprocess.Popen[bytes], bool] = {}


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_process(process: subprocess.Popen[bytes], group: bool = False) -> None:
    """Stop one process we started; ``group``: it leads its own session (gunicorn's workers)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        process.wait(timeout=5)


# --- setup ----------------------------------------------------------------------------------


def database_recreate(url: str) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if parts.scheme not in {"postgres", "postgresql", "pgsql"} or not name:
        raise SetupError(f"--database-url must be a PostgreSQL URL with a database name: {url}")
    if "perf" not in name:
        raise SetupError(
            f"Refusing to drop database {name!r}: its name must contain 'perf', so that a "
            "mistyped URL cannot destroy real data."
        )
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "dbname": "postgres",
        "autocommit": True,
        "connect_timeout": 5,
    }
    if parts.password:
        params["password"] = unquote(parts.password)
    try:
        with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise SetupError(f"Could not recreate database {name!r}: {error}") from error
    return name


def manage(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise SetupError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
    return result.stdout.strip()


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Share of all CPU time spent busy over ``seconds`` (Linux /proc/stat), or None."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values[:8]), idle

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    port: int,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Reply:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def cookies_from(reply: Reply) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in reply.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def gunicorn_start(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "cspi.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--no-control-socket",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
        )
    _children[process] = True
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(
                f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        with contextlib.suppress(OSError):
            if fetch(port, "GET", "/", timeout=2).status == 200:
                return process
        time.sleep(0.2)
    raise SetupError(f"gunicorn did not answer within 30 s:\n{log.read_text()[-3000:]}")


class FormReader(HTMLParser):
    """The inputs of the survey form, enough to send a valid answer to every question."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.fields: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and "survey-form" in attributes.get("class", ""):
            self.in_form = True
        elif tag == "input" and self.in_form and attributes.get("name"):
            self.fields.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def page_answers(html: str, page: int) -> tuple[list[tuple[str, str]], str]:
    """A valid POST body for the page (first option of each question) and its CSRF token."""
    reader = FormReader()
    reader.feed(html)
    body: list[tuple[str, str]] = []
    token = ""
    answered: set[str] = set()
    for item in reader.fields:
        name, kind, value = item["name"], item.get("type", "text"), item.get("value", "")
        if name == "csrfmiddlewaretoken":
            token = value
        elif name == "step":
            body.append((name, value))
        elif name in answered or name.endswith("_unknown"):
            continue
        elif kind in {"radio", "checkbox"}:
            body.append((name, value))  # one option: always valid, also for exclusive ones
            answered.add(name)
        elif kind == "number" or item.get("inputmode") in {"numeric", "decimal"}:
            body.append((name, item.get("min") or "1"))  # number answers are text inputs
            answered.add(name)
        elif kind == "email":
            body.append((name, "perf@example.com"))
            answered.add(name)
        elif kind != "hidden":
            body.append((name, "Perf Respondent"))
            answered.add(name)
    if not token or ("step", str(page)) not in body:
        raise SetupError("The survey page has no form with a CSRF token and step field.")
    body.append(("nav", "next"))
    return body, token


# --- load generation ------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    method: str
    paths: list[str]
    expected: int
    headers: dict[str, str]
    body: str | None = None


@dataclass
class Throughput:
    seconds: float
    requests: int
    bad_status: int
    socket_errors: int

    @property
    def ok_per_second(self) -> float:
        return (self.requests - self.bad_status) / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.bad_status + self.socket_errors

    @classmethod
    def combined(cls, runs: list[Throughput]) -> Throughput:
        return cls(
            seconds=sum(run.seconds for run in runs),
            requests=sum(run.requests for run in runs),
            bad_status=sum(run.bad_status for run in runs),
            socket_errors=sum(run.socket_errors for run in runs),
        )


def lua_quoted(text: str) -> str:
    """A Lua string literal of ``text``: printable ASCII as is, everything else as \\ddd."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in '"\\' else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


WRK_SCRIPT = """
local paths = {%(paths)s}
local bodies = {%(bodies)s}
local method = %(method)s
local headers = {%(headers)s}
local expected = %(expected)d
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  position = id * 7919
  bad = 0
end

function request()
  position = position + 1
  local body = nil
  if #bodies > 0 then
    body = bodies[position %% #bodies + 1]
  end
  return wrk.format(method, paths[position %% #paths + 1], headers, body)
end

function response(status, response_headers, response_body)
  if status ~= expected then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"duration_us": %%d, "requests": %%d, "bad": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d}\\n',
    summary.duration, summary.requests, total_bad, e.connect, e.read, e.write, e.timeout))
end
"""


def wrk_script(target: Target, bodies: list[str] | None = None) -> str:
    """The Lua script that sends `target`'s requests round robin over its paths, and over
    `bodies` (default: the target's one body, if any)."""
    if bodies is None:
        bodies = [target.body] if target.body is not None else []
    return WRK_SCRIPT % {
        "paths": ", ".join(lua_quoted(path) for path in target.paths),
        "bodies": ", ".join(lua_quoted(body) for body in bodies),
        "method": lua_quoted(target.method),
        "headers": ", ".join(
            f"[{lua_quoted(k)}] = {lua_quoted(v)}" for k, v in target.headers.items()
        ),
        "expected": target.expected,
    }


def wrk_run(
    target: Target, port: int, script: Path, clients: int, seconds: int, threads: int
) -> Throughput:
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={clients}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={script}",
        f"http://{HOST}:{port}{target.paths[0]}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _children[process] = False
    try:
        out, err = process.communicate(timeout=seconds + 30)
    finally:
        if process.poll() is None:
            stop_process(process)
        _children.pop(process, None)
    match = re.search(rb"WRKJSON (\{.*\})", out)
    if process.returncode != 0 or match is None:
        raise SetupError(f"wrk failed ({process.returncode}):\n{out.decode()}{err.decode()}")
    data = json.loads(match.group(1))
    return Throughput(
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        bad_status=data["bad"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
    )


def wrk_rounds(
    targets: list[Target],
    scripts: dict[str, Path],
    port: int,
    clients: int,
    warmup: int,
    rounds: int,
    seconds: int,
    threads: int,
) -> dict[str, list[Throughput]]:
    """A warm-up run per target, then `rounds` runs of each, interleaved so that a slower spell
    of this shared machine hits every target alike."""
    probe = next(target for target in targets if target.method == "GET")
    for target in targets:
        wrk_run(target, port, scripts[target.name], clients, warmup, threads)
        server_settled(port, probe)
    parts: dict[str, list[Throughput]] = {target.name: [] for target in targets}
    for _ in range(rounds):
        for target in targets:
            parts[target.name].append(
                wrk_run(target, port, scripts[target.name], clients, seconds, threads)
            )
            server_settled(port, probe)
    return parts


SETTLED_SECONDS = 0.05


def server_settled(port: int, probe: Target, timeout: float = 30) -> None:
    """Wait until the requests a wrk run left queued in the server are served (wrk stops at its
    deadline, but up to one request per connection is still waiting for a worker): otherwise
    the next target's run starts behind that backlog, and a 1-second smoke run of a fast target
    can count no response at all. Settled: the probe answers promptly twice in a row."""
    deadline = time.monotonic() + timeout
    prompt = 0
    while prompt < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        fetch(port, probe.method, probe.paths[0], headers=probe.headers)
        prompt = prompt + 1 if time.monotonic() - started < SETTLED_SECONDS else 0


@dataclass
class Latency:
    scheduled: int
    latencies: list[float] = field(default_factory=list)  # seconds, of completed requests
    bad_status: int = 0
    failed: int = 0  # exceptions, timeouts, or never sent before the deadline
    max_lag: float = 0.0  # how late the scheduler itself was, worst case

    def percentile_ms(self, p: float) -> float:
        """Nearest rank over every scheduled request; one that never completed counts as inf."""
        ordered = sorted(self.latencies) + [math.inf] * (self.scheduled - len(self.latencies))
        if not ordered:
            return math.nan
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1000

    @property
    def errors(self) -> int:
        return self.bad_status + self.failed


def open_loop(
    target: Target, port: int, rate: float, seconds: float, workers: int, grace: float
) -> Latency:
    """Send ``rate * seconds`` requests at fixed times; latency counts from each scheduled time.

    A pool of threads with their own HTTP connections takes requests from a queue. If the
    server falls behind, requests wait in the queue and that wait is part of their latency.
    Nothing is sent after ``seconds + grace``; what is left counts as failed.
    """
    count = int(rate * seconds)
    result = Latency(scheduled=count)
    lock = threading.Lock()
    jobs: queue.SimpleQueue[tuple[int, float] | None] = queue.SimpleQueue()
    start = time.perf_counter() + 0.1
    deadline = start + seconds + grace

    def send(conn: http.client.HTTPConnection, index: int, timeout: float) -> int:
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        path = target.paths[index % len(target.paths)]
        conn.request(target.method, path, body=target.body, headers=target.headers)
        response = conn.getresponse()
        response.read()
        return response.status

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            job = jobs.get()
            if job is None:
                break
            index, scheduled = job
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                with lock:
                    result.failed += 1
                continue
            reused = conn is not None
            try:
                try:
                    conn = conn or http.client.HTTPConnection(HOST, port)
                    status = send(conn, index, min(remaining, 10))
                except (OSError, http.client.HTTPException):
                    if not reused:
                        raise
                    # A kept-alive connection the server had closed meanwhile: reconnect once.
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port)
                    status = send(conn, index, max(0.1, min(deadline - time.perf_counter(), 10)))
                elapsed = time.perf_counter() - scheduled
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                with lock:
                    result.failed += 1
                continue
            with lock:
                result.latencies.append(elapsed)
                if status != target.expected:
                    result.bad_status += 1
        if conn is not None:
            conn.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in pool:
        thread.start()
    try:
        for index in range(count):
            scheduled = start + index / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            result.max_lag = max(result.max_lag, time.perf_counter() - scheduled)
            jobs.put((index, scheduled))
    finally:
        for _ in pool:
            jobs.put(None)
        for thread in pool:
            thread.join(timeout=max(0.0, deadline - time.perf_counter()) + 1)
    with lock:  # threads still stuck past the deadline: their requests failed
        missing = count - len(result.latencies) - result.failed
        result.failed += max(0, missing)
    return result


# --- report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(value: float) -> str:
    return "timeout" if math.isinf(value) else f"{value:.1f}"


def report(
    targets: list[Target],
    throughput: dict[str, Throughput],
    latency: dict[str, Latency],
    sizes: dict[str, int],
    args: argparse.Namespace,
) -> None:
    print()
    print(
        f"HTML size: survey page {args.page} = {sizes['survey']} bytes, floor page = "
        f"{sizes['floor']} bytes ({100 * sizes['floor'] / sizes['survey']:.1f} % of survey)"
    )
    print()
    header = (
        f"{'target':<12} {'req/s @' + str(args.clients) + ' clients':>20} "
        f"{'p50 ms @' + str(args.rate) + '/s':>14} {'p99 ms @' + str(args.rate) + '/s':>14} "
        f"{'errors (thr / lat)':>19}"
    )
    print(header)
    print("-" * len(header))
    for name in ("survey GET", "survey POST", "floor GET", "floor+read", "floor+write"):
        t, lat = throughput[name], latency[name]
        print(
            f"{name:<12} {t.ok_per_second:>20.1f} {ms(lat.percentile_ms(50)):>14} "
            f"{ms(lat.percentile_ms(99)):>14} {f'{t.errors} / {lat.errors}':>19}"
        )
    print()
    floor_rate = throughput["floor GET"].ok_per_second
    print(
        f"Targets (throughput >= {THROUGHPUT_TARGET:.0%} of the floor's; "
        f"p99 < {P99_TARGET_MS:.0f} ms at {args.rate} requests/s):"
    )
    for name in ("survey GET", "survey POST"):
        ratio = throughput[name].ok_per_second / floor_rate if floor_rate else 0.0
        print(
            f"  {name + ' / floor throughput':<32} {ratio:>7.1%}   "
            f"{verdict(ratio >= THROUGHPUT_TARGET)}"
        )
    for name in ("survey GET", "survey POST"):
        p99 = latency[name].percentile_ms(99)
        print(
            f"  {name + ' p99 at ' + str(args.rate) + ' req/s':<32} {ms(p99):>7} ms "
            f"{verdict(p99 < P99_TARGET_MS)}"
        )
    print()
    print(
        "References, not targets (the floor plus only the database work a request cannot avoid: "
        "floor+read reads the row by token, floor+write also UPDATEs it and commits):"
    )
    for name, reference in (
        ("floor+read", "floor GET"),
        ("floor+write", "floor GET"),
        ("survey GET", "floor+read"),
        ("survey POST", "floor+write"),
    ):
        base = throughput[reference].ok_per_second
        ratio = throughput[name].ok_per_second / base if base else 0.0
        print(f"  {name + ' / ' + reference + ' throughput':<32} {ratio:>7.1%}")
    errors = sum(throughput[t.name].errors + latency[t.name].errors for t in targets)
    lag = max(latency[t.name].max_lag for t in targets) * 1000
    print()
    print(
        f"Errors in all measured runs: {errors} (a survey POST succeeds with 302, GETs with 200)."
    )
    print(f"Open-loop scheduler: worst lateness {lag:.1f} ms (counted in the latencies).")


def smoke_errors_checked(
    args: argparse.Namespace,
    targets: list[Target],
    throughput: dict[str, Throughput],
    latency: dict[str, Latency],
) -> None:
    """In a smoke run the load is light, so a failed request or a wrong status is a failure."""
    errors = {
        t.name: (throughput[t.name].errors, latency[t.name].errors)
        for t in targets
        if throughput[t.name].errors or latency[t.name].errors
    }
    if args.smoke and errors:
        raise MeasurementError(
            "requests failed or answered with the wrong status (throughput / latency runs): "
            + ", ".join(f"{name} {thr} / {lat}" for name, (thr, lat) in errors.items())
        )


# --- main -----------------------------------------------------------------------------------


# Not fewer drafts: more clients per draft make saves of one row collide, and a save that loses
# MAX_SAVE_ATTEMPTS times in a row answers 500.
SMOKE = {"warmup": 1, "duration": 1, "rounds": 1, "latency_duration": 1}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--page", type=int, default=5, help="survey page to load (5: Alignment)")
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
    parser.add_argument("--rate", type=int, default=100, help="open-loop requests per second")
    parser.add_argument("--latency-duration", type=int, default=20, help="open-loop seconds")
    parser.add_argument("--drafts", type=int, default=20, help="drafts per survey target")
    return arguments_parsed(parser, SMOKE)


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="cspi-perf-"))
    try:
        yield folder
    finally:
        for process, group in list(_children.items()):
            stop_process(process, group)
        _children.clear()
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    sys.path.insert(0, str(REPO))
    from perf.floor import FLOOR_TEMPLATE, floor_template_text

    began = time.monotonic()
    if shutil.which("wrk") is None:
        raise SetupError("wrk is not installed (apt-get install -y wrk).")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    template_dir = folder / "templates"
    (template_dir / FLOOR_TEMPLATE).parent.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "perf.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CSPI_VAR_DIR": str(folder / "var"),
        "PERF_TEMPLATE_DIR": str(template_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PERF_SMOKE": "1" if args.smoke else "0",  # perf.settings: static files uncompressed
        "SURVEY_START_LIMIT": "1000000/hour",  # every draft is started from this machine
    }

    database = database_recreate(args.database_url)
    print(
        f"Database {database!r} recreated; migrating, loading the bank, collecting static files…",
        flush=True,
    )
    manage(env, "migrate", "--noinput", "-v", "0")
    print("  " + manage(env, "load_bank", BANK_FILE, "--publish"), flush=True)
    manage(env, "collectstatic", "--noinput", "-v", "0")

    port = free_port()
    gunicorn_start(env, port, args.workers, folder / "gunicorn.log")
    gunicorn_version = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    not_found = fetch(port, "GET", "/perf/no-such-page/")
    if not_found.status != 404 or b"URLconf" in not_found.body:
        raise SetupError("DEBUG seems to be on (the 404 page is Django's debug page).")

    # Drafts in progress, as respondents start them: CSRF cookie and token from the landing page.
    landing = fetch(port, "GET", "/")
    csrf_cookie = cookies_from(landing).get("csrftoken", "")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', landing.body)
    if not csrf_cookie or match is None:
        raise SetupError("The landing page set no CSRF cookie or token.")
    start_headers = {
        "Cookie": f"csrftoken={csrf_cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    start_body = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "fresh": "1", "consent": "yes"}
    )
    tokens = []
    for _ in range(3 * args.drafts):
        started = fetch(port, "POST", "/start/", start_body, start_headers)
        found = re.fullmatch(r"/survey/([\w-]+)/", started.headers.get("Location", ""))
        if started.status != 302 or found is None:
            raise SetupError(f"POST /start/ answered {started.status}: {started.body[:300]!r}")
        tokens.append(found.group(1))
    get_paths = [f"/survey/{token}/page/{args.page}/" for token in tokens[: args.drafts]]
    post_paths = [
        f"/survey/{token}/page/{args.page}/" for token in tokens[args.drafts : 2 * args.drafts]
    ]
    read_paths = [f"/perf/floor/read/{token}/" for token in tokens[: args.drafts]]
    write_paths = [f"/perf/floor/write/{token}/" for token in tokens[2 * args.drafts :]]

    # The survey page as served, its size, and a valid POST of it (token obtained once).
    cookie_header = {"Cookie": f"csrftoken={csrf_cookie}"}
    survey = fetch(port, "GET", post_paths[0], headers=cookie_header)
    if survey.status != 200:
        raise SetupError(f"GET {post_paths[0]} answered {survey.status}.")
    csrf_cookie = cookies_from(survey).get("csrftoken", csrf_cookie)
    cookie_header = {"Cookie": f"csrftoken={csrf_cookie}"}
    answers, form_token = page_answers(survey.body.decode(), args.page)
    post_body = urlencode([("csrfmiddlewaretoken", form_token), *answers])
    post_headers = {**cookie_header, "Content-Type": "application/x-www-form-urlencoded"}
    saved = fetch(port, "POST", post_paths[0], post_body, post_headers)
    if saved.status != 302:
        raise SetupError(f"The page POST answered {saved.status}, not 302: {saved.body[:500]!r}")
    survey_size = len(fetch(port, "GET", get_paths[0], headers=cookie_header).body)

    # The floor template: hand-written static HTML padded to the survey page's size.
    (template_dir / FLOOR_TEMPLATE).write_text(floor_template_text(survey_size), encoding="utf-8")
    floor_reply = fetch(port, "GET", "/perf/floor/", headers=cookie_header)
    floor_size = len(floor_reply.body)
    if floor_reply.status != 200 or abs(floor_size - survey_size) > 0.05 * survey_size:
        raise SetupError(f"Floor page: status {floor_reply.status}, {floor_size} bytes.")

    # Run order: the floor first, the writes last, so that no reading run pays for the database
    # work (autovacuum, checkpoints) that a writing one left behind.
    targets = [
        Target("floor GET", "GET", ["/perf/floor/"], 200, cookie_header),
        Target("floor+read", "GET", read_paths, 200, cookie_header),
        Target("survey GET", "GET", get_paths, 200, cookie_header),
        Target("floor+write", "GET", write_paths, 200, cookie_header),
        Target("survey POST", "POST", post_paths, 302, post_headers, post_body),
    ]
    cores = os.cpu_count() or 1
    print(
        f"Server: {gunicorn_version}, {args.workers} sync workers (1 thread each; sync workers "
        f"close every connection), backlog 2048, on http://{HOST}:{port}/; "
        f"DJANGO_SETTINGS_MODULE=perf.settings, DEBUG off, PostgreSQL {database!r} "
        f"(CONN_MAX_AGE {os.environ.get('DB_CONN_MAX_AGE', '60')}), {cores} CPU cores "
        "shared with the load generators.",
        flush=True,
    )
    print(
        f"Survey page {args.page}: {survey_size} bytes; floor: {floor_size} bytes; "
        f"{args.drafts} drafts each for GET and POST, round robin.",
        flush=True,
    )
    setup_seconds = time.monotonic() - began
    busy = cpu_busy()
    if busy is not None:
        print(f"Machine before measuring, with the server idle: {busy:.0%} CPU busy.", flush=True)
        if busy > 0.10:
            print(
                "  WARNING: something else is using the CPU; results will be lower and noisier "
                "than on a quiet machine.",
                flush=True,
            )

    wrk_threads = min(2, cores)
    slice_seconds = max(1, round(args.duration / args.rounds))
    print(
        f"\n1) Throughput: {(wrk_version.stdout or wrk_version.stderr).splitlines()[0]}, "
        f"{args.clients} connections, {wrk_threads} threads, closed loop; {args.warmup} s "
        f"warm-up per target, then {args.rounds} rounds of {slice_seconds} s per target, "
        "interleaved so that a slower spell of this shared machine hits every target alike.",
        flush=True,
    )
    scripts: dict[str, Path] = {}
    for target in targets:
        scripts[target.name] = folder / f"{target.name.replace(' ', '_')}.lua"
        scripts[target.name].write_text(wrk_script(target))
    parts = wrk_rounds(
        targets, scripts, port, args.clients, args.warmup, args.rounds, slice_seconds, wrk_threads
    )
    throughput = {name: Throughput.combined(runs) for name, runs in parts.items()}
    for name, result in throughput.items():
        rounds = ", ".join(f"{run.ok_per_second:.0f}" for run in parts[name])
        print(
            f"  {name:<12} {result.ok_per_second:8.1f} req/s  ({result.requests} responses in "
            f"{result.seconds:.1f} s, {result.errors} errors; rounds: {rounds})",
            flush=True,
        )

    workers = 64
    print(
        f"\n2) Latency: open loop at {args.rate} requests/s for {args.latency_duration} s per "
        f"target ({args.rate * args.latency_duration} requests), {workers} client threads "
        f"(Python http.client), latency from each request's scheduled send time.",
        flush=True,
    )
    latency: dict[str, Latency] = {}
    for target in targets:
        time.sleep(1)  # let the last run's connections and queued work drain
        result = open_loop(target, port, args.rate, args.latency_duration, workers, grace=10)
        latency[target.name] = result
        print(
            f"  {target.name:<12} p50 {ms(result.percentile_ms(50))} ms, p99 "
            f"{ms(result.percentile_ms(99))} ms, max {ms(result.percentile_ms(100))} ms "
            f"({len(result.latencies)} completed, {result.errors} errors; scheduler at most "
            f"{result.max_lag * 1000:.1f} ms late)",
            flush=True,
        )

    report(targets, throughput, latency, {"survey": survey_size, "floor": floor_size}, args)
    unstable = []
    for name, runs in parts.items():
        rates = [run.ok_per_second for run in runs]
        if len(rates) > 1 and min(rates) < 0.75 * max(rates):
            unstable.append(f"{name} ({min(rates):.0f} to {max(rates):.0f} req/s)")
    if unstable:
        print(
            f"WARNING: throughput rounds differ by more than 25 % for {', '.join(unstable)}: "
            "the machine was not steady (other load?); rerun on a quiet machine."
        )
    time.sleep(1)  # the database's own after-work (autovacuum of the POSTed rows) settles
    busy = cpu_busy()
    if busy is not None and busy > 0.10:
        print(f"WARNING: {busy:.0%} CPU busy right after the run, with our load stopped.")
    print(
        f"\nSetup took {setup_seconds:.0f} s, the whole run {time.monotonic() - began:.0f} s. "
        f"Database {database!r} is left for inspection."
    )
    smoke_errors_checked(args, targets, throughput, latency)


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with workspace() as folder:
            run(args, folder)
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
