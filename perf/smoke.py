"""Every speed script at its --smoke size, one after the other: fails when any of them fails.

Run from the repository root (CI runs it after the tests, on PostgreSQL and Redis):

    .venv/bin/python perf/smoke.py [--postgres postgres://postgres@127.0.0.1:5432] [--only NAME]

Each script runs with ``--smoke`` in a child process of this same Python (tiny sizes, every
step: fill, service, naive comparison, worker renders, wrk throughput and open-loop latency),
its output streamed as it comes. Timings mean nothing at this size and none is asserted; what
counts is that each script still runs to the end, and that the checks of results they make
(the service's numbers against naive pandas, the vectorised path against the numpy floor, the
status of every request) hold. Each recreates its own database, named as in its full run, on the
server of ``--postgres`` (default: each script's own default URL); Redis is the scripts' own
default, 127.0.0.1:6379. The scripts need ``wrk`` on the PATH (Debian: apt-get install wrk).

A line per script with its exit status and wall time ends the run. Exit status: 0 when every
script passed, 1 when any failed or ran longer than --timeout, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Each script and the database its full run uses (recreated by it: the name contains "perf").
SCRIPTS = {
    "score_bench": "cspi_score_perf",
    "benchmark_bench": "cspi_bench_perf",
    "report_bench": "cspi_report_perf",
    "survey_load": "cspi_perf",
    "api_bench": "cspi_api_perf",
    "fault_load": "cspi_fault_perf",
    "results_page": "cspi_results_perf",
    "impact_bench": "cspi_impact_perf",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--postgres",
        help="PostgreSQL server URL without a database, e.g. postgres://postgres@127.0.0.1:5432 "
        "(default: each script's own default URL)",
    )
    parser.add_argument(
        "--only", action="append", choices=list(SCRIPTS), help="run only this script (repeatable)"
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per script")
    return parser.parse_args()


def command_for(name: str, args: argparse.Namespace) -> list[str]:
    command = [sys.executable, str(REPO / "perf" / f"{name}.py"), "--smoke"]
    if args.postgres:
        command += ["--database-url", f"{args.postgres.rstrip('/')}/{SCRIPTS[name]}"]
    return command


def run_one(command: list[str], timeout: float) -> int | None:
    """Run a script, its output streamed into ours; its exit status, None when it timed out."""
    # Its own session, so that a script that hangs is stopped with everything it started.
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(
            f"\nsmoke: {Path(command[1]).name} still running after {timeout:.0f} s; stopping it",
            flush=True,
        )
        stop(process)
        return None
    except BaseException:
        stop(process)
        raise


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM first (the scripts stop their servers and workers on it), then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _on_sigterm)
    names = args.only or list(SCRIPTS)
    results: list[tuple[str, int | None, float]] = []
    began = time.monotonic()
    try:
        for name in names:
            print(f"\n===== perf/{name}.py --smoke =====", flush=True)
            start = time.monotonic()
            status = run_one(command_for(name, args), args.timeout)
            results.append((name, status, time.monotonic() - start))
    except KeyboardInterrupt:
        print("\nsmoke: interrupted", file=sys.stderr)
        return 130
    print("\n===== smoke summary =====")
    for name, status, seconds in results:
        verdict = "ok" if status == 0 else ("TIMED OUT" if status is None else f"FAILED ({status})")
        print(f"{name + '.py':<20} {verdict:<12} {seconds:6.1f} s")
    failed = [name for name, status, _ in results if status != 0]
    total = time.monotonic() - began
    print(f"{'total':<20} {'ok' if not failed else 'FAILED':<12} {total:6.1f} s")
    if failed:
        print(f"smoke: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
