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


def survey_pages(spec: BankSpec) -> tuple[SurveyPage, ...]:
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
