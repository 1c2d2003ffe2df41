from fractions import Fraction

import pytest

from scoring.scores import ScoringError, question_score
from tests.scoring import default_bank, option_code


def score_of(number: int, value: object) -> Fraction:
    question = default_bank().question(number)
    assert question is not None
    return question_score(question, value)


def code(number: int, text: str) -> int:
    return option_code(default_bank(), number, text)


@pytest.mark.parametrize(
    ("number", "texts", "expected"),
    [
        # single: points ÷ 3
        (15, "No manager, just front-line CSMs", Fraction(0)),
        (15, "Manager who reports to a C-level executive in the company", Fraction(1, 2)),
        (15, "Chief Customer Officer", Fraction(1)),
        (26, "Customer resources are managed by other departments", Fraction(1, 4)),
        # max: the highest chosen points ÷ 3
        (23, ["We have documented processes that all CSMs use"], Fraction(1, 3)),
        (
            23,
            [
                "We have documented processes that all CSMs use",
                "We have partners who are following our documented customer success processes",
            ],
            Fraction(1),
        ),
        (23, ["We don't have standardized customer success processes"], Fraction(0)),
        # sum: chosen points ÷ all points (Q16 adds up to 11)
        (16, ["None of these"], Fraction(0)),
        (
            16,
            ["Our company's variable compensation plan is coordinated across teams"],
            Fraction(2, 11),
        ),
        (32, ["They have a technical question", "We want them to buy something"], Fraction(1, 10)),
    ],
)
def test_question_score_follows_its_scoring_rule(
    number: int, texts: str | list[str], expected: Fraction
) -> None:
    value = (
        [code(number, text) for text in texts] if isinstance(texts, list) else code(number, texts)
    )

    assert score_of(number, value) == expected


def test_all_options_of_a_sum_question_score_one() -> None:
    question = default_bank().question(33)
    assert question is not None

    codes = [option.code for option in question.options if not option.exclusive]

    assert question_score(question, codes) == 1


@pytest.mark.parametrize(
    ("number", "value", "message"),
    [
        (16, [1699], "Question 16: option 1699 is not in this question's options"),
        (15, 1699, "Question 15: option 1699 is not in this question's options"),
        (15, 1601, "Question 15: option 1601 is not in this question's options"),
        (15, "1501", "Question 15: expected one option code, got '1501'"),
        (15, True, "Question 15: expected one option code, got True"),
        (15, 1501.0, "Question 15: expected one option code, got 1501.0"),
        (15, [1501], "Question 15: expected one option code, got [1501]"),
        (16, 1602, "Question 16: expected a list of option codes, got 1602"),
        (16, ["1602"], "Question 16: expected a list of option codes, got ['1602']"),
        (16, [], "Question 16: no option chosen; choose at least one"),
        (16, [1601, 1602], "Question 16: “None of these” cannot be combined with other options"),
        (
            23,
            [2301, 2304],
            "Question 23: “We don't have standardized customer success processes” cannot be "
            "combined with other options",
        ),
    ],
)
def test_answers_that_cannot_be_scored_are_refused_naming_the_question(
    number: int, value: object, message: str
) -> None:
    with pytest.raises(ScoringError) as raised:
        score_of(number, value)

    assert str(raised.value) == message
    assert raised.value.question_number == number


def test_an_unscored_kind_of_question_is_refused() -> None:
    question = default_bank().question(8)
    assert question is not None

    with pytest.raises(ScoringError, match="Question 8: integer questions cannot be scored"):
        question_score(question, 120)
