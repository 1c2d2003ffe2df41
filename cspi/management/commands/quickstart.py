"""Set up and run the whole product on one machine: web server and a real Celery worker."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from benchmarks.services import peer_pool_ensure_current
from responses.models import Response

DEFAULT_BANK = Path(settings.BASE_DIR) / "fixtures" / "cspi-v1.yaml"
# Enough demo responses that every industry, ARR band and region group shows statistics.
DEMO_RESPONSES = 600
DEMO_SEED = 2026


class Command(BaseCommand):
    help = (
        "Migrate, load the default question bank, seed demo responses (counted in the peer "
        "groups unless BENCHMARK_INCLUDE_DEMO says otherwise), then run gunicorn and a Celery "
        "worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--setup-only", action="store_true", help="Prepare, start nothing.")

    def handle(self, *args: Any, bind: str, setup_only: bool, **options: Any) -> None:
        child_env = dict(os.environ)
        child_env.setdefault("LOG_FORMAT", "text")  # read on a terminal, not by a collector
        # Links the worker e-mails (a report is ready) have no request to take an address from.
        if not os.environ.get("SITE_URL"):
            child_env["SITE_URL"] = f"http://{bind}"
        if not os.environ.get("BENCHMARK_INCLUDE_DEMO"):
            # The quick start shows the product with demo peers; production leaves them out.
            settings.BENCHMARK_INCLUDE_DEMO = True
            child_env["BENCHMARK_INCLUDE_DEMO"] = "1"
        self._prepare()
        if setup_only:
            return
        self._run(bind, child_env)

    def _prepare(self) -> None:
        for folder in ("queue", "control"):
            (Path(settings.BROKER_DIR) / folder).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_bank", str(DEFAULT_BANK), publish=True)
        user_model = get_user_model()
        if not user_model.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            user_model.objects.create_superuser("admin", "admin@localhost", password)
            self.stdout.write(f"Admin account for /admin/: user 'admin', password '{password}'")
        if not Response.objects.filter(is_demo=True).exists():
            call_command("seed_demo", responses=DEMO_RESPONSES, seed=DEMO_SEED)
        else:
            peer_pool_ensure_current()  # built before under another BENCHMARK_INCLUDE_DEMO?

    def _run(self, bind: str, env: dict[str, str]) -> None:
        python = sys.executable
        bin_dir = Path(python).parent
        commands = {
            "web": [
                str(bin_dir / "gunicorn"),
                "cspi.wsgi",
                "--bind",
                bind,
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "cspi",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--schedule",
                str(Path(settings.VAR_DIR) / "celerybeat-schedule"),
            ],
        }
        processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"CSPI Benchmark is running on http://{bind}/"))
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        failed = [name for name, p in processes.items() if p.poll() not in (None, 0)]
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if failed and not stopping:
            self.stderr.write(f"Stopped because {', '.join(failed)} exited.")
            sys.exit(1)
