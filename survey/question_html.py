"""One survey question as HTML, for a given state (what is ticked or typed, and any error).

The HTML of a choice question depends on nothing else but the page's language (the words
around it, such as "Choose all that apply."), so it is memoised per process and language: most
page views show it in a state seen before (blank, or a common choice), and rendering option
lists is the largest cost of a survey page. Questions answered with typed text or numbers are
cheap to render and are not kept, so respondents' own words stay out of the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.template import engines
from markupsafe import Markup

from responses.answers import number_shown
from responses.languages import language_active
from scoring.bank import CHOICE_KINDS, QuestionSpec


@dataclass(frozen=True, slots=True)
class QuestionOnPage:
    spec: QuestionSpec
    chosen: frozenset[str] = frozenset()
    typed: str = ""
    unknown: bool = False
    error: str | None = None

    @property
    def min_text(self) -> str:
        return number_shown(self.spec.min_value)

    @property
    def max_text(self) -> str:
        return number_shown(self.spec.max_value)


def question_html(question: QuestionOnPage) -> Markup:
    if question.spec.kind in CHOICE_KINDS:
        return _choice_question_html(question, language_active())
    return _render(question)


@lru_cache(maxsize=4096)
def _choice_question_html(question: QuestionOnPage, language: str) -> Markup:
    """`language` is the active one, only a part of the key: the HTML's words are in it."""
    return _render(question)


def _render(question: QuestionOnPage) -> Markup:
    # Jinja2 escapes every value in the template; the result is marked safe as a whole.
    template = engines["jinja2"].get_template("survey/includes/question.html")
    return Markup(template.render({"q": question}))
