"""PDF report speed: WeasyPrint alone, the whole render, and a real worker's latency and memory.

Run from the repository root:

    .venv/bin/python perf/report_bench.py [--reports 20] [--memory-renders 200] \
        [--broker redis://127.0.0.1:6379/14] \
        [--database-url postgres://postgres@127.0.0.1:5432/cspi_report_perf]

It prints, in one run:
1. setup: recreates the database (its name must contain "perf"), migrates, loads and publishes
   fixtures/cspi-v1.yaml, completes --responses responses through `response_complete` (examples
   A and B mixed, two regions, industries and revenue bands, distinct e-mails) and compares each
   again with the whole pool, so every report prints peer statistics; MEDIA_ROOT is a temporary
   folder;
2. the floor: WeasyPrint alone on the report's HTML, built once by the project's own functions
   (`report_document_for`, `report_html`), with the service's base URL, URL fetcher and PDF
   options; p50 over --renders runs;
3. `report_pdf` (fetch, document, HTML, PDF), p50 over --renders runs, interleaved with the
   floor's so machine load hits both alike; target at most 1.2x the floor;
4. submit-to-ready latency through a real `celery -A cspi worker --concurrency 1` (its own
   process, on the same database, broker and media folder): after one warm-up report, --reports
   reports one at a time, each `report_request` committed, then the Report row polled until
   `ready`; p50/p95, target p50 at most 1.5x the floor. A floor render in this process between
   two reports (the worker idle) shows what the floor was while the worker ran;
5. the worker's memory: VmRSS of its pool process (prefork: the child renders) after the warm-up
   and after --memory-renders more renders, requested in batches, each waited for until ready;
   target: growth under 150 MB.
6. a summary against the targets.

Timings are printed, never asserted: a shared machine makes them noisy, so the load average is
shown and p95 next to p50. MB are 10^6 bytes. The broker is Redis (its queue purged first) or,
when Redis does not answer, the file-system transport in the temporary folder (which polls once
a second, so latency then says little). Exit status: 0 when it measured, 2 when setup failed
(the worker's warm-up report included), 1 when a measured report failed or timed out. The worker
is stopped and the temporary folder removed on every exit; the database is kept for inspection
and recreated by the next run.

``--smoke`` runs every step at a tiny size (one timed render of each kind, one report through
the worker for latency and one for memory) so that CI notices a script that no longer runs; its
figures mean nothing.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from perf.survey_load import SetupError, arguments_parsed, database_recreate  # noqa: E402

BANK_FILE = REPO / "fixtures" / "cspi-v1.yaml"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_report_perf"
DEFAULT_BROKER = "redis://127.0.0.1:6379/14"
SERVICE_TARGET = 1.2  # report_pdf p50 / floor p50
LATENCY_TARGET = 1.5  # submit-to-ready p50 / floor p50
MEMORY_TARGET_MB = 150.0
MB = 1_000_000
REGIONS = ("Europe", "North America")
INDUSTRIES = ("Software and SaaS", "Financial Services")
BANDS = ("$1M – $5M", "$100M – $500M")
SMOKE = {"reports": 1, "memory_renders": 1, "batch": 1, "renders": 1}


class MeasurementError(Exception):
    """A measured report failed or never became ready; the run stops with exit status 1."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--broker", default=DEFAULT_BROKER, help="Redis URL for Celery")
    parser.add_argument("--reports", type=int, default=20, help="timed submit-to-ready reports")
    parser.add_argument("--memory-renders", type=int, default=200)
    parser.add_argument("--batch", type=int, default=20, help="memory renders requested at once")
    parser.add_argument("--renders", type=int, default=10, help="timed floor and service renders")
    parser.add_argument("--responses", type=int, default=30, help="completed responses (peers)")
    parser.add_argument("--seed", type=int, default=5)
    return arguments_parsed(parser, SMOKE)


def main() -> int:
    args = parse_args()
    # Turn a SIGTERM into SystemExit, so the worker is stopped and the folder removed.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    # Leaving the block, in reverse order: the worker stopped, connections closed, folder gone.
    with tempfile.TemporaryDirectory(prefix="cspi-report-perf-") as folder, ExitStack() as stack:
        stack.callback(_connections_close)
        try:
            environment_set(args, Path(folder))
            run(args, Path(folder), stack)
        except SetupError as error:
            print(f"\nSetup failed: {error}", file=sys.stderr)
            return 2
        except MeasurementError as error:
            print(f"\nMeasurement failed: {error}", file=sys.stderr)
            return 1
    return 0


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _connections_close() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


# --- 1. setup -------------------------------------------------------------------------------


def environment_set(args: argparse.Namespace, work: Path) -> None:
    """This process's settings; the worker inherits them (os.environ)."""
    media = work / "media"
    media.mkdir()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cspi.settings"
    os.environ["DEBUG"] = "0"
    os.environ["MEDIA_ROOT"] = str(media)
    if broker_answers(args.broker):
        os.environ["CELERY_BROKER_URL"] = args.broker
    else:
        # The file-system transport keeps its folders under CSPI_VAR_DIR: a private one here,
        # so that no one else's queue is purged or read.
        var = work / "var"
        for name in ("queue", "control"):
            (var / "broker" / name).mkdir(parents=True)
        os.environ["CSPI_VAR_DIR"] = str(var)
        os.environ["CELERY_BROKER_URL"] = "filesystem://"


def broker_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except (redis.RedisError, ValueError, OSError):
        return False


def run(args: argparse.Namespace, work: Path, stack: ExitStack) -> None:
    began = time.monotonic()
    print(f"Load average at start: {_load_average()} (2 cores shared; figures are noisy)")
    name = database_recreate(args.database_url)
    import django

    django.setup()
    # WeasyPrint logs every layout step at INFO; the worker keeps that (production logging, into
    # its log file), this process keeps its output readable. The floor and report_pdf alike.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    responses = setup(args, name)
    subject = responses[0]
    floor_s, service_s = renders_measured(subject, args.renders)
    worker = Worker.start(work)
    stack.callback(worker.stop)
    facts = worker_measured(worker, responses, args, floor_s)
    facts.update(floor_s=floor_s, service_s=service_s)
    summary(facts)
    print(
        f"\nLoad average at end: {_load_average()}. The whole run took "
        f"{time.monotonic() - began:.0f} s; database {name!r} is left for inspection."
    )


def _load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def setup(args: argparse.Namespace, name: str) -> list[Any]:
    from django.conf import settings
    from django.core.management import call_command

    from benchmarks.selectors import benchmark_k
    from responses.bank_file import bank_file_read

    try:
        call_command("migrate", verbosity=0)
        call_command("load_bank", str(BANK_FILE), publish=True, verbosity=0, stdout=io.StringIO())
    except Exception as error:
        raise SetupError(f"migrate or load_bank failed: {error!r}") from error
    spec = bank_file_read(BANK_FILE)
    start = time.perf_counter()
    responses = responses_completed(spec, args.responses, random.Random(args.seed))
    completed_s = time.perf_counter() - start
    shown, groups = _groups_shown(responses)
    broker = settings.CELERY_BROKER_URL
    print(
        f"1. Setup: database {name!r} recreated, migrated, {BANK_FILE.name} published;\n"
        f"   {len(responses)} responses completed through response_complete in "
        f"{completed_s:.1f} s, each compared again with the whole pool: the report of "
        f"response {responses[0].pk} shows {shown} of {groups} peer groups (k = "
        f"{benchmark_k()});\n   MEDIA_ROOT {settings.MEDIA_ROOT}, broker {broker}"
    )
    if broker.startswith("filesystem"):
        print("   (Redis did not answer: the file-system broker polls once a second)")
    return responses


def responses_completed(spec: Any, count: int, rng: random.Random) -> list[Any]:
    """Completed responses with distinct e-mails, spread over two values of each peer group.

    `response_complete` also queues each one's first report; the queue is purged before the
    worker starts, so those stay pending and unmeasured.
    """
    from benchmarks.services import benchmark_compute
    from responses.models import QuestionBank, Response
    from responses.services import response_start
    from survey.services import response_complete
    from tests.examples import EXAMPLE_A, EXAMPLE_B
    from tests.survey.answering import stored_form

    bank = QuestionBank.objects.get(key=spec.key, version=spec.version)
    responses = []
    for number in range(count):
        email = f"cs@peer-{number:03d}.example"  # each peer an organisation of its own
        answers = {q: (EXAMPLE_A if rng.random() < 0.5 else EXAMPLE_B)[q] for q in EXAMPLE_A}
        answers.update(
            {
                3: email,
                4: REGIONS[number % 2],
                5: INDUSTRIES[number // 2 % 2],
                7: BANDS[number // 4 % 2],
                8: str(rng.randint(20, 5000)),
                9: str(rng.randint(1, 40)),
                10: str(rng.randint(80, 130)),
            }
        )
        response = response_start(bank=bank)
        Response.objects.filter(pk=response.pk).update(
            answers=stored_form(spec, answers), email=email
        )
        result = response_complete(response=response)
        if not result.completed_now:
            raise SetupError(f"response {response.pk} did not complete: {result}")
        response.refresh_from_db()
        responses.append(response)
    # The first ones were compared with a smaller pool; every report prints the latest comparison.
    for response in responses:
        if benchmark_compute(response=response) is None:
            raise SetupError(f"response {response.pk} could not be compared with the pool")
    return responses


def _groups_shown(responses: Sequence[Any]) -> tuple[int, int]:
    benchmark = _latest_benchmark(responses[0])
    groups = benchmark.comparison["groups"]
    shown = sum(1 for group in groups if group["enough_peers"])
    if not shown:
        raise SetupError("no peer group has enough peers: raise --responses")
    return shown, len(groups)


def _latest_benchmark(response: Any) -> Any:
    from benchmarks.models import ResponseBenchmark

    benchmark = ResponseBenchmark.objects.filter(response=response).first()
    if benchmark is None:
        raise SetupError(f"response {response.pk} has no stored comparison")
    return benchmark


# --- 2.-3. the floor and the service, in this process -----------------------------------------


def floor_render(html: str) -> Callable[[], bytes]:
    """WeasyPrint alone, exactly as `reports.pdf.pdf_from_html` calls it, on ready HTML."""
    from weasyprint import HTML

    from reports.pdf import PDF_OPTIONS, StaticFilesFetcher, static_roots

    roots = static_roots()
    base_url = roots[0].as_uri() + "/"
    fetcher = StaticFilesFetcher(roots=roots)

    def render() -> bytes:
        pdf = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(**PDF_OPTIONS)
        assert pdf is not None
        return pdf

    return render


def report_html_of(response: Any) -> str:
    from reports.document import report_document_for
    from reports.pdf import report_html

    return report_html(
        document=report_document_for(response=response, benchmark=_latest_benchmark(response))
    )


def renders_measured(response: Any, runs: int) -> tuple[float, float]:
    from reports.pdf import report_pdf
    from responses.models import Response

    html = report_html_of(response)
    floor = floor_render(html)
    benchmark = _latest_benchmark(response)

    def service() -> bytes:
        # As the worker does: the rows read afresh, then the whole render.
        fresh = Response.objects.select_related("bank").get(pk=response.pk)
        return report_pdf(response=fresh, benchmark=benchmark)

    cold_floor, pdf = _timed(floor)
    cold_service, _ = _timed(service)
    print(
        f"2. The floor: WeasyPrint alone on the report's HTML ({len(html):,} characters; PDF "
        f"{len(pdf):,} bytes{_pages(pdf)}), same base URL, fetcher and options as the service"
    )
    print(
        f"   first renders in this process (not counted): floor {cold_floor * 1000:.0f} ms, "
        f"report_pdf {cold_service * 1000:.0f} ms"
    )
    floors, services = [], []
    for _ in range(runs):  # interleaved, so machine load hits both alike
        floors.append(_timed(floor)[0])
        services.append(_timed(service)[0])
    floor_s, service_s = statistics.median(floors), statistics.median(services)
    print(
        f"   floor p50 of {runs}: {_ms(floor_s)} (min {_ms(min(floors))}, max {_ms(max(floors))})"
    )
    print("3. The service: report_pdf(response=…, benchmark=…): data fetch + HTML + PDF")
    print(
        f"   report_pdf p50 of {runs}: {_ms(service_s)} (min {_ms(min(services))}, max "
        f"{_ms(max(services))}); {service_s / floor_s:.2f}x the floor "
        f"(target at most {SERVICE_TARGET}x)"
    )
    html_s = statistics.median(_timed(lambda: report_html_of(response))[0] for _ in range(runs))
    print(f"   of which document + HTML alone (report_document_for, report_html): {_ms(html_s)}")
    return floor_s, service_s


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def _pages(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        return ""
    return f", {len(PdfReader(io.BytesIO(pdf)).pages)} pages"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _quantile(values: Sequence[float], share: float) -> float:
    """The `share` quantile (0.5 for p50), interpolated between the two nearest values."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- 4.-5. a real worker ----------------------------------------------------------------------


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, work: Path) -> Worker:
        """`celery -A cspi worker`, one pool process, on this run's settings, after a purge."""
        from cspi.celery import app

        try:
            purged = app.control.purge()
        except Exception as error:
            raise SetupError(f"could not purge the broker: {error!r}") from error
        print(
            f"4. A real worker (celery -A cspi worker --concurrency 1); {purged} queued messages "
            "purged first (the setup's completions queued their first reports)"
        )
        log = work / "worker.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "cspi",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "1",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=REPO,
                env=dict(os.environ),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(process, log)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def pool_rss(self) -> dict[int, int]:
        """VmRSS in bytes of each pool process (the main process's children)."""
        children = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                if parent == self.process.pid:
                    children[int(entry.name)] = _vm_rss(entry / "status")
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
        return children

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _vm_rss(status: Path) -> int:
    line = next(line for line in status.read_text().splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


@contextmanager
def _failing_as(error: type[Exception]) -> Iterator[None]:
    """Turn a report that failed or timed out into `error` (setup or measurement)."""
    try:
        yield
    except MeasurementError as failed:
        raise error(str(failed)) from failed


def reports_requested(responses: Sequence[Any]) -> list[int]:
    """One new report per response, in one committed transaction (queued on commit)."""
    from django.db import transaction

    from reports.services import report_request

    with transaction.atomic():
        return [report_request(response=response).pk for response in responses]


def reports_awaited(worker: Worker, report_ids: Sequence[int], timeout: float, poll: float) -> None:
    from reports.models import Report

    deadline = time.monotonic() + timeout
    waiting = set(report_ids)
    while waiting:
        rows = Report.objects.filter(pk__in=waiting).values_list("pk", "status", "error")
        for pk, status, error in rows:
            if status == Report.Status.READY:
                waiting.discard(pk)
            elif status == Report.Status.FAILED:
                raise MeasurementError(f"report {pk} failed: {error}\n{worker.log_tail()}")
        if not waiting:
            return
        if not worker.alive():
            raise MeasurementError(f"the worker exited:\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            raise MeasurementError(
                f"{len(waiting)} reports not ready after {timeout:.0f} s:\n{worker.log_tail()}"
            )
        time.sleep(poll)


def worker_measured(
    worker: Worker, responses: Sequence[Any], args: argparse.Namespace, floor_s: float
) -> dict[str, Any]:
    start = time.perf_counter()
    with _failing_as(SetupError):
        reports_awaited(worker, reports_requested(responses[:1]), timeout=180, poll=0.05)
    warm_s = time.perf_counter() - start
    warm_rss = _rss_total(worker, "after the warm-up")
    print(
        f"   warm-up report (worker start-up included) ready after {warm_s:.1f} s; pool "
        f"process RSS {_mb(warm_rss)}"
    )
    with _failing_as(MeasurementError):
        facts = latency_measured(worker, responses, args.reports, floor_s)
        facts.update(memory_measured(worker, responses, args, warm_rss))
    return facts


def latency_measured(
    worker: Worker,
    responses: Sequence[Any],
    count: int,
    floor_s: float,
) -> dict[str, Any]:
    from reports.models import Report

    floor = floor_render(report_html_of(responses[0]))
    latencies, floors, report_ids = [], [], []
    for number in range(count):
        response = responses[number % len(responses)]
        start = time.perf_counter()
        report_id = reports_requested([response])[0]
        reports_awaited(worker, [report_id], timeout=120, poll=0.005)
        latencies.append(time.perf_counter() - start)
        report_ids.append(report_id)
        floors.append(_timed(floor)[0])  # the worker idle meanwhile
    rows = Report.objects.filter(pk__in=report_ids)
    pickup = [(r.started_at - r.requested_at).total_seconds() for r in rows if r.started_at]
    render = [r.render_ms / 1000 for r in rows if r.render_ms is not None]
    p50, p95 = _quantile(latencies, 0.5), _quantile(latencies, 0.95)
    floor_now = statistics.median(floors)
    print(f"   {count} reports, one at a time: report_request committed → Report row 'ready'")
    print(
        f"   submit-to-ready p50 {_ms(p50)}, p95 {_ms(p95)}, max {_ms(max(latencies))}; "
        f"p50 {p50 / floor_s:.2f}x the floor (target at most {LATENCY_TARGET}x)"
    )
    print(
        f"   of which, by the row's timestamps (p50): requested → claimed by the worker "
        f"{_ms(statistics.median(pickup))}, render + store (render_ms) "
        f"{_ms(statistics.median(render))}"
    )
    print(
        f"   floor re-timed in this process between reports: p50 {_ms(floor_now)} "
        f"(submit-to-ready p50 is {p50 / floor_now:.2f}x that)"
    )
    return {"latency_p50_s": p50, "latency_p95_s": p95, "floor_during_s": floor_now}


def memory_measured(
    worker: Worker, responses: Sequence[Any], args: argparse.Namespace, warm_rss: int
) -> dict[str, Any]:
    total, batch = args.memory_renders, max(1, args.batch)
    print(
        f"5. Worker memory: {total} more renders, requested {batch} at a time, each batch "
        "waited for until ready"
    )
    after_latency = _rss_total(worker, "after the latency reports")
    trail = []
    start = time.perf_counter()
    done = 0
    while done < total:
        size = min(batch, total - done)
        chosen = [responses[(done + i) % len(responses)] for i in range(size)]
        reports_awaited(worker, reports_requested(chosen), timeout=60 + 20 * size, poll=0.05)
        done += size
        trail.append(_rss_total(worker, f"after {done} renders"))
    elapsed = time.perf_counter() - start
    final = trail[-1]
    growth = final - warm_rss
    print(
        f"   pool process RSS after the warm-up: {_mb(warm_rss)}; after the {args.reports} "
        f"latency reports: {_mb(after_latency)}"
    )
    print(f"   after each batch: {', '.join(f'{rss / MB:.0f}' for rss in trail)} MB")
    print(
        f"   growth since the warm-up ({args.reports + total} renders): {growth / MB:+.1f} MB "
        f"(target under {MEMORY_TARGET_MB:.0f} MB); {total / elapsed:.2f} renders/s"
    )
    return {"warm_rss": warm_rss, "final_rss": final, "growth": growth, "rate": total / elapsed}


def _rss_total(worker: Worker, when: str) -> int:
    pools = worker.pool_rss()
    if not pools:
        raise MeasurementError(f"no pool process of the worker found {when}")
    return sum(pools.values())


def _mb(size: float) -> str:
    return f"{size / MB:,.1f} MB"


# --- 6. summary -------------------------------------------------------------------------------


def summary(facts: dict[str, Any]) -> None:
    floor_s, service_s = facts["floor_s"], facts["service_s"]
    service_ratio = service_s / floor_s
    latency_ratio = facts["latency_p50_s"] / floor_s
    growth_mb = facts["growth"] / MB
    rows = [
        ("floor p50 (WeasyPrint alone)", _ms(floor_s), "", None),
        (
            "report_pdf p50 / floor",
            f"{service_ratio:.2f}x",
            f"<= {SERVICE_TARGET}x",
            service_ratio <= SERVICE_TARGET,
        ),
        (
            "submit-to-ready p50 / floor",
            f"{latency_ratio:.2f}x",
            f"<= {LATENCY_TARGET}x",
            latency_ratio <= LATENCY_TARGET,
        ),
        (
            "worker RSS growth",
            f"{growth_mb:+.1f} MB",
            f"< {MEMORY_TARGET_MB:.0f} MB",
            growth_mb < MEMORY_TARGET_MB,
        ),
        ("report_pdf p50", _ms(service_s), "", None),
        (
            "submit-to-ready p50 / p95",
            f"{_ms(facts['latency_p50_s'])} / {_ms(facts['latency_p95_s'])}",
            "",
            None,
        ),
        ("floor p50 during step 4", _ms(facts["floor_during_s"]), "", None),
        (
            "worker RSS warm / final",
            f"{facts['warm_rss'] / MB:.0f} / {facts['final_rss'] / MB:.0f} MB",
            "",
            None,
        ),
        ("worker throughput", f"{facts['rate']:.2f} renders/s", "", None),
    ]
    print("\nSummary")
    print(f"   {'':<30} {'measured':>20}  {'target':<9} result")
    for label, measured, target, passed in rows:
        result = "" if passed is None else ("PASS" if passed else "FAIL")
        print(f"   {label:<30} {measured:>20}  {target:<9} {result}")


if __name__ == "__main__":
    sys.exit(main())
