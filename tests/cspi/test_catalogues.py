"""The catalogues are complete: makemessages, run on the code as it is, finds no text missing
from them, untranslated or fuzzy, and each compiled .mo says exactly what its .po says."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

LANGUAGES = ("de", "fr", "es")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed catalogues brought up to date with the code, by makemessages run in a copy
    of the project (it writes where it finds the sources)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is missing: .ci/run installs it (Debian package gettext).")
        pytest.skip("GNU gettext (xgettext, msgattrib) is not installed here.")
    copy = tmp_path_factory.mktemp("project") / "project"
    shutil.copytree(
        REPO, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "*.pyc", "__pycache__")
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v", "0"]
        + [f"--locale={language}" for language in LANGUAGES],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cspi.settings"},
    )
    return copy / "locale"


def _entries(po: Path, *flags: str) -> str:
    found = subprocess.run(
        ["msgattrib", *flags, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    entries = [line for line in found.splitlines() if line.startswith(("msgid", "#:"))]
    return "\n".join(line for line in entries if line != 'msgid ""')  # not the header


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated(extracted: Path, language: str) -> None:
    po = extracted / language / "LC_MESSAGES" / "django.po"
    assert _entries(po, "--untranslated") == ""
    assert _entries(po, "--only-fuzzy") == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(tmp_path: Path, language: str) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed here.")
    folder = REPO / "locale" / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    # --check: every translation keeps its text's placeholders (%(name)s, %%), and plural forms.
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(folder / "django.po")], check=True)
    with (folder / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        assert (
            vars(gettext.GNUTranslations(committed))["_catalog"]
            == vars(gettext.GNUTranslations(compiled))["_catalog"]
        )  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_has_a_percent_sign_the_pages_would_misread(language: str) -> None:
    """Our pages format every text they translate ("%%" for a percent sign), so a lone "%"
    in a translation would break the page that shows it."""
    with (REPO / "locale" / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = vars(gettext.GNUTranslations(compiled))["_catalog"]
    lone = [
        text
        for key, text in catalogue.items()
        if key != "" and "%" in re.sub(r"%\([a-z_0-9]+\)[sd]|%%|%[sd]", "", text)
    ]
    assert lone == []
