"""The error for answers that cannot be scored."""

from __future__ import annotations


class ScoringError(ValueError):
    """An answer that cannot be scored; the message names the question (and the response)."""

    def __init__(
        self, question_number: int, problem: str, *, response_index: int | None = None
    ) -> None:
        where = f"Question {question_number}"
        if response_index is not None:
            where = f"Response {response_index}, question {question_number}"
        super().__init__(f"{where}: {problem}")
        self.question_number = question_number
        self.problem = problem
        self.response_index = response_index
