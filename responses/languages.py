"""The languages the product speaks, and the one home of which language a page is made in.

- A visitor's pages speak the language they chose on the landing page (a cookie), else their
  browser's first known preference, else English (Django's LocaleMiddleware reads both).
- A response keeps the language it was started in (`Response.language`). Every page, e-mail and
  PDF about it speaks that language: reading a response by its private link activates it
  (`responses.selectors.response_by_token`), the worker renders under it (`language_override`).
- A campaign has a default language, which its invitations are written in and its start page
  offers first.
- An unknown code (a hand-made link, an old cookie, `Accept-Language: xx`) is never an error:
  it falls back to English.

Scores never depend on the language: answers are stored as option codes and profile answers in
the bank's own (English) words, whatever language they were given in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import dateformat, timezone, translation
from django.utils.formats import number_format

DEFAULT_LANGUAGE = "en"


def language_codes() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


# Codes as they come (a cookie, a response's field, Django's active language) and the code we
# speak for each: every page asks several times, so each answer is worked out once.
_known: dict[str | None, str] = {}


def language_choices() -> list[tuple[str, str]]:
    """(code, name in its own language) for pickers: "Deutsch", never "German"."""
    return list(settings.LANGUAGES)


def language_known(code: str | None) -> str:
    """The code if we speak it ("de-AT" and "DE" read as "de"), else English."""
    known = _known.get(code)
    if known is not None:
        return known
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    known = base if base in language_codes() else DEFAULT_LANGUAGE
    if len(_known) < 256:  # codes typed into a cookie could be anything: keep a few
        _known[code] = known
    return known


def language_active() -> str:
    return language_known(translation.get_language())


def language_activate(code: str | None) -> str:
    """Makes the rest of this request (or task) speak the language; returns the code used."""
    known = language_known(code)
    translation.activate(known)
    return known


def campaign_language_activate(request: HttpRequest, campaign: Any) -> str:
    """A campaign's pages open in its default language, unless the visitor picked one (the
    picker's cookie)."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in language_codes():
        return language_active()
    return language_activate(campaign.language)


# Texts of our pages by language: a page shows the same few dozen texts on every request, and a
# dictionary read is cheaper than Django's lookup through the active catalogue each time.
_page_texts: dict[tuple[str | None, str], str] = {}


def page_gettext(message: str) -> str:
    """Django's gettext, remembered per language (the catalogues never change in a process)."""
    key = (translation.get_language(), message)
    text = _page_texts.get(key)
    if text is None:
        text = _page_texts[key] = translation.gettext(message)
    return text


@contextmanager
def language_override(code: str | None) -> Iterator[str]:
    """For a worker or an e-mail: the block speaks the language, the one before is restored."""
    known = language_known(code)
    with translation.override(known):
        yield known


# The date patterns templates ask for, as each language writes them (Django's own catalogues
# give the month names): "4 December 2026", "4. Dezember 2026", "4 décembre 2026",
# "4 de diciembre de 2026".
DATE_PATTERNS: dict[str, dict[str, str]] = {
    "j F Y": {"de": "j. F Y", "es": r"j \d\e F \d\e Y"},
    "j F Y, H:i": {"de": "j. F Y, H:i", "es": r"j \d\e F \d\e Y, H:i"},
    "j F Y, H:i e": {"de": "j. F Y, H:i e", "es": r"j \d\e F \d\e Y, H:i e"},
    "j M Y": {"de": "j. M Y"},
    "j M Y H:i": {"de": "j. M Y, H:i", "fr": "j M Y, H:i", "es": "j M Y, H:i"},
    "j M": {"de": "j. M"},
}


def date_text(value: Any, format_string: str) -> str:
    """A datetime in the local time zone, or a plain date as it is, written the way the page's
    language writes dates."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    pattern = DATE_PATTERNS.get(format_string, {}).get(language_active(), format_string)
    return dateformat.format(value, pattern)


def number_localised(value: Decimal, *, grouping: bool = True) -> str:
    """A number with the active language's decimal mark (and, with `grouping`, its thousands
    separator), keeping exactly its places."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=grouping)


def translations_install() -> None:
    """Gives the pure scoring layer Django's translations and number formats (scoring.words)."""
    from scoring import words

    words.translations_install(
        gettext_function=translation.gettext,
        ngettext_function=translation.ngettext,
        number_function=number_localised,
        profile_function=profile_text_localised,
    )


def profile_text_localised(role: str, text: str) -> str:
    """A kept profile answer in the published bank's translation into the active language."""
    if language_active() == DEFAULT_LANGUAGE:
        return text
    from responses.bank_texts import profile_texts_shown  # it reads the banks

    return profile_texts_shown(role).get(text, text)
