import random
from collections.abc import Callable

import numpy as np
import pytest

from scoring.bank import BankSpec, Scoring
from scoring.scores import ScoringError, response_score
from scoring.vectorised import (
    _layout_for,
    encode_answers,
    encode_codes,
    scores_many,
)
from tests.scoring import (
    EXAMPLE_A,
    EXAMPLE_B,
    default_bank,
    extreme_answers,
    halves_bank,
    made_up_bank,
    multi,
    overall_halves_bank,
    random_answers,
    single,
    stored_answers,
)


def wide_denominators_bank() -> BankSpec:
    """Pillars whose score denominators are large coprime numbers: their lcm passes int64."""
    totals = [2999, 2997, 2993, 2989, 2983, 2981]
    return made_up_bank(
        [
            multi(number, f"p{number}", ["0", "0.001", f"{(total - 1) / 1000:.3f}"], Scoring.SUM)
            for number, total in enumerate(totals, start=1)
        ],
        key="wide",
    )


def assert_same_as_scalar(spec: BankSpec, answers_list: list[dict[str, object]]) -> int:
    """Compares every score and bucket; returns how many exact scores were halves (x.xx5)."""
    matrix = scores_many(spec=spec, encoded=encode_answers(spec=spec, answers_list=answers_list))

    bucket_keys = [bucket.key for bucket in spec.buckets]
    halves = 0
    for row, answers in enumerate(answers_list):
        scalar = response_score(spec=spec, answers=answers)
        exact = [pillar.exact for pillar in scalar.pillars] + [scalar.overall_exact]
        halves += sum((100 * value).denominator == 2 for value in exact)
        assert list(matrix.pillar_hundredths[row]) == [int(p.score * 100) for p in scalar.pillars]
        assert matrix.overall_hundredths[row] == int(scalar.overall * 100)
        assert [bucket_keys[i] for i in matrix.pillar_bucket_index[row]] == [
            pillar.bucket.key for pillar in scalar.pillars
        ]
        assert bucket_keys[matrix.overall_bucket_index[row]] == scalar.overall_bucket.key
    return halves


@pytest.mark.parametrize(
    ("make_spec", "count", "least_halves"),
    [
        (default_bank, 3000, 0),
        (halves_bank, 3000, 1000),
        (overall_halves_bank, 1000, 300),
        (wide_denominators_bank, 500, 0),
    ],
    ids=["default_bank", "halves_bank", "overall_halves_bank", "int64_overflow_bank"],
)
def test_many_random_responses_score_exactly_as_one_by_one(
    make_spec: Callable[[], BankSpec], count: int, least_halves: int
) -> None:
    spec = make_spec()
    rng = random.Random(20240611)

    halves = assert_same_as_scalar(spec, [random_answers(spec, rng) for _ in range(count)])

    assert halves >= least_halves  # the made-up banks do test rounding of halves


def test_worked_examples_and_extremes_score_as_one_by_one() -> None:
    spec = default_bank()
    answers_list = [
        stored_answers(spec, EXAMPLE_A),
        stored_answers(spec, EXAMPLE_B),
        extreme_answers(spec, best=False),
        extreme_answers(spec, best=True),
    ]

    matrix = scores_many(spec=spec, encoded=encode_answers(spec=spec, answers_list=answers_list))

    assert list(matrix.overall_hundredths) == [1428, 6113, 0, 10000]
    assert matrix.pillar_hundredths[0].tolist() == [303, 2778, 0, 3333, 1500, 2500, 500, 513]
    assert matrix.pillar_keys == tuple(pillar.key for pillar in spec.pillars)
    assert assert_same_as_scalar(spec, answers_list) == 0


def test_int64_is_used_unless_the_bank_could_overflow_it() -> None:
    assert _layout_for(default_bank()).dtype is np.int64
    assert _layout_for(halves_bank()).dtype is np.int64
    assert _layout_for(wide_denominators_bank()).dtype is object


def test_no_responses_give_empty_scores() -> None:
    spec = default_bank()

    matrix = scores_many(spec=spec, encoded=encode_answers(spec=spec, answers_list=[]))

    assert matrix.pillar_hundredths.shape == (0, 8)
    assert matrix.overall_hundredths.shape == (0,)


@pytest.mark.parametrize(
    ("number", "value", "message"),
    [
        (16, [1699], "Response 2, question 16: option 1699 is not in bank cspi v1"),
        (15, 1699, "Response 2, question 15: option 1699 is not in bank cspi v1"),
        (15, "1501", "Response 2, question 15: expected one option code, got '1501'"),
        (15, 1501.0, "Response 2, question 15: expected one option code, got 1501.0"),
        (
            16,
            [1602, 1603.0],
            "Response 2, question 16: expected a list of option codes, got [1602, 1603.0]",
        ),
        (
            16,
            [1602, True],
            "Response 2, question 16: expected a list of option codes, got [1602, True]",
        ),
        (16, [[1602]], "Response 2, question 16: expected a list of option codes, got [[1602]]"),
        (16, [], "Response 2, question 16: no option chosen; choose at least one"),
        (16, 1602, "Response 2, question 16: expected a list of option codes, got 1602"),
        (16, [2**70], f"Response 2, question 16: option {2**70} is not in bank cspi v1"),
        (
            20,
            [2001, 2003],
            "Response 2, question 20: “None of these” cannot be combined with other options",
        ),
        (21, None, "Response 2, question 21: no answer, and the question is required"),
    ],
)
def test_encoding_refuses_what_the_scalar_path_refuses_naming_the_response(
    number: int, value: object, message: str
) -> None:
    spec = default_bank()
    good = stored_answers(spec, EXAMPLE_A)
    answers_list = [good, good, {**good, str(number): value}]

    with pytest.raises(ScoringError) as raised:
        encode_answers(spec=spec, answers_list=answers_list)

    assert str(raised.value) == message
    assert (raised.value.question_number, raised.value.response_index) == (number, 2)


def test_encoded_codes_round_trip_through_the_checked_constructor() -> None:
    spec = halves_bank()
    rng = random.Random(7)
    encoded = encode_answers(spec=spec, answers_list=[random_answers(spec, rng) for _ in range(50)])

    checked = encode_codes(spec=spec, codes=np.ascontiguousarray(encoded.codes))

    assert np.array_equal(checked.codes, encoded.codes)
    assert np.array_equal(
        scores_many(spec=spec, encoded=checked).overall_hundredths,
        scores_many(spec=spec, encoded=encoded).overall_hundredths,
    )


def _example_a_codes() -> np.ndarray:
    spec = default_bank()
    encoded = encode_answers(spec=spec, answers_list=[stored_answers(spec, EXAMPLE_A)] * 3)
    return np.array(encoded.codes)


# Columns of the default bank: Q15 is column 0 (single), Q16 columns 1–2 (11 options),
# Q20 column 6 (8 options, "None of these" is bit 0).
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (0, 7, "Response 1, question 15: an option position is not in bank cspi v1"),
        (0, 0, "Response 1, question 15: no answer, and the question is required"),
        (2, 0b1000, "Response 1, question 16: an option bit is not in bank cspi v1"),
        (6, 0b101, "Response 1, question 20: “None of these” cannot be combined with other"),
        (6, 0, "Response 1, question 20: no answer, and the question is required"),
    ],
)
def test_a_checked_code_matrix_refuses_invalid_rows(column: int, value: int, message: str) -> None:
    codes = _example_a_codes()
    codes[1, column] = value

    with pytest.raises(ScoringError, match=f"^{message}"):
        encode_codes(spec=default_bank(), codes=codes)


def test_codes_encoded_for_another_bank_are_refused() -> None:
    encoded = encode_answers(spec=default_bank(), answers_list=[])

    with pytest.raises(ValueError, match="not encoded for bank halves v1"):
        scores_many(spec=halves_bank(), encoded=encoded)


def test_a_pillar_with_no_answered_question_is_refused_on_both_paths() -> None:
    spec = made_up_bank(
        [
            single(1, "optional", ["0", "3"], required=False),
            single(2, "optional", ["0", "3"], required=False),
            single(3, "required", ["0", "3"]),
        ]
    )
    answers = {"3": 302}
    message = "no question of pillar 'optional' is answered"

    with pytest.raises(ScoringError, match=f"^Question 1: {message}"):
        response_score(spec=spec, answers=answers)
    with pytest.raises(ScoringError, match=f"^Response 1, question 1: {message}"):
        encode_answers(spec=spec, answers_list=[{**answers, "2": 201}, answers])
    with pytest.raises(ScoringError, match=f"^Response 0, question 1: {message}"):
        encode_codes(spec=spec, codes=[[0, 0, 2]])
    assert scores_many(
        spec=spec, encoded=encode_codes(spec=spec, codes=[[0, 2, 1], [1, 0, 2]])
    ).pillar_hundredths.tolist() == [[10000, 0], [0, 10000]]
