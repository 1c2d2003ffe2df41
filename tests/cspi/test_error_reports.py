"""With SENTRY_DSN set, an error in a request reaches the error-reporting service, tagged with
the request id and without personal data; without it nothing is sent."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs in its own process: settings read SENTRY_DSN once, at start.
FAILING_REQUEST = """
from unittest import mock

import django

django.setup()
import sentry_sdk
from django.test import Client

with mock.patch("survey.views.bank_current", side_effect=RuntimeError("boom")):
    reply = Client(raise_request_exception=False).get(
        "/", headers={"X-Request-ID": "probe-err-0001", "Cookie": "sessionid=secret-cookie"}
    )
sentry_sdk.flush(timeout=5)
print(reply.status_code, sentry_sdk.get_client().is_active())
"""


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # the SDK compresses with it when it is installed

            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def run_failing_request(dsn: str, tmp_path: Path) -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cspi.settings",
        "CSPI_VAR_DIR": str(tmp_path),
        "SENTRY_DSN": dsn,
        "ALLOWED_HOSTS": "testserver",
    }
    environment.pop("DATABASE_URL", None)  # the landing page needs no database here
    done = subprocess.run(
        [sys.executable, "-c", FAILING_REQUEST],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_an_error_is_reported_with_its_request_id_and_no_cookies(tmp_path: Path) -> None:
    Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
        assert run_failing_request(dsn, tmp_path) == "500 True"
    finally:
        server.shutdown()

    events = [
        json.loads(item)
        for envelope in Collector.received
        for item in envelope.split(b"\n")
        if item.startswith(b"{") and b'"exception"' in item
    ]
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["value"] == "boom"
    assert event["tags"]["request_id"] == "probe-err-0001"
    assert "secret-cookie" not in json.dumps(event)


def test_without_a_dsn_error_reporting_is_off(tmp_path: Path) -> None:
    assert run_failing_request("", tmp_path) == "500 False"
