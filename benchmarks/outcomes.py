"""What the pool's organisations report, by bucket, and which options they chose: pure Python.

Two statistics of the whole pool (every organisation once, as the pool counts them), computed
from a snapshot of it and kept with it:

- The outcome lens: for the overall score and each pillar, per bucket, how many organisations
  sit there and the median of their NRR, retention and NPS (each over the values known, nulls
  left out); and the same for the organisations at or above the pool's 75th percentile of that
  score against those below. It shows an association in the pool, never a cause.
- Option adoption: per pillar and bucket, how many organisations sit there and how many of them
  chose each option of the pillar's scored questions. A respondent's roadmap reads from it what
  share of the peers one bucket up already chose an option (`option_shares`).

Withholding. A cell (a bucket, or top/rest) with fewer than K organisations shows nothing, and a
median known for fewer than K of them shows neither the median nor its n. The cells of one
metric add up to the pool (whose n is shown), so one withheld cell among shown ones could be
worked out by subtraction; when exactly one non-empty cell of such a set is withheld, the
smallest shown one is withheld with it (`_complemented`), for the organisations and for each
KPI's known values alike. When the 75th percentile splits no bucket, top and rest are sums of
whole buckets, so they are withheld whenever a bucket cell of that metric is.

Values are integer hundredths; medians and the 75th percentile are exact (`CountedSample`,
numpy's linear rule) and rounded half up as every statistic is (`shown`).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.percentiles import MEDIAN, P75, CountedSample, Int64Array, ValueCounts, shown
from scoring.bank import BankSpec, BucketSpec, QuestionSpec
from scoring.words import gettext, gettext_noop

OUTCOME_KPIS = ("nrr", "retention", "nps")
OVERALL = "overall"
TOP, REST = "top", "rest"
# Our own labels, kept with a snapshot in English and read in the reader's language (`label`);
# a bucket's or a pillar's name is the bank's and stays as it is.
# Translators: the overall score, beside the pillars' scores.
OVERALL_LABEL = gettext_noop("Overall")
# Translators: the organisations at or above the pool's 75th percentile of a score.
TOP_LABEL = gettext_noop("Top quartile")
# Translators: the organisations below the pool's 75th percentile of a score.
REST_LABEL = gettext_noop("The rest")


def _label_shown(kept: str, own: str | None) -> str:
    """A kept label in the reader's language when it is `own`, one of ours."""
    return gettext(kept) if kept == own else kept


Float64Array = npt.NDArray[np.float64]
OptionKey = tuple[int, int]  # (question number, option code)


@dataclass(frozen=True, slots=True)
class KpiMedian:
    key: str  # one of OUTCOME_KPIS
    n: int | None  # organisations that know it; None when withheld
    median: Decimal | None  # None when withheld

    @property
    def enough_peers(self) -> bool:
        return self.median is not None


@dataclass(frozen=True, slots=True)
class OutcomeCell:
    """One bucket (or top/rest) of one metric; withheld: `n` None and no KPIs."""

    key: str  # a bucket key, or "top" / "rest"
    label_kept: str  # as kept: the bucket's name, or TOP_LABEL / REST_LABEL in English
    n: int | None
    kpis: tuple[KpiMedian, ...]

    @property
    def label(self) -> str:
        own = {TOP: TOP_LABEL, REST: REST_LABEL}.get(self.key)
        return _label_shown(self.label_kept, own)

    @property
    def enough_peers(self) -> bool:
        return self.n is not None


@dataclass(frozen=True, slots=True)
class MetricLens:
    key: str  # "overall" or a pillar key
    label_kept: str  # as kept: the pillar's name, or OVERALL_LABEL in English
    buckets: tuple[OutcomeCell, ...]  # lowest bucket first
    top_threshold: Decimal | None  # the pool's 75th percentile of this score; None under K
    top: OutcomeCell  # organisations at or above the threshold
    rest: OutcomeCell  # those below it

    @property
    def label(self) -> str:
        return _label_shown(self.label_kept, OVERALL_LABEL if self.key == OVERALL else None)


@dataclass(frozen=True, slots=True)
class OutcomeLens:
    k: int
    n: int | None  # organisations in the pool; None when fewer than K
    as_of: datetime
    metrics: tuple[MetricLens, ...]  # overall first, then pillars in bank order


def outcome_lens(
    *,
    scores: Int64Array,
    kpis: Float64Array,
    metrics: Sequence[tuple[str, str]],
    buckets: Sequence[BucketSpec],
    k: int,
    as_of: datetime,
) -> OutcomeLens:
    """The lens of a pool: `scores` (organisations × metrics, kept hundredths, in `metrics`
    order: key and label) and `kpis` (organisations × OUTCOME_KPIS, hundredths, NaN unknown)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    ordered = sorted(buckets, key=lambda bucket: bucket.lower_bound)
    lenses = tuple(
        _metric_lens(scores[:, column], kpis, key, label, ordered, k)
        for column, (key, label) in enumerate(metrics)
    )
    n = int(scores.shape[0])
    return OutcomeLens(k=k, n=n if n >= k else None, as_of=as_of, metrics=lenses)


@dataclass(frozen=True, slots=True)
class _Counted:
    """A cell before withholding: its size, and per KPI how many know it and their median."""

    size: int
    known: tuple[int, ...]
    medians: tuple[Fraction | None, ...]


def _metric_lens(
    column: Int64Array,
    kpis: Float64Array,
    key: str,
    label: str,
    buckets: Sequence[BucketSpec],
    k: int,
) -> MetricLens:
    codes = bucket_codes(column, buckets)
    in_bucket = [codes == code for code in range(len(buckets))]
    bucket_cells = _withheld_where_needed([_counted(mask, kpis) for mask in in_bucket], k)
    threshold = _quantile(column, P75) if len(column) >= k else None
    if threshold is None:
        top = np.zeros(len(column), dtype=bool)
    else:  # exact: value ≥ p/q ⇔ value·q ≥ p
        top = column * threshold.denominator >= threshold.numerator
    halves = _withheld_where_needed([_counted(top, kpis), _counted(~top, kpis)], k)
    splits_a_bucket = any(0 < int((mask & top).sum()) < int(mask.sum()) for mask in in_bucket)
    if not splits_a_bucket and any(_hides_something(cell) for cell in bucket_cells):
        halves = [(counted, False, ()) for counted, _, _ in halves]
    labels = [bucket.name for bucket in buckets]
    return MetricLens(
        key=key,
        label_kept=label,
        buckets=tuple(
            _cell(bucket.key, name, *cell)
            for bucket, name, cell in zip(buckets, labels, bucket_cells, strict=True)
        ),
        top_threshold=None if threshold is None else shown(threshold),
        top=_cell(TOP, TOP_LABEL, *halves[0]),
        rest=_cell(REST, REST_LABEL, *halves[1]),
    )


def bucket_codes(column: Int64Array, buckets: Sequence[BucketSpec]) -> npt.NDArray[np.intp]:
    """Each kept score's bucket (index into `buckets`, ascending), lower bound inclusive."""
    bounds = np.array([int(bucket.lower_bound * 100) for bucket in buckets], dtype=np.int64)
    return np.maximum(np.searchsorted(bounds, column, side="right") - 1, 0)


def _counted(mask: npt.NDArray[np.bool_], kpis: Float64Array) -> _Counted:
    known, medians = [], []
    for column in range(kpis.shape[1]):
        values = kpis[mask, column]
        values = values[~np.isnan(values)].astype(np.int64)
        known.append(len(values))
        medians.append(_quantile(values, MEDIAN) if len(values) else None)
    return _Counted(int(mask.sum()), tuple(known), tuple(medians))


_Shown = tuple[_Counted, bool, tuple[bool, ...]]  # the cell, shown?, each KPI shown?


def _withheld_where_needed(cells: list[_Counted], k: int) -> list[_Shown]:
    shown_cells = _complemented([c.size for c in cells], [c.size >= k for c in cells])
    per_kpi = [
        _complemented(
            [c.known[j] for c in cells],
            [is_shown and c.known[j] >= k for c, is_shown in zip(cells, shown_cells, strict=True)],
        )
        for j in range(len(OUTCOME_KPIS))
    ]
    return [
        (cell, shown_cells[i], tuple(per_kpi[j][i] for j in range(len(OUTCOME_KPIS))))
        for i, cell in enumerate(cells)
    ]


def _complemented(sizes: Sequence[int], shown_now: Sequence[bool]) -> list[bool]:
    """When exactly one non-empty cell is withheld, withhold the smallest shown one too: the
    cells add up to a known total, so a lone withheld size could be had by subtraction."""
    result = list(shown_now)
    hidden = [i for i, size in enumerate(sizes) if not result[i] and size > 0]
    showing = [i for i in range(len(sizes)) if result[i]]
    if len(hidden) == 1 and showing:
        result[min(showing, key=lambda i: (sizes[i], i))] = False
    return result


def _hides_something(cell: _Shown) -> bool:
    counted, cell_shown, kpis_shown = cell
    if not cell_shown:
        return counted.size > 0
    return any(not ok and n > 0 for ok, n in zip(kpis_shown, counted.known, strict=True))


def _cell(
    key: str, label: str, counted: _Counted, is_shown: bool, kpis: tuple[bool, ...]
) -> OutcomeCell:
    if not is_shown:
        return OutcomeCell(key=key, label_kept=label, n=None, kpis=())
    return OutcomeCell(
        key=key,
        label_kept=label,
        n=counted.size,
        kpis=tuple(
            KpiMedian(kpi, n, shown(median))
            if ok and median is not None
            else KpiMedian(kpi, None, None)
            for kpi, ok, n, median in zip(
                OUTCOME_KPIS, kpis, counted.known, counted.medians, strict=True
            )
        ),
    )


def _quantile(values: Int64Array, q: Fraction) -> Fraction:
    return CountedSample.without(ValueCounts.of(values), ()).quantile(q)


# --- the lens as kept with its snapshot (JSON, numbers as decimal strings) -------------------


def lens_to_json(lens: OutcomeLens) -> dict[str, Any]:
    return {
        "k": lens.k,
        "n": lens.n,
        "as_of": lens.as_of.isoformat(),
        "metrics": [
            {
                "key": metric.key,
                "label": metric.label_kept,
                "top_threshold": _text(metric.top_threshold),
                "buckets": [_cell_to_json(cell) for cell in metric.buckets],
                "top": _cell_to_json(metric.top),
                "rest": _cell_to_json(metric.rest),
            }
            for metric in lens.metrics
        ],
    }


def lens_from_json(data: Mapping[str, Any]) -> OutcomeLens:
    return OutcomeLens(
        k=data["k"],
        n=data["n"],
        as_of=datetime.fromisoformat(data["as_of"]),
        metrics=tuple(
            MetricLens(
                key=metric["key"],
                label_kept=metric["label"],
                top_threshold=_decimal(metric["top_threshold"]),
                buckets=tuple(_cell_from_json(cell) for cell in metric["buckets"]),
                top=_cell_from_json(metric["top"]),
                rest=_cell_from_json(metric["rest"]),
            )
            for metric in data["metrics"]
        ),
    )


def _cell_to_json(cell: OutcomeCell) -> dict[str, Any]:
    return {
        "key": cell.key,
        "label": cell.label_kept,
        "n": cell.n,
        "kpis": [{"key": k.key, "n": k.n, "median": _text(k.median)} for k in cell.kpis],
    }


def _cell_from_json(data: Mapping[str, Any]) -> OutcomeCell:
    return OutcomeCell(
        key=data["key"],
        label_kept=data["label"],
        n=data["n"],
        kpis=tuple(KpiMedian(k["key"], k["n"], _decimal(k["median"])) for k in data["kpis"]),
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# --- option adoption --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BucketAdoption:
    """The organisations of one bucket of one pillar, and how many chose each option."""

    n: int
    chosen: Mapping[OptionKey, int]


Adoption = Mapping[str, Mapping[str, BucketAdoption]]  # pillar key → bucket key → counts


def adoption_count(
    *,
    spec: BankSpec,
    layout: Sequence[str],
    rows: Iterable[tuple[Sequence[int], Mapping[str, object]]],
) -> dict[str, dict[str, BucketAdoption]]:
    """Count option choices per pillar and bucket. `rows`: each organisation's kept pillar
    scores (hundredths, in `layout` order) and its answers (option codes of `spec`)."""
    counter = AdoptionCounter(spec=spec, layout=layout)
    for pillar_scores, answers in rows:
        counter.add(pillar_scores, answers)
    return counter.result()


class AdoptionCounter:
    """`adoption_count` one organisation at a time, so a caller reading a million rows keeps
    counts, not rows."""

    def __init__(self, *, spec: BankSpec, layout: Sequence[str]) -> None:
        self.layout = tuple(layout)
        self.buckets = sorted(spec.buckets, key=lambda bucket: bucket.lower_bound)
        self.bounds = [int(bucket.lower_bound * 100) for bucket in self.buckets]
        self.pillars = [(p, _pillar_options(spec, key)) for p, key in enumerate(self.layout)]
        self.sizes = [[0] * len(self.buckets) for _ in self.layout]
        self.counts: list[list[dict[OptionKey, int]]] = [
            [{} for _ in self.buckets] for _ in self.layout
        ]

    def add(self, pillar_scores: Sequence[int], answers: Mapping[str, object]) -> None:
        for position, questions in self.pillars:
            bucket = max(bisect_right(self.bounds, pillar_scores[position]) - 1, 0)
            self.sizes[position][bucket] += 1
            found = self.counts[position][bucket]
            for number, options in questions:
                for code in _codes(answers.get(number)):
                    if isinstance(code, int) and code in options:
                        key = (int(number), code)
                        found[key] = found.get(key, 0) + 1

    def result(self) -> dict[str, dict[str, BucketAdoption]]:
        return {
            pillar: {
                bucket.key: BucketAdoption(self.sizes[p][b], self.counts[p][b])
                for b, bucket in enumerate(self.buckets)
            }
            for p, pillar in enumerate(self.layout)
        }


def _pillar_options(spec: BankSpec, pillar_key: str) -> list[tuple[str, frozenset[int]]]:
    return [
        (str(q.number), frozenset(option.code for option in q.options))
        for q in spec.questions
        if q.pillar == pillar_key
    ]


def _codes(value: object) -> Sequence[object]:
    if isinstance(value, list):
        return value
    return () if value is None else (value,)


def option_shares(
    *,
    adoption: BucketAdoption,
    questions: Sequence[QuestionSpec],
    own_answers: Mapping[str, object] | None,
    k: int,
) -> tuple[int | None, dict[OptionKey, int]]:
    """The peers of one bucket, and the share (%) of them who chose each option of
    `questions`, leaving out the respondent's own organisation when it sits in that bucket
    (`own_answers`, its answers). (None, {}) when fewer than K peers remain."""
    n = adoption.n - (own_answers is not None)
    if n < k:
        return None, {}
    own = set()
    if own_answers is not None:
        own = {
            (q.number, code) for q in questions for code in _codes(own_answers.get(str(q.number)))
        }
    return n, {
        (q.number, option.code): share_percent(
            adoption.chosen.get((q.number, option.code), 0) - ((q.number, option.code) in own), n
        )
        for q in questions
        for option in q.options
    }


def share_percent(chosen: int, n: int) -> int:
    """chosen ÷ n as a percentage rounded half up to the nearest 5, exactly."""
    return 5 * math.floor(Fraction(20 * chosen, n) + Fraction(1, 2))


def adoption_to_json(adoption: Adoption) -> dict[str, Any]:
    return {
        pillar: {
            bucket: {
                "n": counts.n,
                "chosen": [[q, code, count] for (q, code), count in sorted(counts.chosen.items())],
            }
            for bucket, counts in buckets.items()
        }
        for pillar, buckets in adoption.items()
    }


def adoption_from_json(data: Mapping[str, Any]) -> dict[str, dict[str, BucketAdoption]]:
    return {
        pillar: {
            bucket: BucketAdoption(
                counts["n"], {(q, code): count for q, code, count in counts["chosen"]}
            )
            for bucket, counts in buckets.items()
        }
        for pillar, buckets in data.items()
    }


def code_translation(*, source: BankSpec, target: BankSpec) -> dict[OptionKey, int]:
    """Option codes of `source`'s scored questions as `target` numbers the same option: same
    question number and pillar, same option text. Options with no match are left out."""
    found: dict[OptionKey, int] = {}
    for question in target.questions:
        other = source.question(question.number)
        if not question.is_scored or other is None or other.pillar != question.pillar:
            continue
        by_text = {option.text: option.code for option in question.options}
        for option in other.options:
            if option.text in by_text:
                found[(question.number, option.code)] = by_text[option.text]
    return found


def answers_translated(
    answers: Mapping[str, object], translation: Mapping[OptionKey, int]
) -> dict[str, object]:
    """`answers` (option codes of another bank version) in the codes `translation` leads to;
    only the questions it knows, and only the options it can match."""
    numbers = {number for number, _ in translation}
    result: dict[str, object] = {}
    for number in numbers:
        codes = [
            translation[(number, code)]
            for code in _codes(answers.get(str(number)))
            if isinstance(code, int) and (number, code) in translation
        ]
        if codes:
            result[str(number)] = codes
    return result
