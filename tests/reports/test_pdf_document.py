"""The PDF report read back as a reader gets it: its text (pypdf), its metadata, and what it
fetched while rendering.

Set CSPI_REPORT_PREVIEW=/tmp to keep the PDFs of examples A and B (report_A.pdf, report_B.pdf)
for looking at, e.g. with `pdftoppm -png -r 60`.
"""

from __future__ import annotations

import io
import os
import random
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader

from benchmarks.groups import GroupKey
from benchmarks.models import ResponseBenchmark
from benchmarks.stored import comparison_from_json
from reports.pdf import (
    PDF_OPTIONS,
    FetchRefused,
    StaticFilesFetcher,
    pdf_from_html,
    report_pdf,
    static_roots,
)
from responses.models import Pillar, QuestionBank, Response
from responses.selectors import frozen_caches_clear
from responses.services import response_start
from scoring.bank import BankSpec
from scoring.standing import rank_text
from survey.services import response_complete
from tests.examples import EXAMPLE_A, EXAMPLE_B, Answers
from tests.survey.answering import stored_form

EXAMPLE_A_PILLARS = {
    "Alignment": ("3.03", "Undeveloped"),
    "Team": ("27.78", "Emerging"),
    "Segmentation": ("0.00", "Undeveloped"),
    "Playbook": ("33.33", "Emerging"),
    "Resources": ("15.00", "Undeveloped"),
    "Onboarding": ("25.00", "Emerging"),
    "Relationship": ("5.00", "Undeveloped"),
    "ROI": ("5.13", "Undeveloped"),
}
EXAMPLE_B_PILLARS = {
    "Alignment": ("59.60", "Expanding"),
    "Team": ("80.16", "Conquering"),
    "Segmentation": ("61.90", "Expanding"),
    "Playbook": ("83.33", "Conquering"),
    "Resources": ("41.25", "Emerging"),
    "Onboarding": ("58.33", "Expanding"),
    "Relationship": ("58.33", "Expanding"),
    "ROI": ("46.15", "Emerging"),
}
PILLAR_KEYS = tuple(key.lower() for key in EXAMPLE_A_PILLARS)
HOSTILE = (
    '<img src="file:///etc/passwd">',
    '<link rel=stylesheet href="http://127.0.0.1:{port}/x.css">',
    "<style>@import url(http://127.0.0.1:{port}/y.css); "
    "p {{ background: url(http://127.0.0.1:{port}/z.png) }}</style>",
    "<script>alert(1)</script>",
)


def completed(spec: BankSpec, answers: Answers, email: str) -> Response:
    """A response completed through the survey's own service (scores, pool, stored comparison)."""
    bank = QuestionBank.objects.get(key=spec.key, version=spec.version)
    response = response_start(bank=bank)
    stored = stored_form(spec, {**answers, 3: email})
    Response.objects.filter(pk=response.pk).update(answers=stored, email=email)
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def peers(spec: BankSpec) -> None:
    """12 peers, answers mixed from examples A and B: 8 in Software and SaaS, $1M – $5M, North
    America; 4 in Financial Services, $100M – $500M, Europe. So for example A every group shows
    except its region (4 in Europe), and for example B only its region (8 in North America)."""
    rng = random.Random(11)
    for number in range(12):
        small = number < 8
        answers: dict[int, str | list[str] | None] = {
            n: (EXAMPLE_A if rng.random() < 0.5 else EXAMPLE_B)[n] for n in EXAMPLE_A
        }
        answers.update(
            {
                4: "North America" if small else "Europe",
                5: "Software and SaaS" if small else "Financial Services",
                7: "$1M – $5M" if small else "$100M – $500M",
                10: rng.choice(["90", "104", "118", None]),
                12: rng.choice(["12", "30", "45", None]),
            }
        )
        completed(spec, answers, f"cs@peer{number}.example")


def stored_benchmark(response: Response) -> ResponseBenchmark:
    benchmark = ResponseBenchmark.objects.filter(response=response).first()
    assert benchmark is not None
    return benchmark


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeezed(text: str) -> str:
    return "".join(text.split())


def page_of(pages: list[str], marker: str) -> str:
    found = [text for text in pages if marker in text]
    assert found, f"no page has {marker!r}"
    return found[0]


def section(pages: list[str], heading: str, next_heading: str) -> str:
    """A section's text, from its heading to the next section's, whitespace-normalised. Headings
    are matched as whole lines after the contents page."""
    text = "\n".join(pages[2:])
    start = text.index(f"\n{heading}\n")
    return " ".join(text[start : text.index(f"\n{next_heading}\n", start)].split())


def preview(name: str, pdf: bytes) -> None:
    folder = os.environ.get("CSPI_REPORT_PREVIEW")
    if folder:
        Path(folder, name).write_bytes(pdf)


@pytest.fixture
def example_a(spec: BankSpec, settings) -> Response:
    settings.BENCHMARK_K = 5
    peers(spec)
    return completed(spec, EXAMPLE_A, "ada@example.com")


@pytest.fixture
def example_b(spec: BankSpec, settings) -> Response:
    settings.BENCHMARK_K = 5
    peers(spec)
    return completed(spec, EXAMPLE_B, "bo@example.com")


def test_example_a_prints_every_pillar_score_and_bucket_and_the_overall(example_a):
    pdf = report_pdf(response=example_a, benchmark=stored_benchmark(example_a))
    preview("report_A.pdf", pdf)
    pages = pages_text(pdf)
    summary = page_of(pages, "Executive summary\n")
    assert "14.28" in summary and "Undeveloped" in summary
    for number, (name, (score, bucket)) in enumerate(EXAMPLE_A_PILLARS.items(), start=1):
        page = page_of(pages, f"Pillar {number} of 8")
        assert name in page and score in page and bucket in page
    assert "strongest pillar\nplaybook" in summary.lower()
    assert "weakest pillar\nsegmentation" in summary.lower()


def test_example_b_prints_every_pillar_score_and_bucket_and_the_overall(example_b):
    pdf = report_pdf(response=example_b, benchmark=stored_benchmark(example_b))
    preview("report_B.pdf", pdf)
    pages = pages_text(pdf)
    summary = page_of(pages, "Executive summary\n")
    assert "61.13" in summary and "Expanding" in summary
    for number, (name, (score, bucket)) in enumerate(EXAMPLE_B_PILLARS.items(), start=1):
        page = page_of(pages, f"Pillar {number} of 8")
        assert name in page and score in page and bucket in page


def test_a_step_names_the_bucket_it_reaches(example_a):
    # Example A, one rung at a time: Playbook's next rung reaches 50.00, Expanding; no single
    # change lifts Segmentation out of Undeveloped, so its step names no bucket.
    pages = pages_text(report_pdf(response=example_a, benchmark=stored_benchmark(example_a)))
    playbook = squeezed(page_of(pages, "Pillar 4 of 8"))
    assert squeezed("Playbook would reach 50.00 (+16.67), Expanding.") in playbook
    segmentation = squeezed(page_of(pages, "Pillar 3 of 8"))
    assert squeezed("Segmentation would reach 16.67 (+16.67).") in segmentation


def test_pillar_pages_print_the_stored_peer_quartiles_of_every_shown_group(example_a):
    benchmark = stored_benchmark(example_a)
    comparison = comparison_from_json(benchmark.comparison)
    pages = pages_text(report_pdf(response=example_a, benchmark=benchmark))
    everyone = comparison.group(GroupKey.ALL).overall
    assert everyone is not None
    overview = squeezed(page_of(pages, "Your pillars against peers\n"))
    assert f"Overall14.28Undeveloped{everyone.p25:.2f}{everyone.median:.2f}" in overview
    shown = [group for group in comparison.groups if group.enough_peers]
    assert {group.key for group in shown} == {GroupKey.ALL, GroupKey.INDUSTRY, GroupKey.ARR_BAND}
    for number, key in enumerate(PILLAR_KEYS, start=1):
        page = squeezed(page_of(pages, f"Pillar {number} of 8"))
        for group in shown:
            assert group.pillars is not None
            stats = group.pillars[key]
            row = (
                f"{squeezed(group.label)}{group.n}{stats.p25:.2f}{stats.median:.2f}{stats.p75:.2f}"
            )
            assert row in page, (key, group.key)
            assert stats.percentile_rank is not None
            assert squeezed(rank_text(stats.percentile_rank)) in page


def test_a_withheld_group_says_fewer_than_k_peers_and_prints_no_number(example_a):
    benchmark = stored_benchmark(example_a)
    region = comparison_from_json(benchmark.comparison).group(GroupKey.REGION)
    assert not region.enough_peers and region.label == "Region: Europe"
    pages = pages_text(report_pdf(response=example_a, benchmark=benchmark))
    for number in range(1, 9):
        page = page_of(pages, f"Pillar {number} of 8")
        line = next(line for line in page.splitlines() if line.startswith("Region: Europe"))
        assert line == "Region: Europe fewer than 5 organisations"
    summary = " ".join(page_of(pages, "Executive summary\n").split())
    assert "The group Region: Europe has fewer than 5 organisations and is not shown" in summary


def test_a_pool_under_k_prints_no_statistic_and_says_so(spec, settings):
    settings.BENCHMARK_K = 5
    for number in range(4):
        completed(spec, EXAMPLE_B, f"cs@few{number}.example")
    me = completed(spec, EXAMPLE_A, "ada@example.com")
    benchmark = stored_benchmark(me)
    assert benchmark.pool_size is None

    pages = pages_text(report_pdf(response=me, benchmark=benchmark))

    summary = " ".join(page_of(pages, "Executive summary\n").split())
    assert "the peer pool held fewer than 5 organisations: too few for any peer" in summary
    assert "Your pillars at a glance\n" in pages[3]
    for number in range(1, 9):
        page = page_of(pages, f"Pillar {number} of 8")
        rows = [line for line in page.splitlines() if line.endswith("fewer than 5 organisations")]
        assert [row.split(" fewer")[0] for row in rows] == [
            "All respondents",
            "Industry: Software and SaaS",
            "ARR: $1M – $5M",
            "Region: Europe",
        ]


def test_kpis_unknown_stay_unknown_and_definitions_are_printed(example_a):
    pages = pages_text(report_pdf(response=example_a, benchmark=stored_benchmark(example_a)))
    kpis = section(pages, "Your KPIs against peers", "KPIs to start tracking")
    assert "Net revenue retention · yours: 96 %" in kpis
    assert "Customer retention rate · yours: unknown" in kpis
    assert "Net Promoter Score · yours: unknown" in kpis
    assert "Customers per CSM · yours: 60" in kpis
    assert "Percentage of promoters − percentage of detractors" in kpis
    tracking = section(pages, "KPIs to start tracking", "Methodology")
    assert "Segmentation" in tracking and "Cohort retention analysis" in tracking


def test_without_a_comparison_the_report_says_so_plainly(example_a):
    pages = pages_text(report_pdf(response=example_a, benchmark=None))
    summary = " ".join(page_of(pages, "Executive summary\n").split())
    assert "No peer comparison was available when this report was made" in summary
    assert "14.28" in summary
    for number in range(1, 9):
        page = page_of(pages, f"Pillar {number} of 8")
        assert "No peer comparison was available for this report." in page
        assert "Median" not in page and "fewer than" not in page


def test_the_pdf_is_tagged_with_title_language_page_numbers_and_embedded_fonts(example_a):
    pdf = report_pdf(response=example_a, benchmark=stored_benchmark(example_a))
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == "Customer Success Performance Index — benchmark report"
    root = cast(Any, reader.trailer["/Root"])
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    total = len(reader.pages)
    assert total >= 12
    for number, page in enumerate(reader.pages[1:], start=2):
        assert f"Page {number} of {total}" in page.extract_text()
    fonts = {
        font.get_object()["/BaseFont"]: font.get_object()
        for page in reader.pages
        for font in cast(Any, page["/Resources"])["/Font"].values()
    }
    assert fonts
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_contents_give_page_numbers_of_each_section(example_a):
    pages = pages_text(report_pdf(response=example_a, benchmark=stored_benchmark(example_a)))
    contents = page_of(pages, "Contents\n")
    summary_page = next(i for i, text in enumerate(pages, 1) if "Executive summary\n" in text)
    assert re.search(rf"Executive summary[ .]*{summary_page}\b", contents)
    method_page = next(i for i, text in enumerate(pages, 1) if "Methodology\nScores" in text)
    assert re.search(rf"Methodology[ .]*{method_page}\b", contents)


# --- Hostile text -------------------------------------------------------------------------


class Listener:
    """A local TCP port that records every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the report's fetcher for."""
    calls: list[str] = []
    original = StaticFilesFetcher.fetch

    def recording(self, url, headers=None):
        calls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", recording)
    return calls


def is_ours(url: str) -> bool:
    if url.startswith("data:"):
        return True
    roots = static_roots()
    return url.startswith("file://") and any(url[7:].startswith(f"{root}/") for root in roots)


def test_hostile_names_and_bank_text_print_literally_and_fetch_nothing(
    spec, settings, listener, fetched
):
    settings.BENCHMARK_K = 5
    hostile = [text.format(port=listener.port) for text in HOSTILE]
    Pillar.objects.filter(bank__key=spec.key, key="segmentation").update(name=hostile[0])
    # A pillar's name holds at most 80 characters (PostgreSQL enforces it): the long one goes
    # in the description.
    Pillar.objects.filter(bank__key=spec.key, key="roi").update(
        name=f"ROI {hostile[1]}", description=hostile[2]
    )
    frozen_caches_clear()
    peers(spec)
    response = completed(spec, EXAMPLE_A, "eve@example.com")
    response.answers["1"] = f"{hostile[0]} {hostile[3]}"  # the name, as typed
    Response.objects.filter(pk=response.pk).update(answers=response.answers)
    response.refresh_from_db()

    pdf = report_pdf(response=response, benchmark=stored_benchmark(response))
    preview("report_hostile.pdf", pdf)

    text = squeezed("".join(pages_text(pdf)))
    for piece in hostile:
        assert squeezed(piece) in text
    assert listener.connections == 0
    assert fetched, "the stylesheet and the charts go through the fetcher"
    assert all(is_ours(url) for url in fetched), fetched
    assert any(url.endswith("/css/report.css") for url in fetched)


def test_the_fetcher_serves_static_files_and_data_and_refuses_the_rest(tmp_path, listener):
    outside = tmp_path / "secret.css"
    outside.write_text("p { color: red }")
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "ok.css").write_text("p { color: green }")
    (root / "css" / "link.css").symlink_to(outside)
    fetcher = StaticFilesFetcher(roots=[root])

    assert fetcher.fetch((root / "css" / "ok.css").as_uri()).read() == b"p { color: green }"
    assert fetcher.fetch("file:///static/css/ok.css").content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in (
        f"http://127.0.0.1:{listener.port}/x.css",
        f"https://127.0.0.1:{listener.port}/x.css",
        f"ftp://127.0.0.1:{listener.port}/x.css",
        "file:///etc/passwd",
        outside.as_uri(),
        f"{root.as_uri()}/css/../../secret.css",
        f"{root.as_uri()}/css/link.css",
        "file:///static/../../../etc/passwd",
        "file:///static//etc/passwd",
        f"file://127.0.0.1{root}/css/ok.css",
        "css/ok.css",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert listener.connections == 0


def test_a_document_that_links_outside_still_renders_without_fetching(listener, fetched, caplog):
    port = listener.port
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
        f"<style>@import url(http://127.0.0.1:{port}/y.css);"
        f" p {{ background: url(http://127.0.0.1:{port}/z.png) }}</style></head>"
        '<body><p>still here</p><img src="file:///etc/passwd" alt="x">'
        f'<img src="http://127.0.0.1:{port}/i.png" alt="y"></body></html>'
    )
    pdf = pdf_from_html(html)
    assert "still here" in pages_text(pdf)[0]
    assert listener.connections == 0
    assert set(fetched) == {
        f"http://127.0.0.1:{port}/x.css",
        f"http://127.0.0.1:{port}/y.css",
        f"http://127.0.0.1:{port}/z.png",
        "file:///etc/passwd",
        f"http://127.0.0.1:{port}/i.png",
    }
    refused = [
        r.getMessage() for r in caplog.records if "Not one of our static files" in r.getMessage()
    ]
    assert len(refused) >= len(set(fetched))


def test_report_renders_with_static_root_only(example_a, settings, tmp_path):
    """A deployment with collected static files and no source folder still finds the CSS."""
    (tmp_path / "css").mkdir()
    source = Path(settings.BASE_DIR) / "static" / "css" / "report.css"
    (tmp_path / "css" / "report.css").write_bytes(source.read_bytes())
    settings.STATICFILES_DIRS = []
    settings.STATIC_ROOT = str(tmp_path)
    assert static_roots() == [tmp_path.resolve()]
    pdf = report_pdf(response=example_a, benchmark=stored_benchmark(example_a))
    assert "Page 2 of" in pages_text(pdf)[1]
    assert PDF_OPTIONS["pdf_variant"] == "pdf/ua-1"


def test_radar_revenue_at_stake_and_kpis_to_track_follow_the_answers(example_a):
    benchmark = stored_benchmark(example_a)
    lead = comparison_from_json(benchmark.comparison).group(GroupKey.ALL)
    assert lead.pillars is not None and lead.kpis is not None
    pages = pages_text(report_pdf(response=example_a, benchmark=benchmark))

    overview = squeezed(page_of(pages, "Your pillars against peers\n"))
    assert squeezed(f"Segmentation0.00{lead.pillars['segmentation'].median:.2f}") in overview

    revenue = section(pages, "Revenue at stake", "KPIs to start tracking")
    nrr = lead.kpis["nrr"]
    assert nrr is not None
    assert "AN ILLUSTRATION, NOT A FORECAST" in revenue.upper()
    assert "ARR × (rate ÷ 100)^t" in revenue and "the midpoint of your band, $1M – $5M" in revenue
    assert f"median of {nrr.median.normalize():f}" in revenue or f"{nrr.median:.2f}" in revenue

    tracking = section(pages, "KPIs to start tracking", "Methodology")
    # Retention was unknown and nothing says it is measured; NPS was unknown, but question 33
    # says it is measured: it is not advised.
    assert "The figures you could not give" in tracking
    assert "Customer retention rate Renewal Lagging Quarterly, the executive review" in tracking
    assert "Net Promoter Score Advocacy" not in tracking
    assert "Cohort retention analysis Renewal Lagging Monthly, leadership" in tracking


def test_the_methodology_says_peers_are_organisations_within_the_window(example_a, settings):
    settings.BENCHMARK_WINDOW_MONTHS = 18
    pages = pages_text(report_pdf(response=example_a, benchmark=stored_benchmark(example_a)))
    method = " ".join(page_of(pages, "Methodology\nScores").split())

    assert "Peers are organisations, not people" in method
    assert "never counts your own organisation among your peers" in method
    assert "completed within the 18 months before the comparison count" in method
