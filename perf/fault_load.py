"""Respondents under load, then under faults: nothing given is lost, nothing is done twice.

Run from the repository root (needs PostgreSQL, and redis-server on the PATH):

    .venv/bin/python perf/fault_load.py [--respondents 200] [--database-url postgres://…/cspi_fault_perf]

The production shape on one machine: two gunicorn processes (sync workers), a Celery worker with
two prefork processes, a separate beat, PostgreSQL, and a Redis server of this run's own (on a
free port, append-only file on, so stopping it touches no other Redis) as broker and cache. Mail
goes to a small SMTP server of this script's, which records what it receives. The worker runs at
a lower CPU priority (--worker-nice), as it should beside web processes on one host: a page then
waits for no PDF. Respondents spend --think seconds on each page (half to one and a half times).

Two runs, each on a freshly created database:

1. Load: every respondent, all at once, starts a survey, answers every page (a valid answer to
   each question; their own e-mail address on the first page), submits, and reads the results
   page. Any status other than the expected one counts as an error. Then the run waits for every
   report and every e-mail.
2. Load and faults: the same, while the mail server is unreachable from the start until every
   respondent has finished, PostgreSQL is restarted once, --fault-delay seconds in
   (`pg_ctlcluster … restart` with --pg-restart cluster, the default when it is available;
   --pg-restart backends instead ends every connection to this run's database, as a restart
   does, without touching other databases of the server), and then Redis is stopped for
   --redis-down seconds. A respondent who gets a 503
   or no answer does what the page says: waits, then sends the same page again. Those retries
   are counted, not errors; any other status is an error.

After each run, it checks against the database, the worker's logs and the mail received:
- no answer lost: each response holds exactly the answers its respondent's accepted pages sent,
  and is completed;
- every report rendered exactly once: one "Report N ready" line in the worker's JSON logs per
  report, one PDF file each, all ready;
- no e-mail lost or doubled: each respondent received one resume link and one report-ready
  e-mail.
It prints page latency (p50, p99, max), over every request of the run and by kind (landing
page, start, page read, page save, the submission, the results page), and how long after the
load the last report and e-mail took.

``--smoke`` runs both runs at a tiny size (4 respondents, a 3-second Redis stop, the backends
form of the PostgreSQL restart) so that CI notices a script that no longer runs.

Exit status: 0 when every check held, 1 when one failed, 2 when setup failed, 130 when
interrupted. Every process it started is stopped on exit; the databases are kept for inspection.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from perf.survey_load import (  # noqa: E402
    HOST,
    Reply,
    SetupError,
    arguments_parsed,
    cookies_from,
    database_recreate,
    fetch,
    free_port,
    manage,
    page_answers,
    stop_process,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_fault_perf"
SMOKE = {
    "respondents": 4,
    "redis_down": 2.0,
    "fault_delay": 1.5,
    "pg_restart": "backends",
    "settle": 120.0,
    "think": 0.3,
}
RESUME_SUBJECT = re.compile(r"^Your .* link$")
READY_SUBJECT = "Your CSPI benchmark report is ready"
# Respondents' e-mail addresses: one per respondent, so mail can be matched to them.
ADDRESS = "respondent-{run}-{number}@r{number}.example"  # each an organisation of its own


class CheckFailed(Exception):
    """A check of the results failed; the run ends with exit status 1."""


# --- the mail server ------------------------------------------------------------------------


@dataclass
class Mailbox:
    received: list[tuple[str, str, float]] = field(default_factory=list)  # to, subject, when
    lock: threading.Lock = field(default_factory=threading.Lock)


class _SmtpSession(socketserver.StreamRequestHandler):
    """Enough of SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    mailbox: Mailbox

    def handle(self) -> None:
        self._say("220 sink ready")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self._say("250 sink")
            elif verb == "MAIL":
                recipients = []
                self._say("250 OK")
            elif verb == "RCPT":
                address = re.search(r"<([^>]*)>", line.decode(errors="replace"))
                recipients.append(address.group(1) if address else "")
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go on")
                self._message_read(recipients)
                self._say("250 kept")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:  # RSET, NOOP and anything else
                self._say("250 OK")

    def _message_read(self, recipients: list[str]) -> None:
        lines = []
        while (line := self.rfile.readline()) not in {b".\r\n", b".\n", b""}:
            lines.append(line[1:] if line.startswith(b"..") else line)
        subject = str(message_from_bytes(b"".join(lines)).get("Subject", ""))
        with self.mailbox.lock:
            for recipient in recipients:
                self.mailbox.received.append((recipient, subject, time.monotonic()))

    def _say(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


class MailServer:
    """An SMTP server on a fixed port that can be taken down and brought back."""

    def __init__(self, port: int, mailbox: Mailbox) -> None:
        self.port, self.mailbox = port, mailbox
        self._server: socketserver.ThreadingTCPServer | None = None

    def up(self) -> None:
        handler = type("Session", (_SmtpSession,), {"mailbox": self.mailbox})
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer((HOST, self.port), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


# --- the processes --------------------------------------------------------------------------


class Stack:
    """Redis, gunicorn, the worker and beat for one run; stopped in reverse order."""

    def __init__(
        self, folder: Path, env: dict[str, str], redis_port: int, worker_nice: int
    ) -> None:
        self.folder, self.env, self.redis_port = folder, env, redis_port
        self.worker_nice = worker_nice
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        with (self.folder / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            self.processes[name] = subprocess.Popen(
                command,
                cwd=REPO,
                env=env or self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def redis_up(self) -> None:
        self.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                HOST,
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
        )
        waited_until(lambda: _redis_answers(self.redis_port), 10, "Redis did not start")

    def redis_down(self) -> None:
        stop_process(self.processes.pop("redis"))

    def app_up(self, port: int) -> None:
        bin_dir = Path(sys.executable).parent
        gunicorn = [str(bin_dir / "gunicorn"), "cspi.wsgi:application", "--bind", f"{HOST}:{port}"]
        self.start("web", [*gunicorn, "--workers", "2", "--backlog", "2048", "--timeout", "30"])
        celery = [sys.executable, "-m", "celery", "-A", "cspi"]
        # On one host the renders yield the CPU to the pages: a page waits for no PDF.
        worker = ["nice", "-n", str(self.worker_nice), *celery, "worker", "--concurrency", "2"]
        self.start("worker", [*worker, "--loglevel", "INFO"])
        schedule = str(self.folder / "beat-schedule")
        self.start("beat", [*celery, "beat", "--schedule", schedule, "--loglevel", "INFO"])
        waited_until(lambda: _answers(port), 30, "gunicorn did not answer")
        waited_until(lambda: " ready." in self.log("worker"), 60, "the worker was not ready")

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            stop_process(self.processes.pop(name), group=True)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _redis_answers(port: int) -> bool:
    done = subprocess.run(
        ["redis-cli", "-h", HOST, "-p", str(port), "ping"], capture_output=True, check=False
    )
    return done.stdout.strip() == b"PONG"


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError):
        return fetch(port, "GET", "/", timeout=2).status == 200
    return False


def waited_until(condition: Callable[[], bool], seconds: float, failure: str) -> float:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if condition():
            return time.monotonic() - began
        time.sleep(0.2)
    raise SetupError(f"{failure} within {seconds:.0f} s")


# --- one respondent -------------------------------------------------------------------------


@dataclass
class Respondent:
    number: int
    email: str
    token: str = ""
    sent: dict[str, list[str]] = field(default_factory=dict)  # accepted answers, by field name
    latencies: list[tuple[str, float]] = field(default_factory=list)  # (kind, seconds)
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    finished: bool = False


class Browser:
    """One respondent's cookies and requests; 503 and no answer are waited out and retried."""

    def __init__(self, port: int, respondent: Respondent, retry_pause: float) -> None:
        self.port, self.respondent, self.retry_pause = port, respondent, retry_pause
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: str | None, expected: int, kind: str) -> Reply:
        for _ in range(200):
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            began = time.monotonic()
            try:
                reply = fetch(self.port, method, path, body, headers, timeout=30)
            except OSError:
                reply = None
            self.respondent.latencies.append((kind, time.monotonic() - began))
            if reply is None or reply.status == 503:
                self.respondent.retries += 1
                time.sleep(self.retry_pause)
                continue
            self.cookies.update(cookies_from(reply))
            if reply.status != expected:
                self.respondent.errors.append(f"{method} {path}: {reply.status}")
            return reply
        raise CheckFailed(f"{method} {path} never answered")


def respondent_run(port: int, respondent: Respondent, retry_pause: float, think: float) -> None:
    browser = Browser(port, respondent, retry_pause)
    pause = random.Random(respondent.number)
    landing = browser.send("GET", "/", None, 200, "landing")
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', landing.body)
    if found is None:
        respondent.errors.append("GET /: no form")
        return
    started = browser.send(
        "POST",
        "/start/",
        urlencode({"csrfmiddlewaretoken": found.group(1).decode(), "consent": "yes"}),
        302,
        "start",
    )
    token = re.fullmatch(r"/survey/([\w-]+)/", started.headers.get("Location", ""))
    if token is None:
        respondent.errors.append(f"POST /start/: {started.status}, no survey link")
        return
    respondent.token = token.group(1)
    page, location = 1, f"/survey/{respondent.token}/page/1/"
    while "/page/" in location:
        shown = browser.send("GET", location, None, 200, "page")
        time.sleep(think * pause.uniform(0.5, 1.5))  # reading and answering the page
        answers, csrf = page_answers(shown.body.decode(), page)
        answers = [(k, respondent.email if "@" in v else v) for k, v in answers]
        saved = browser.send(
            "POST", location, urlencode([("csrfmiddlewaretoken", csrf), *answers]), 302, "save"
        )
        if saved.status != 302:
            return
        accepted: dict[str, list[str]] = {}
        for name, value in answers:
            if re.fullmatch(r"q\d+", name):
                accepted.setdefault(name, []).append(value)
        respondent.sent.update(accepted)
        page, location = page + 1, saved.headers.get("Location", "")
        if location.endswith("/results/"):  # that save was the submission
            respondent.latencies[-1] = ("submit", respondent.latencies[-1][1])
    if not location.endswith("/results/"):
        respondent.errors.append(f"last page went to {location!r}, not the results")
        return
    browser.send("GET", location, None, 200, "results")
    respondent.finished = True


def respondents_run(
    port: int, respondents: list[Respondent], retry_pause: float, think: float
) -> None:
    threads = [
        threading.Thread(target=respondent_run, args=(port, r, retry_pause, think), daemon=True)
        for r in respondents
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- faults ---------------------------------------------------------------------------------


def postgres_restart(how: str, database: str) -> str:
    if how == "cluster":
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            capture_output=True,
        )
        return f"PostgreSQL {version} cluster restarted"
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        ended = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()
    return f"{ended[0] if ended else 0} connections to {database!r} ended"


def faults_inject(
    stack: Stack, args: argparse.Namespace, database: str, done: threading.Event
) -> list[str]:
    """PostgreSQL restarted, then Redis down for a while, while respondents answer."""
    timeline: list[str] = []
    began = time.monotonic()

    def note(text: str) -> None:
        timeline.append(f"  +{time.monotonic() - began:5.1f} s  {text}")

    time.sleep(args.fault_delay)
    note(postgres_restart(args.pg_restart, database))
    time.sleep(args.fault_delay)
    stack.redis_down()
    note("Redis stopped")
    time.sleep(args.redis_down)
    stack.redis_up()
    note("Redis back")
    done.wait()
    note("every respondent finished")
    return timeline


# --- checks ---------------------------------------------------------------------------------


def django_ready(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def answers_kept(respondents: list[Respondent]) -> list[str]:
    """Each response is completed and holds exactly what its respondent's accepted pages sent."""
    from django.db import connection

    from responses.models import Response

    connection.close()  # a restart may have ended the connection this process held
    problems = []
    stored = {r.token: r for r in Response.objects.filter(token__in=[x.token for x in respondents])}
    for respondent in respondents:
        response = stored.get(respondent.token)
        if response is None or not response.is_completed:
            problems.append(f"respondent {respondent.number}: response not completed")
            continue
        sent = {name[1:]: values for name, values in respondent.sent.items()}
        kept = {number: _as_sent(value) for number, value in response.answers.items()}
        if kept != {number: sorted(values) for number, values in sent.items()} or not sent:
            problems.append(f"respondent {respondent.number}: stored answers differ from sent")
    return problems


def _as_sent(value: object) -> list[str]:
    return sorted(str(item) for item in value) if isinstance(value, list) else [str(value)]


def reports_once(respondents: list[Respondent], worker_log: str, folder: Path) -> list[str]:
    from reports.models import Report

    reports = list(Report.objects.filter(response__token__in=[r.token for r in respondents]))
    ready_lines = Counter(
        int(found.group(1))
        for line in worker_log.splitlines()
        if line.startswith("{")
        and (
            found := re.match(r"Report (\d+) ready, rendered", json.loads(line).get("message", ""))
        )
    )
    problems = []
    if len(reports) != len(respondents):
        problems.append(f"{len(reports)} reports for {len(respondents)} respondents")
    for report in reports:
        if report.status != Report.Status.READY or ready_lines[report.pk] != 1:
            problems.append(
                f"report {report.pk}: {report.status}, rendered {ready_lines[report.pk]} times"
            )
    files = list((folder / "media" / "reports").glob("*.pdf"))
    if len(files) != len(reports):
        problems.append(f"{len(files)} PDF files for {len(reports)} reports")
    return problems


def mail_complete(respondents: list[Respondent], mailbox: Mailbox, faults: bool) -> list[str]:
    """One report e-mail each. One resume link each, but under faults at most one: a link is
    owed only while the survey is unfinished, and these respondents finish while the mail
    server is unreachable (their report e-mail links to their results)."""
    with mailbox.lock:
        received = Counter(
            (to, "resume" if RESUME_SUBJECT.match(subject) else subject)
            for to, subject, _ in mailbox.received
        )
    problems = []
    for respondent in respondents:
        if (count := received[(respondent.email, READY_SUBJECT)]) != 1:
            problems.append(f"{respondent.email}: {count} report e-mails")
        resume = received[(respondent.email, "resume")]
        if resume > 1 or (resume == 0 and not faults):
            problems.append(f"{respondent.email}: {resume} resume links")
    return problems


def settled(
    respondents: list[Respondent],
    mailbox: Mailbox,
    stack: Stack,
    folder: Path,
    seconds: float,
    faults: bool,
) -> float:
    """Seconds until every report is rendered and every e-mail arrived (or `seconds` passed)."""
    from django.db import connection

    connection.close()  # a restart may have ended the connection this process held
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if not reports_once(respondents, stack.log("worker"), folder) and not mail_complete(
            respondents, mailbox, faults
        ):
            break
        time.sleep(1)
    return time.monotonic() - began


# --- the runs -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:>6.0f} ms"


def run_once(args: argparse.Namespace, folder: Path, name: str, faults: bool) -> bool:
    folder.mkdir()
    database_url = args.database_url  # both runs: the checks' ORM connection stays valid
    database = database_recreate(database_url)
    redis_port, mail_port, web_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cspi.settings",
        "DEBUG": "0",
        "SECRET_KEY": "fault-load-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": f"redis://{HOST}:{redis_port}/0",
        "CACHE_URL": f"redis://{HOST}:{redis_port}/1",
        "CSPI_VAR_DIR": str(folder / "var"),
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(mail_port),
        "EMAIL_TIMEOUT": "2",
        "LOG_FORMAT": "json",
        # Faster catch-up than production's defaults, so the run ends in minutes.
        "REPORT_QUEUE_GRACE_SECONDS": "10",
        "REPORT_LEASE_SECONDS": "60",
        "RECONCILE_EVERY_SECONDS": "10",
        # Every respondent comes from this one machine's address.
        "SURVEY_START_LIMIT": "1000000/hour",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_bank", "fixtures/cspi-v1.yaml", "--publish")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    django_ready(env)

    mailbox = Mailbox()
    mail = MailServer(mail_port, mailbox)
    stack = Stack(folder, env, redis_port, args.worker_nice)
    respondents = [
        Respondent(n, ADDRESS.format(run=name, number=n)) for n in range(args.respondents)
    ]
    try:
        stack.redis_up()
        stack.app_up(web_port)
        if not faults:
            mail.up()
        print(f"\n== {name}: {len(respondents)} respondents at once", flush=True)
        began = time.monotonic()
        done = threading.Event()
        timeline: list[str] = []
        if faults:
            print("   mail server unreachable until every respondent has finished", flush=True)
            injector = threading.Thread(
                target=lambda: timeline.extend(faults_inject(stack, args, database, done))
            )
            injector.start()
        respondents_run(web_port, respondents, args.retry_pause, args.think)
        load_seconds = time.monotonic() - began
        done.set()
        if faults:
            injector.join()
            mail.up()
            timeline.append(f"  +{time.monotonic() - began:5.1f} s  mail server back")
        waited = settled(respondents, mailbox, stack, folder, args.settle, faults)
        return verdict(
            name, respondents, mailbox, stack, folder, load_seconds, waited, timeline, faults
        )
    finally:
        mail.down()
        stack.stop()


def verdict(
    name: str,
    respondents: list[Respondent],
    mailbox: Mailbox,
    stack: Stack,
    folder: Path,
    load_seconds: float,
    waited: float,
    timeline: list[str],
    faults: bool,
) -> bool:
    timed = [pair for r in respondents for pair in r.latencies]
    latencies = [seconds for _, seconds in timed]
    errors = [e for r in respondents for e in r.errors]
    retries = sum(r.retries for r in respondents)
    print("\n".join(timeline))
    print(
        f"   {len(latencies)} requests in {load_seconds:.1f} s "
        f"({len(latencies) / load_seconds:.0f}/s); {len(errors)} errors, {retries} retries "
        f"after a 503 or no answer; every report and e-mail in {waited:.0f} s after the load",
        flush=True,
    )
    print("   latency     requests      p50      p99      max", flush=True)
    for kind in ("all", "landing", "start", "page", "save", "submit", "results"):
        chosen = latencies if kind == "all" else [t for k, t in timed if k == kind]
        if chosen:
            print(
                f"   {kind:<10} {len(chosen):>9} {_ms(statistics.median(chosen))} "
                f"{_ms(percentile(chosen, 0.99))} {_ms(max(chosen))}",
                flush=True,
            )
    checks = {
        "every respondent finished, no error": [*errors]
        + [f"respondent {r.number} did not finish" for r in respondents if not r.finished],
        "no answer lost": answers_kept(respondents),
        "every report rendered exactly once": reports_once(
            respondents, stack.log("worker"), folder
        ),
        "every e-mail sent, none twice": mail_complete(respondents, mailbox, faults),
    }
    for check, problems in checks.items():
        print(f"   {'PASS' if not problems else 'FAIL'}  {check}", flush=True)
        for problem in problems[:10]:
            print(f"         {problem}", flush=True)
    return not any(checks.values())


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--redis-down", type=float, default=20.0, help="seconds Redis is off")
    parser.add_argument("--fault-delay", type=float, default=3.0, help="seconds between faults")
    parser.add_argument(
        "--pg-restart",
        choices=["cluster", "backends"],
        default="cluster" if shutil.which("pg_ctlcluster") and os.geteuid() == 0 else "backends",
    )
    parser.add_argument("--retry-pause", type=float, default=1.0, help="a respondent's wait")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds on each page")
    parser.add_argument(
        "--settle", type=float, default=900.0, help="seconds to wait for reports and mail"
    )
    parser.add_argument(
        "--worker-nice", type=int, default=10, help="the worker's niceness (0: as the web's)"
    )
    parser.add_argument("--only", choices=["load", "faults"], help="one of the two runs")
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    return arguments_parsed(parser, SMOKE)


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    args = parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server is not installed (apt-get install -y redis-server).")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="cspi-fault-"))
    try:
        runs = [("load", False), ("faults", True)]
        results = [
            run_once(args, folder / name, name, faults)
            for name, faults in runs
            if args.only in (None, name)
        ]
    except SetupError as error:
        print(f"Setup failed: {error}")
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if args.keep:
            print(f"Logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
