"""The PDF laid out as print: no table past the right margin, no page left holding a line or two
that spilled from the one before, long group labels wrapped rather than cut.

One report is laid out once for the whole module (a full comparison: every peer group shown,
an industry with a long name), and every check reads that layout or its PDF.
`CSPI_REPORT_PREVIEW=/tmp` keeps it as report_layout.pdf, e.g. for `pdftoppm -png -r 60`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from benchmarks.selectors import peer_index_forget
from benchmarks.services import benchmark_compute
from benchmarks.snapshots import pool_snapshot_refresh, snapshot_reads_forget
from reports.document import report_document_for
from reports.pdf import PDF_OPTIONS, StaticFilesFetcher, report_html, static_roots
from responses.bank_file import bank_file_read
from responses.selectors import bank_spec_for, frozen_caches_clear
from responses.services import bank_import
from tests.conftest import DEFAULT_BANK_FILE
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.reports.test_pdf_document import completed, preview

LONG_INDUSTRY = "Transportation and Logistics"
LONG_LABEL = f"Industry: {LONG_INDUSTRY}"
# The module's layout is made under django_db_blocker; the mark makes pytest-django create the
# test database for it.
pytestmark = pytest.mark.django_db
SPILL_SHARE = 0.2  # a page using less of its height than this, after the first, is a spill


@dataclass(frozen=True)
class LaidOut:
    pages: list  # WeasyPrint's pages
    texts: list[str]  # the PDF's text, page by page


@pytest.fixture(scope="module")
def laid_out(django_db_setup, django_db_blocker) -> Iterator[LaidOut]:
    """Example B against 12 peers in its own industry, ARR band and region: every group shown."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(BENCHMARK_K=5):
        frozen_caches_clear()
        peer_index_forget()
        bank, _ = bank_import(spec=bank_file_read(DEFAULT_BANK_FILE), publish=True)
        spec = bank_spec_for(bank=bank)
        shared = {4: "North America", 5: LONG_INDUSTRY, 7: "$100M – $500M"}
        for number in range(12):
            answers = {**(EXAMPLE_B if number % 2 else EXAMPLE_A), **shared}
            answers.update({10: str(90 + 3 * number), 12: str(10 + 4 * number)})
            completed(spec, answers, f"cs@peer{number}.example")
        me = completed(spec, {**EXAMPLE_B, **shared}, "bo@example.com")
        pool_snapshot_refresh()  # a comparison made now prints the outcomes by maturity
        document = report_document_for(response=me, benchmark=benchmark_compute(response=me))
        transaction.set_rollback(True)
    frozen_caches_clear()
    peer_index_forget()
    snapshot_reads_forget()
    roots = static_roots()
    html = HTML(
        string=report_html(document=document),
        base_url=roots[0].as_uri() + "/",
        url_fetcher=StaticFilesFetcher(roots=roots),
    )
    rendered = html.render()
    pdf = rendered.write_pdf(**PDF_OPTIONS)
    preview("report_layout.pdf", pdf)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    yield LaidOut(rendered.pages, texts)


def _body(page) -> Iterator[boxes.Box]:
    """Every box of the page's content, without the running headers and footers."""
    for child in page._page_box.children:
        if not isinstance(child, boxes.MarginBox):
            yield from child.descendants()


def _content_box(page) -> tuple[float, float, float]:
    box = page._page_box
    return box.content_box_x() + box.width, box.content_box_y(), box.height


def test_every_table_ends_inside_the_right_margin(laid_out):
    over = []
    for number, page in enumerate(laid_out.pages, start=1):
        right, _, _ = _content_box(page)
        for box in _body(page):
            if isinstance(box, boxes.TableBox | boxes.TableCellBox):
                edge = box.position_x + box.margin_width()
                if edge > right + 0.5:
                    over.append((number, box.element_tag, box.element.get("class"), edge - right))
    assert not over, over


def test_no_page_holds_only_a_few_spilled_lines(laid_out):
    used = []
    for page in laid_out.pages[1:]:
        _, top, height = _content_box(page)
        bottom = top
        for box in _body(page):
            if isinstance(box, boxes.LineBox | boxes.ReplacedBox | boxes.TableRowBox):
                bottom = max(bottom, box.position_y + box.margin_height())
        used.append((bottom - top) / height)
    spilled = [
        f"page {number}: {share:.0%}, {laid_out.texts[number - 1][:60]!r}"
        for number, share in enumerate(used, start=2)
        if share < SPILL_SHARE
    ]
    assert not spilled, spilled


def test_a_long_group_label_wraps_whole_in_charts_and_tables(laid_out):
    pillar_pages = [text for text in laid_out.texts if "Pillar 1 of 8" in text]
    everything = "".join(laid_out.texts)
    assert "…" not in everything
    squeezed = "".join(pillar_pages[0].split())
    # Once in the chart beside its row, once in the table below it.
    assert squeezed.count("".join(LONG_LABEL.split())) == 2


def test_the_outcomes_by_maturity_print_as_an_association_with_their_tables(laid_out):
    text = " ".join(" ".join(laid_out.texts).split())
    assert "13 organisations in the pool" in text
    assert "an association seen in the pool, not proof that maturity causes" in text
    assert "By overall CSPI score" in text and "Top quartile" in text
