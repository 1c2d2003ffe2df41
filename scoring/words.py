"""The words scoring writes (a rank, a KPI's label, a bucket's meaning) in the reader's language.

Scoring knows no Django and no language. Its texts are written in English, each in a call the
message catalogues are extracted from (`gettext`, `ngettext`, or `gettext_noop` for a constant
translated where it is read); the project installs Django's translation functions at start
(`translations_install`), so a text comes out in whatever language the page, PDF or API answer
is being made in. Without them (a script, a test of scoring alone) everything stays English.

Numbers are never touched here: a score is the same in every language, only how it reads
differs, and `number_text` is the one hook for that (decimal comma, grouping).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal


def _english(text: str) -> str:
    return text


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _english_number(value: Decimal) -> str:
    return f"{value:,f}"


def _bank_words(role: str, text: str) -> str:
    return text


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural
_number_text: Callable[[Decimal], str] = _english_number
_profile_text: Callable[[str, str], str] = _bank_words


def translations_install(
    *,
    gettext_function: Callable[[str], str],
    ngettext_function: Callable[[str, str, int], str],
    number_function: Callable[[Decimal], str],
    profile_function: Callable[[str, str], str] = _bank_words,
) -> None:
    """Called once when the project starts: texts and numbers in the active language."""
    global _gettext, _ngettext, _number_text, _profile_text
    _gettext, _ngettext, _number_text = gettext_function, ngettext_function, number_function
    _profile_text = profile_function


def gettext(text: str) -> str:
    """The text in the active language (English when no translation is installed or known)."""
    return _gettext(text)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _ngettext(singular, plural, count)


def gettext_noop(text: str) -> str:
    """Marks a constant for the catalogues; it is translated by `gettext` where it is read."""
    return text


def number_text(value: Decimal) -> str:
    """A number as it reads in the active language, with its places as given ("1,234.50" in
    English, "1.234,50" in German): separators only, never rounding."""
    return _number_text(value)


def profile_text(role: str, text: str) -> str:
    """A profile answer kept in the bank's own words ("Europe" for the role "region") as the
    bank's translation into the active language words it ("Europa"); as it is otherwise."""
    return _profile_text(role, text)
