"""The error for answers that cannot be scored."""

from __future__ import annotations

from scoring.words import gettext


class ScoringError(ValueError):
    """An answer that cannot be scored; the message names the question (and the response).

    A respondent may read it (an answer the survey cannot score: "Question 12: expected a
    number, got 'abc'"), so it is written in the language active when it is raised; `problem`
    is given in that language too by the code that raises it.
    """

    def __init__(
        self, question_number: int, problem: str, *, response_index: int | None = None
    ) -> None:
        if response_index is None:
            # Translators: %(problem)s says what is wrong with the answer to that question.
            message = gettext("Question %(number)s: %(problem)s") % {
                "number": question_number,
                "problem": problem,
            }
        else:
            # Translators: %(problem)s says what is wrong with the answer to that question.
            message = gettext("Response %(index)s, question %(number)s: %(problem)s") % {
                "index": response_index,
                "number": question_number,
                "problem": problem,
            }
        super().__init__(message)
        self.question_number = question_number
        self.problem = problem
        self.response_index = response_index
