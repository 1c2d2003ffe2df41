"""The Jinja2 environment of our pages: Django's URLs, static files, messages and formats.

Pages are Jinja2 templates (Django admin and crispy-forms keep their own Django templates):
the survey page renders several times faster this way, measured in perf/survey_load.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from django.contrib.messages import get_messages
from django.template.defaultfilters import floatformat, pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from jinja2 import Environment, pass_context
from markupsafe import Markup

from benchmarks.outcomes import OUTCOME_KPIS
from benchmarks.selectors import benchmark_k
from responses.branding import brand_shown_for, consultant_shown
from responses.languages import date_text, language_active, language_choices, page_gettext
from responses.models import ConsultantBrand
from scoring.kpis import BENCHMARKED_KPIS, KPIS


@lru_cache(maxsize=128)
def asset(path: str) -> str:
    """A static file's URL; the manifest's hashed names are fixed for the life of a process."""
    return static(path)


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args) if args else _url_without_arguments(name)


@lru_cache(maxsize=64)
def _url_without_arguments(name: str) -> str:
    # Memoised: the layout asks for the same few links on every page.
    return reverse(name)


def date(value: Any, format_string: str) -> str:
    """A date as the page's language writes it (responses.languages.date_text)."""
    return date_text(value, format_string)


class KpiHeadings(Mapping[str, str]):
    """KPI headings by key, read in the page's language each time (scoring.words)."""

    def __getitem__(self, key: str) -> str:
        return KPIS[key].heading

    def __iter__(self) -> Iterator[str]:
        return iter(kpi.key for kpi in BENCHMARKED_KPIS)

    def __len__(self) -> int:
        return len(BENCHMARKED_KPIS)


def lazy_text_resolved(value: Any) -> Any:
    """Django's lazy texts (a form's help text, a translated label) as the text they stand for,
    so that one Django marked safe (the password rules' list) is not escaped into visible tags,
    and any other is escaped as usual."""
    return str(value) if isinstance(value, Promise) else value


def _page_campaign(context: Any) -> Any:
    """The consultant's campaign this page belongs to: the page's `campaign`, or its response's
    campaign; None on the public survey's pages."""
    campaign = context.get("campaign")
    response = context.get("response")
    if not campaign and getattr(response, "campaign_id", None):
        campaign = response.campaign
    return campaign or None


@pass_context
def campaign_brand(context: Any) -> ConsultantBrand | None:
    """The branding of the consultant whose campaign this page belongs to, if they set any;
    never on the consultants' own workspace, which stays ours."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "workspace":
        return None
    campaign = _page_campaign(context)
    return brand_shown_for(campaign.owner) if campaign else None


@pass_context
def privacy_asker(context: Any) -> dict[str, str] | None:
    """Who asked for the assessment on this page, when a consultant's campaign did: their name
    (and firm) and the client's, for the privacy line. None for the public survey."""
    campaign = _page_campaign(context)
    if not campaign:
        return None
    return {"who": consultant_shown(campaign.owner), "client": campaign.client_name}


# A text without values is the same Markup on every page in a language: made once.
_plain_texts: dict[tuple[str | None, str], Markup] = {}


def page_text(message: str, **values: Any) -> Markup:
    """`{{ _("…") }}` and `{% trans %}`: the catalogue's text (ours, so marked safe) with the
    values escaped into it; "%%" reads "%" whether or not there are values."""
    if values:
        return Markup(page_gettext(message)) % values
    key = (translation.get_language(), message)
    text = _plain_texts.get(key)
    if text is None:
        text = _plain_texts[key] = Markup(page_gettext(message)) % {}
    return text


# Plural texts by language and number: a page counts the same few things ("3 of 35 answered").
_plural_texts: dict[tuple[str | None, str, str, int], str] = {}


def page_text_plural(singular: str, plural: str, number: int, **values: Any) -> Markup:
    values.setdefault("num", number)
    key = (translation.get_language(), singular, plural, number)
    text = _plural_texts.get(key)
    if text is None:
        text = translation.ngettext(singular, plural, number)
        if len(_plural_texts) < 10_000:
            _plural_texts[key] = text
    return Markup(text) % values


def page_text_in_context(context: str, message: str, **values: Any) -> Markup:
    values.setdefault("context", context)
    return Markup(translation.pgettext(context, message)) % values


def page_text_plural_in_context(
    context: str, singular: str, plural: str, number: int, **values: Any
) -> Markup:
    values.setdefault("context", context)
    values.setdefault("num", number)
    return Markup(translation.npgettext(context, singular, plural, number)) % values


def environment(**options: Any) -> Environment:
    env = Environment(**options, extensions=["jinja2.ext.i18n"], finalize=lazy_text_resolved)
    # Texts: {{ _("Save") }}, {{ _("Question %(n)s", n=number) }}, {% trans %}…{% endtrans %};
    # values put into a text are escaped, the catalogues' own texts are ours (docs/languages.md).
    env.policies["ext.i18n.trimmed"] = True
    # Jinja's own newstyle callables go through the context on every call; ours do the same work
    # (translate, mark safe, fill in the escaped values, "%%" read as "%") directly.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(
        {
            "_": page_text,
            "gettext": page_text,
            "ngettext": page_text_plural,
            "pgettext": page_text_in_context,
            "npgettext": page_text_plural_in_context,
        }
    )
    env.globals["language_active"] = language_active
    env.globals["language_choices"] = language_choices
    env.globals.update({"asset": asset, "url": url, "get_messages": get_messages})
    env.globals.update({"privacy_asker": privacy_asker, "peer_k": benchmark_k})
    env.globals.update({"campaign_brand": campaign_brand, "consultant_shown": consultant_shown})
    # Every page names KPIs by the registry's words.
    env.globals["kpi_headings"] = KpiHeadings()
    env.globals["kpi_registry"] = KPIS
    env.globals["outcome_kpis"] = OUTCOME_KPIS
    env.filters.update({"date": date, "floatformat": floatformat, "pluralize": pluralize})
    return env
