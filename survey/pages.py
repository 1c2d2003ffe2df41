"""How a bank's questions fall into survey pages: consecutive questions sharing a section."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.bank import BankSpec, QuestionSpec


@dataclass(frozen=True, slots=True)
class SurveyPage:
    number: int
    title: str
    questions: tuple[QuestionSpec, ...]

    @property
    def question_numbers(self) -> set[int]:
        return {question.number for question in self.questions}


# Pages of the specs seen by this process, by id(); the spec itself is kept with them, so an
# id cannot be reused while its entry lives.
MAX_CACHED_SPECS = 32
_pages_by_spec: dict[int, tuple[BankSpec, tuple[SurveyPage, ...]]] = {}


def survey_pages(spec: BankSpec) -> tuple[SurveyPage, ...]:
    cached = _pages_by_spec.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    pages = _pages_of(spec)
    if len(_pages_by_spec) >= MAX_CACHED_SPECS:  # drafts make a new spec on every read
        _pages_by_spec.clear()
    _pages_by_spec[id(spec)] = (spec, pages)
    return pages


def first_page_with(pages: tuple[SurveyPage, ...], numbers: set[int]) -> SurveyPage | None:
    """The first page that asks any of these questions."""
    return next((page for page in pages if page.question_numbers & numbers), None)


def _pages_of(spec: BankSpec) -> tuple[SurveyPage, ...]:
    groups: list[tuple[str, list[QuestionSpec]]] = []
    for question in spec.questions:
        if groups and groups[-1][0] == question.section:
            groups[-1][1].append(question)
        else:
            groups.append((question.section, [question]))
    return tuple(
        SurveyPage(number=index, title=title, questions=tuple(questions))
        for index, (title, questions) in enumerate(groups, start=1)
    )
