"""Django's makemessages, reading our Jinja2 pages as Jinja2.

Django extracts texts from its own template language; our pages (templates/) are Jinja2, whose
`{{ _("…") }}`, `ngettext(…)` and `{% trans %}` blocks Django's reader would miss or misread.
Each of those files is read by Jinja2's own extractor instead, and handed to xgettext as the
calls it found, each on its template line, so the catalogues point at the right place.
Everything else (Python, the admin's Django templates) goes through Django as usual.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

JINJA_TEMPLATES = Path(settings.BASE_DIR, "templates").resolve()


def jinja_calls_as_python(source: str) -> str:
    """The template's translatable texts as Python calls on their own lines."""
    lines: list[str] = []
    found = babel_extract(
        io.BytesIO(source.encode("utf-8")),
        keywords=("_", "gettext", "ngettext", "pgettext", "npgettext"),
        comment_tags=("Translators:",),
        # As the pages run them: newstyle gettext, whose block texts keep "%%" for a "%".
        options={"extensions": "jinja2.ext.i18n", "trimmed": "true", "newstyle_gettext": "true"},
    )
    for lineno, function, message, comments in found:
        while len(lines) < lineno - 1:
            lines.append("")
        if comments and len(lines) == lineno - 1 and lines and not lines[-1]:
            # xgettext keeps a "Translators:" comment on the line just above the call.
            lines[-1] = "# Translators: " + " ".join(" ".join(comments).split())
        arguments = message if isinstance(message, tuple) else (message,)
        texts = ", ".join(repr(text) if text is not None else "1" for text in arguments)
        call = {"_": "gettext"}.get(function, function)
        line = f"{call}({texts})"
        if len(lines) >= lineno:
            lines[-1] += f"; {line}"
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


class JinjaAwareBuildFile(makemessages.BuildFile):
    def preprocess(self) -> None:
        if Path(self.path).resolve().is_relative_to(JINJA_TEMPLATES) and self.domain == "django":
            source = Path(self.path).read_text(encoding="utf-8")
            Path(self.work_path).write_text(jinja_calls_as_python(source), encoding="utf-8")
            return
        super().preprocess()


class Command(makemessages.Command):
    build_file_class = JinjaAwareBuildFile

    def handle(self, *args: Any, **options: Any) -> None:
        # The virtualenv, the collected static files and the caches hold nothing of ours.
        options["ignore_patterns"] = [
            *options.get("ignore_patterns", []),
            ".venv/*",
            "var/*",
            "perf/*",
            "tests/*",
            "node_modules/*",
        ]
        super().handle(*args, **options)
