"""The PDF report: the document's data (reports/document.py) through a Jinja2 template, then
WeasyPrint.

WeasyPrint fetches whatever a document links to (stylesheets, images, fonts). Everything a user
or an admin types is escaped, so no such link can come from them; the fetcher is the second
line: it serves our own static files and `data:` URIs and refuses everything else, so no text
can ever make a render read a local file or reach the network.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from benchmarks.models import ResponseBenchmark
from reports.document import ReportDocument, report_document_for
from reports.progress import ProgressSection, progress_section_for
from responses.languages import language_override
from responses.models import Response
from roadmaps.selectors import RoadmapDocument, roadmap_document, targets_for

TEMPLATE = "reports/report.html"
# PDF/UA-1: tagged (headings, tables, lists, figures with their alt text), with the document's
# language and title; WeasyPrint embeds (subsets of) every font it uses.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class FetchRefused(ValueError):
    """A URL outside our static files; WeasyPrint logs it and renders without the resource."""


def report_pdf(*, response: Response, benchmark: ResponseBenchmark | None) -> bytes:
    """The benchmark report of a completed response, in the language it was answered in.
    `benchmark` is the stored comparison to print, as it stood when computed; None prints that
    no comparison was available."""
    with language_override(response.language):
        roadmap = roadmap_document(response=response)
        document = report_document_for(
            response=response, benchmark=benchmark, targets=targets_for(response=response)
        )
        progress = progress_section_for(response=response)
        return pdf_from_html(report_html(document=document, roadmap=roadmap, progress=progress))


def report_html(
    *,
    document: ReportDocument,
    roadmap: RoadmapDocument | None = None,
    progress: ProgressSection | None = None,
) -> str:
    """`roadmap`: the respondent's targets and milestones ("Your roadmap"); None prints none.
    `progress`: "Since your assessment of …" (reports/progress.py); None prints none. In the
    active language, which `document` was built in too."""
    context = {"doc": document, "roadmap": roadmap, "progress": progress}
    return get_template(TEMPLATE, using="jinja2").render(context)


def pdf_from_html(html: str) -> bytes:
    roots = static_roots()
    base_url = roots[0].as_uri() + "/"
    fetcher = StaticFilesFetcher(roots=roots)
    pdf = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(**PDF_OPTIONS)
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf


def static_roots() -> list[Path]:
    """Where our static files are, as resolved real paths: the source folders first (always
    current), then STATIC_ROOT (what collectstatic gathered)."""
    folders: list[str | os.PathLike[str]] = [
        entry[1] if isinstance(entry, tuple | list) else entry
        for entry in settings.STATICFILES_DIRS
    ]
    if settings.STATIC_ROOT:
        folders.append(settings.STATIC_ROOT)
    roots = [root for root in dict.fromkeys(Path(f).resolve() for f in folders) if root.is_dir()]
    if not roots:
        raise ImproperlyConfigured(
            "The PDF report needs static files: no STATICFILES_DIRS or STATIC_ROOT folder exists."
        )
    return roots


class StaticFilesFetcher(URLFetcher):
    """Serves `data:` URIs and files under our static roots; refuses every other URL.

    A `file://` URL inside a root, or one whose path starts with STATIC_URL (`/static/css/…`, as
    a page links it), is looked up in each root in turn. The match is made on the resolved real
    path, so neither `..` nor a symlink can lead out of a root. HTTP(S), FTP and other schemes
    are refused before anything is opened, so there is nothing to redirect.
    """

    def __init__(self, *, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.static_file(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
                )
        raise FetchRefused(f"Not one of our static files: {url[:200]}")

    def static_file(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        wanted = Path(url2pathname(parts.path))
        # The name of the file inside a static folder, whichever root the URL was made against.
        names = [wanted.relative_to(root) for root in self.roots if wanted.is_relative_to(root)]
        static_url = "/" + settings.STATIC_URL.strip("/") + "/"
        if parts.path.startswith(static_url):
            names.append(Path(url2pathname(parts.path[len(static_url) :])))
        for name in names:
            for root in self.roots:
                real = (root / name).resolve()
                if real.is_file() and any(real.is_relative_to(r) for r in self.roots):
                    return real
        return None
