"""Scoring many responses at once with numpy, to the same hundredth as `response_score`.

The arithmetic stays in integers, so halves round exactly as in the scalar path. For each
pillar, every question score is a whole numerator over one common denominator (the lcm of its
questions' denominators, weights scaled to whole numbers), and so is every pillar score over
the lcm of the pillar denominators for the overall score. Rounding half up is then one integer
floor division: (2 · 10000 · n + d) // (2 · d) hundredths.

Encoding: each scored question takes uint8 columns of `EncodedAnswers.codes`. A single question
takes one, holding the chosen option's 1-based position; a multi question takes one per eight
options, each a bit mask of the chosen ones (bit j of column c = option 8c + j). 0 everywhere
means unanswered. A per-column table of 256 numerators then turns a whole column into pillar
numerators with one gather: sums add up across columns, a `max` question takes the maximum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache, reduce
from typing import Any

import numpy as np
import numpy.typing as npt

from scoring.bank import MAX_POINTS, BankSpec, Kind, QuestionSpec, Scoring
from scoring.scores import (
    ScoringError,
    bank_label,
    chosen_options,
    option_points,
    pillar_questions,
    question_points_total,
)

INT64_MAX = int(np.iinfo(np.int64).max)
HUNDREDTHS = 10_000  # a score in hundredths is 100 (percent) × 100 (two decimals) × the mean
BITS = 8


@dataclass(frozen=True, slots=True)
class EncodedAnswers:
    """Answers of many responses for one bank, one row per response (see the module doc)."""

    bank: str
    codes: npt.NDArray[np.uint8]

    @property
    def count(self) -> int:
        return int(self.codes.shape[0])


@dataclass(frozen=True, slots=True)
class ScoreMatrix:
    """Scores of many responses; bucket indexes point into the bank's `buckets`."""

    pillar_keys: tuple[str, ...]
    pillar_hundredths: npt.NDArray[np.int64]  # (responses, pillars)
    overall_hundredths: npt.NDArray[np.int64]  # (responses,)
    pillar_bucket_index: npt.NDArray[np.intp]  # (responses, pillars)
    overall_bucket_index: npt.NDArray[np.intp]  # (responses,)


@dataclass(frozen=True, slots=True)
class _QuestionLayout:
    question: QuestionSpec
    first_column: int
    width: int
    weight: int  # the question's weight, scaled to a whole number within its pillar
    tables: npt.NDArray[Any]  # (width, 256): pillar numerator for each column value
    position_by_code: dict[int, int]
    exclusive_positions: frozenset[int]

    @property
    def single_code_by_option(self) -> dict[int, int]:
        return {code: position + 1 for code, position in self.position_by_code.items()}

    @property
    def columns(self) -> slice:
        return slice(self.first_column, self.first_column + self.width)


@dataclass(frozen=True, slots=True)
class _PillarLayout:
    key: str
    questions: tuple[_QuestionLayout, ...]
    common: int  # the pillar numerators' common denominator per unit of weight
    required_weight: int


@dataclass(frozen=True, slots=True)
class _Layout:
    bank: str
    columns: int
    pillars: tuple[_PillarLayout, ...]
    overall_common: int  # a multiple of every denominator a pillar score can have
    dtype: Any  # np.int64, or object (Python ints) when int64 could overflow
    bucket_bounds: npt.NDArray[np.int64]  # lower bounds in hundredths, ascending
    bucket_order: npt.NDArray[np.intp]  # index in spec.buckets of each sorted bound

    @property
    def buckets_in_order(self) -> bool:
        return bool((self.bucket_order == np.arange(self.bucket_order.size)).all())

    @property
    def questions(self) -> Iterable[_QuestionLayout]:
        return (question for pillar in self.pillars for question in pillar.questions)


def encode_answers(
    *, spec: BankSpec, answers_list: Sequence[Mapping[str, object]]
) -> EncodedAnswers:
    """Stored answers (as `response_score` takes them) encoded for `scores_many`.

    Checks each answer as the scalar path does; a ScoringError names the response index.
    """
    layout = _layout_for(spec)
    count = len(answers_list)
    codes = np.zeros((count, layout.columns), dtype=np.uint8, order="F")
    # Question by question over all responses, for answers in the plain stored form; a response
    # with any other answer (or a pillar left unanswered) is encoded again row by row, by the
    # checks that name its problem, in order: the first refused response is the one named.
    suspect = np.zeros(count, dtype=bool)
    for question in layout.questions:
        suspect |= _plain_column_encoded(question, answers_list, codes)
    for pillar in layout.pillars:
        if not pillar.required_weight:
            suspect |= ~_pillar_answered(pillar, codes)
    for index in np.flatnonzero(suspect).tolist():
        codes[index] = _encoded_row(layout, answers_list[index], index)
    return EncodedAnswers(bank=layout.bank, codes=codes)


def encode_codes(*, spec: BankSpec, codes: npt.ArrayLike) -> EncodedAnswers:
    """An already encoded matrix (as from a bulk load), checked as `encode_answers` checks."""
    layout = _layout_for(spec)
    matrix = np.asarray(codes)
    if matrix.ndim != 2 or matrix.shape[1] != layout.columns:
        raise ValueError(f"Expected (responses, {layout.columns}) codes, got {matrix.shape}.")
    if matrix.size and (matrix.min() < 0 or matrix.max() > 255):
        raise ValueError("Codes are bytes: 0..255.")
    matrix = np.asfortranarray(matrix, dtype=np.uint8)
    for pillar in layout.pillars:
        for question in pillar.questions:
            _check_question_codes(question, matrix, layout.bank)
        _check_pillar_answered(pillar, matrix)
    return EncodedAnswers(bank=layout.bank, codes=matrix)


def scores_many(*, spec: BankSpec, encoded: EncodedAnswers) -> ScoreMatrix:
    """Every encoded response's scores: the hundredths and buckets `response_score` gives."""
    layout = _layout_for(spec)
    if encoded.bank != layout.bank or encoded.codes.shape[1:] != (layout.columns,):
        raise ValueError(f"These answers were not encoded for {layout.bank}.")
    codes = np.asfortranarray(encoded.codes)
    count = codes.shape[0]
    pillar_hundredths = np.empty((len(layout.pillars), count), dtype=np.int64)
    overall_numerator = np.zeros(count, dtype=layout.dtype)
    for index, pillar in enumerate(layout.pillars):
        numerator = _pillar_numerator(pillar, codes, layout.dtype)
        denominator = _pillar_denominator(pillar, codes, layout.dtype)
        pillar_hundredths[index] = _hundredths_half_up(numerator, denominator)
        overall_numerator += numerator * (layout.overall_common // denominator)
    overall_hundredths = _hundredths_half_up(
        overall_numerator, len(layout.pillars) * layout.overall_common
    ).astype(np.int64)
    return ScoreMatrix(
        pillar_keys=tuple(pillar.key for pillar in layout.pillars),
        pillar_hundredths=pillar_hundredths.T,
        overall_hundredths=overall_hundredths,
        pillar_bucket_index=_bucket_index(layout, pillar_hundredths).T,
        overall_bucket_index=_bucket_index(layout, overall_hundredths),
    )


def _pillar_numerator(pillar: _PillarLayout, codes: np.ndarray, dtype: Any) -> np.ndarray:
    numerator = np.zeros(codes.shape[0], dtype=dtype)
    for question in pillar.questions:
        gathered = (
            question.tables[offset].take(codes[:, question.first_column + offset])
            for offset in range(question.width)
        )
        if question.question.scoring == Scoring.MAX:
            numerator += reduce(np.maximum, gathered)
        else:
            for values in gathered:
                numerator += values
    return numerator


def _pillar_denominator(pillar: _PillarLayout, codes: np.ndarray, dtype: Any) -> Any:
    """The pillar's denominator: a constant, or per response when an optional question counts."""
    weight: Any = pillar.required_weight
    for question in pillar.questions:
        if not question.question.required:
            answered = codes[:, question.columns].any(axis=1)
            weight = weight + answered.astype(dtype) * question.weight
    return weight * pillar.common


def _hundredths_half_up(numerator: np.ndarray, denominator: Any) -> np.ndarray:
    return (2 * HUNDREDTHS * numerator + denominator) // (2 * denominator)


def _bucket_index(layout: _Layout, hundredths: np.ndarray) -> npt.NDArray[np.intp]:
    sorted_index = np.searchsorted(layout.bucket_bounds, hundredths, side="right") - 1
    if layout.buckets_in_order:
        return sorted_index
    return layout.bucket_order[sorted_index]


# ---- Encoding a question's answers, all responses at once


def _plain_column_encoded(
    layout: _QuestionLayout, answers_list: Sequence[Mapping[str, object]], codes: np.ndarray
) -> npt.NDArray[np.bool_]:
    """Writes the question's codes for answers in the plain form; True where a row needs the
    full check (another form, an unknown option, combined exclusives, a required question left
    unanswered)."""
    key = str(layout.question.number)
    values = [answers.get(key) for answers in answers_list]
    if layout.question.kind == Kind.SINGLE:
        code_by_option = layout.single_code_by_option
        column = np.array(
            [
                code_by_option.get(value, _NOT_PLAIN)
                if type(value) is int
                else (0 if value is None else _NOT_PLAIN)
                for value in values
            ],
            dtype=np.int16,
        ).reshape(len(values), 1)
    else:
        column = _plain_multi_column(layout, values)
    not_plain = (column == _NOT_PLAIN).any(axis=1)
    codes[:, layout.columns] = np.where(not_plain[:, None], 0, column)
    if layout.question.required:
        return not_plain | ~codes[:, layout.columns].any(axis=1)
    return not_plain


_NOT_PLAIN = 256  # outside a byte: marks an answer the plain path leaves to the full check


def _plain_multi_column(layout: _QuestionLayout, values: list[object]) -> np.ndarray:
    """The multi question's bytes for every answer, _NOT_PLAIN across a row left to the full
    check: not a list of whole numbers, empty, an unknown option, or an exclusive option with
    others (all of it in a few passes, since a response has many such answers)."""
    count = len(values)
    lengths = np.array(
        [len(value) if type(value) is list else (0 if value is None else -1) for value in values],
        dtype=np.int64,
    )
    flat = [code for value in values if type(value) is list for code in value]
    positions = _positions(layout, flat)
    rows = np.repeat(np.arange(count), np.maximum(lengths, 0))
    bad = np.zeros(count, dtype=bool)
    bad[lengths == -1] = True
    bad[(lengths == 0) & np.array([value is not None for value in values], dtype=bool)] = True
    bad[rows[positions == -1]] = True
    if layout.exclusive_positions:
        exclusive = np.isin(positions, list(layout.exclusive_positions))
        bad[rows[exclusive & (lengths[rows] > 1)]] = True
    column = np.zeros((count, layout.width), dtype=np.int16)
    chosen = positions >= 0
    np.bitwise_or.at(
        column,
        (rows[chosen], positions[chosen] // BITS),
        (1 << (positions[chosen] % BITS)).astype(np.int16),
    )
    column[bad] = _NOT_PLAIN
    return column


def _positions(layout: _QuestionLayout, codes: list[object]) -> npt.NDArray[np.int64]:
    """Each option code's position in the question, -1 for anything else."""
    if codes and set(map(type, codes)) <= {int}:  # whole numbers (True is a bool, 2.0 a float)
        try:
            wanted = np.array(codes, dtype=np.int64)
        except OverflowError:
            pass
        else:
            known = np.array(sorted(layout.position_by_code), dtype=np.int64)
            index = np.minimum(np.searchsorted(known, wanted), known.size - 1)
            positions = np.array([layout.position_by_code[code] for code in known.tolist()])
            return np.where(known[index] == wanted, positions[index], -1)
    position_by_code = layout.position_by_code
    return np.array(
        [position_by_code.get(code, -1) if type(code) is int else -1 for code in codes],
        dtype=np.int64,
    )


def _pillar_answered(pillar: _PillarLayout, codes: np.ndarray) -> npt.NDArray[np.bool_]:
    answered = np.zeros(codes.shape[0], dtype=bool)
    for question in pillar.questions:
        answered |= codes[:, question.columns].any(axis=1)
    return answered


# ---- Encoding one response


def _encoded_row(layout: _Layout, answers: Mapping[str, object], index: int) -> list[int]:
    row = [0] * layout.columns
    try:
        for pillar in layout.pillars:
            answered = False
            for question in pillar.questions:
                answered |= _encode_answer(question, answers, row, layout.bank)
            if not answered:
                first = pillar.questions[0].question.number
                raise ScoringError(first, f"no question of pillar '{pillar.key}' is answered")
    except ScoringError as error:
        raise ScoringError(error.question_number, error.problem, response_index=index) from error
    return row


def _encode_answer(
    layout: _QuestionLayout, answers: Mapping[str, object], row: list[int], bank: str
) -> bool:
    question = layout.question
    value = answers.get(str(question.number))
    if value is None:
        if question.required:
            raise ScoringError(question.number, "no answer, and the question is required")
        return False
    positions = _plain_positions(layout, value)
    if positions is None:
        # Not plainly valid: the scalar check refuses it, or says which options it means.
        chosen = chosen_options(question, value, bank=bank)
        positions = [layout.position_by_code[option.code] for option in chosen]
    if question.kind == Kind.SINGLE:
        row[layout.first_column] = positions[0] + 1
    for position in positions if question.kind == Kind.MULTI else ():
        row[layout.first_column + position // BITS] |= 1 << (position % BITS)
    return True


def _plain_positions(layout: _QuestionLayout, value: object) -> list[int] | None:
    """The option positions of an answer in the plain stored form, or None to check it fully.

    A shortcut for the common case only: `chosen_options` stays the judge of everything else.
    """
    if layout.question.kind == Kind.SINGLE:
        codes = [value] if type(value) is int else []
    else:
        codes = value if type(value) is list else []
    positions = [
        layout.position_by_code.get(code, -1) if type(code) is int else -1 for code in codes
    ]
    if not positions or -1 in positions:
        return None
    if len(positions) > 1 and not layout.exclusive_positions.isdisjoint(positions):
        return None
    return positions


# ---- Checking an encoded matrix


def _check_question_codes(layout: _QuestionLayout, codes: np.ndarray, bank: str) -> None:
    question = layout.question
    block = codes[:, layout.columns]
    options = len(question.options)
    if question.kind == Kind.SINGLE:
        _refuse_rows(block[:, 0] > options, question, "an option position is not in " + bank)
    else:
        spare_bits = (0xFF << (options - BITS * (layout.width - 1))) & 0xFF
        _refuse_rows(block[:, -1] & spare_bits != 0, question, "an option bit is not in " + bank)
        for position, option in enumerate(question.options):
            if option.exclusive:
                column, bit = divmod(position, BITS)
                alone = np.zeros_like(block)
                alone[:, column] = 1 << bit
                chosen = (block[:, column] & (1 << bit)) != 0
                combined = chosen & (block != alone).any(axis=1)
                problem = f"“{option.text}” cannot be combined with other options"
                _refuse_rows(combined, question, problem)
    if question.required:
        unanswered = ~block.any(axis=1)
        _refuse_rows(unanswered, question, "no answer, and the question is required")


def _check_pillar_answered(pillar: _PillarLayout, codes: np.ndarray) -> None:
    if pillar.required_weight:
        return
    answered = _pillar_answered(pillar, codes)
    problem = f"no question of pillar '{pillar.key}' is answered"
    _refuse_rows(~answered, pillar.questions[0].question, problem)


def _refuse_rows(bad: npt.ArrayLike, question: QuestionSpec, problem: str) -> None:
    rows = np.flatnonzero(bad)
    if rows.size:
        raise ScoringError(question.number, problem, response_index=int(rows[0]))


# ---- The layout: columns, integer tables and denominators for a bank


@lru_cache(maxsize=32)
def _layout_for(spec: BankSpec) -> _Layout:
    """Built once per bank spec (a frozen, hashable value), since the tables cost some work."""
    pillars, column = [], 0
    for pillar in spec.pillars:
        layout = _pillar_layout(spec, pillar.key, column)
        pillars.append(layout)
        column += sum(question.width for question in layout.questions)
    overall_common = _lcm(common for pillar in pillars for common in _denominators(pillar))
    fits = _fits_int64(pillars, overall_common)
    if fits:
        pillars = [_with_int64_tables(pillar) for pillar in pillars]
    bounds = [math.ceil(Fraction(bucket.lower_bound) * 100) for bucket in spec.buckets]
    if not bounds or min(bounds) > 0:
        raise ValueError(f"The buckets of {bank_label(spec)} must start at 0.")
    order = np.argsort(bounds, kind="stable")
    return _Layout(
        bank=bank_label(spec),
        columns=column,
        pillars=tuple(pillars),
        overall_common=overall_common,
        dtype=np.int64 if fits else object,
        bucket_bounds=np.asarray(bounds, dtype=np.int64)[order],
        bucket_order=order.astype(np.intp),
    )


def _pillar_layout(spec: BankSpec, key: str, first_column: int) -> _PillarLayout:
    questions = pillar_questions(spec, key)
    if not questions:
        raise ValueError(f"Pillar '{key}' of {bank_label(spec)} has no question.")
    scores = [_option_scores(question) for question in questions]
    common = _lcm(score.denominator for option_scores in scores for score in option_scores)
    weights = _whole_weights([Fraction(question.weight) for question in questions])
    layouts, column = [], first_column
    for question, option_scores, weight in zip(questions, scores, weights, strict=True):
        numerators = [int(score * common) * weight for score in option_scores]
        layouts.append(_question_layout(question, column, weight, numerators))
        column += layouts[-1].width
    required = sum(layout.weight for layout in layouts if layout.question.required)
    return _PillarLayout(key, tuple(layouts), common, required)


def _option_scores(question: QuestionSpec) -> list[Fraction]:
    """Each option's share of the question score: its points ÷ 3, or ÷ all points for `sum`."""
    if question.kind not in (Kind.SINGLE, Kind.MULTI) or question.scoring is None:
        raise ScoringError(question.number, f"{question.kind} questions cannot be scored")
    divisor = (
        question_points_total(question) if question.scoring == Scoring.SUM else Fraction(MAX_POINTS)
    )
    return [option_points(question, option) / divisor for option in question.options]


def _whole_weights(weights: list[Fraction]) -> list[int]:
    """The weights scaled to the smallest whole numbers in the same proportion."""
    scale = _lcm(weight.denominator for weight in weights)
    whole = [int(weight * scale) for weight in weights]
    divisor = math.gcd(*whole)
    return [weight // divisor for weight in whole]


def _question_layout(
    question: QuestionSpec, first_column: int, weight: int, numerators: list[int]
) -> _QuestionLayout:
    if question.kind == Kind.SINGLE:
        tables = [[0, *numerators] + [0] * (255 - len(numerators))]
    else:
        tables = [
            [_combined(question, numerators[start : start + BITS], value) for value in range(256)]
            for start in range(0, len(numerators), BITS)
        ]
    return _QuestionLayout(
        question=question,
        first_column=first_column,
        width=len(tables),
        weight=weight,
        tables=np.array(tables, dtype=object),
        position_by_code={option.code: index for index, option in enumerate(question.options)},
        exclusive_positions=frozenset(
            index for index, option in enumerate(question.options) if option.exclusive
        ),
    )


def _combined(question: QuestionSpec, numerators: list[int], mask: int) -> int:
    """The numerator for the options whose bits are set in `mask`: summed, or their maximum."""
    chosen = [numerator for bit, numerator in enumerate(numerators) if mask >> bit & 1]
    if question.scoring == Scoring.MAX:
        return max(chosen, default=0)
    return sum(chosen)


def _denominators(pillar: _PillarLayout) -> set[int]:
    """Every denominator the pillar score can have, one per set of answered optional weights."""
    totals = {pillar.required_weight}
    for question in pillar.questions:
        if not question.question.required:
            totals |= {total + question.weight for total in totals}
    return {total * pillar.common for total in totals if total}


def _fits_int64(pillars: list[_PillarLayout], overall_common: int) -> bool:
    """Whether no intermediate value can pass int64: numerators never exceed denominators."""
    largest_pillar = max(max(_denominators(pillar)) for pillar in pillars)
    largest_overall = len(pillars) * overall_common
    return (2 * HUNDREDTHS + 1) * max(largest_pillar, largest_overall) <= INT64_MAX


def _with_int64_tables(pillar: _PillarLayout) -> _PillarLayout:
    questions = tuple(
        replace(question, tables=question.tables.astype(np.int64)) for question in pillar.questions
    )
    return replace(pillar, questions=questions)


def _lcm(numbers: Iterable[int]) -> int:
    return math.lcm(*numbers)
