"""The results page's own time: one respondent's page, served in-process, beside a floor.

Run from the repository root:

    .venv/bin/python perf/results_page.py [--peers 2000] [--requests 200] [--database-url postgres://postgres@127.0.0.1:5432/cspi_results_perf]

It prints, in one run:
1. setup: recreates the database (its name must contain "perf"), migrates, loads and publishes
   fixtures/cspi-v1.yaml and seeds N completed demo responses (they count as peers here);
2. the results page of one seeded respondent (`GET /r/<token>/results/`), its comparison made
   first, timed through Django's test client with the production settings and middleware:
   p50, p95 and the byte size;
3. the floor: a static page of the same byte size through the same stack (perf/floor.py);
4. the ratio of the two p50s: how much of the page's time is its own work.

Timings are printed, never asserted (a shared machine makes them noisy). Exit status 0 when it
measured, 2 when setup failed. ``--smoke`` runs at a tiny size (60 peers, 10 requests) so CI
notices a script that no longer runs; its figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from perf.survey_load import SetupError, database_recreate, manage  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_results_perf"
BANK_FILE = "fixtures/cspi-v1.yaml"
HOST = "127.0.0.1"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--peers", type=int, default=2000, help="seeded completed responses")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each kind")
    parser.add_argument("--smoke", action="store_true", help="tiny size: checks it still runs")
    args = parser.parse_args()
    if args.smoke:
        args.peers, args.requests = 60, 10
    return args


def environment(args: argparse.Namespace, folder: Path) -> dict[str, str]:
    return {
        **{key: value for key, value in os.environ.items() if key != "CACHE_URL"},
        "DJANGO_SETTINGS_MODULE": "perf.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CSPI_VAR_DIR": str(folder / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "BENCHMARK_INCLUDE_DEMO": "1",
        "CELERY_BROKER_URL": "memory://",
        "PERF_SMOKE": "1" if args.smoke else "0",
        "PERF_TEMPLATE_DIR": str(folder / "templates"),
    }


def timed(call: Callable[[], int], count: int) -> tuple[list[float], int]:
    seconds, size = [], 0
    for _ in range(count):
        started = time.perf_counter()
        size = call()
        seconds.append(time.perf_counter() - started)
    return seconds, size


def p(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(args: argparse.Namespace, folder: Path) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from benchmarks.selectors import benchmark_latest
    from benchmarks.services import benchmark_compute
    from perf.floor import FLOOR_TEMPLATE, floor_template_text
    from responses.models import Response

    respondent = Response.objects.filter(status=Response.Status.COMPLETED).order_by("pk").first()
    if respondent is None:
        raise SetupError("No completed response was seeded.")
    if benchmark_latest(response=respondent) is None:
        benchmark_compute(response=respondent)
    client = Client(HTTP_HOST=HOST)
    results_url = reverse("survey:done", args=[respondent.token])

    def results_page() -> int:
        answer = client.get(results_url)
        if answer.status_code != 200:
            raise SetupError(f"GET {results_url} answered {answer.status_code}")
        return len(answer.content)

    for _ in range(3):  # warm: templates compiled, the peer index loaded
        size = results_page()
    floor_file = folder / "templates" / FLOOR_TEMPLATE
    floor_file.parent.mkdir(parents=True, exist_ok=True)
    floor_file.write_text(floor_template_text(size))

    def floor_page() -> int:
        return len(client.get("/perf/floor/").content)

    for _ in range(3):
        floor_page()
    page, size = timed(results_page, args.requests)
    floor, floor_size = timed(floor_page, args.requests)
    print(f"Results page ({args.peers} peers seeded), {args.requests} requests each:")
    for name, seconds, bytes_sent in (("results page", page, size), ("floor", floor, floor_size)):
        print(
            f"  {name + ':':13} p50 {p(seconds, 0.5):7.2f} ms, p95 {p(seconds, 0.95):7.2f} ms, "
            f"{bytes_sent:,} B"
        )
    ratio = statistics.median(page) / statistics.median(floor)
    print(f"  own work: {ratio:.1f}x the floor; load average {os.getloadavg()[0]:.2f}")


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="cspi-results-") as name:
        folder = Path(name)
        env = environment(args, folder)
        try:
            database = database_recreate(args.database_url)
            print(f"Database {database!r} recreated; migrating, loading the bank, seeding…")
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_bank", BANK_FILE, "--publish")
            manage(env, "collectstatic", "--noinput", "-v", "0")
            manage(env, "seed_demo", "--responses", str(args.peers), "--seed", "1")
            os.environ.update(env)
            measure(args, folder)
        except SetupError as error:
            print(f"Setup failed: {error}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
