"""A peer pool prepared once so that any respondent's comparison costs a few binary searches.

For every group (all, each industry, each ARR band, each region) and every metric (overall,
pillars, KPIs) the index holds the kept values of its peers as a sorted int64 array of
hundredths (unknown KPIs left out, so each KPI has its own n). A comparison then needs, per
group and metric, two `searchsorted` calls for the rank and index arithmetic for the quartiles.
The respondent's own pool row (their latest response, found by e-mail) is left out by reading
the arrays as if it were gone (`SortedSample`), never by copying them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from benchmarks.groups import (
    DEFAULT_K,
    Comparison,
    GroupComparison,
    GroupKey,
    MetricStats,
    RespondentValues,
    group_label,
)
from benchmarks.percentiles import (
    MEDIAN,
    P25,
    P75,
    SortedSample,
    quartile_band,
    shown,
    shown_rank,
)
from benchmarks.pool import PoolRow, email_key

Int64Array = npt.NDArray[np.int64]
_DIMENSIONS = (GroupKey.INDUSTRY, GroupKey.ARR_BAND, GroupKey.REGION)


@dataclass(frozen=True, slots=True)
class _GroupArrays:
    size: int
    sorted_metrics: tuple[Int64Array, ...]


@dataclass(frozen=True, slots=True)
class _Rows:
    """Every pool row's values and profile, so a respondent's own row can be subtracted."""

    values: Int64Array  # rows × metrics
    known: npt.NDArray[np.bool_]  # rows × metrics, False for an unknown KPI
    profiles: Mapping[GroupKey, tuple[npt.NDArray[np.int32], tuple[str | None, ...]]]
    by_email: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerIndex:
    pillar_keys: tuple[str, ...]
    kpi_keys: tuple[str, ...]
    groups: Mapping[tuple[GroupKey, str | None], _GroupArrays]
    rows: _Rows

    @classmethod
    def build(
        cls, pool_rows: Sequence[PoolRow], *, pillar_keys: Sequence[str], kpi_keys: Sequence[str]
    ) -> PeerIndex:
        """Sort every group's values once; `pool_rows` is `peer_pool`'s output (one per e-mail)."""
        rows = _rows_table(pool_rows, len(pillar_keys), len(kpi_keys))
        groups: dict[tuple[GroupKey, str | None], _GroupArrays] = {
            (GroupKey.ALL, None): _group_arrays(rows.values, rows.known)
        }
        for key in _DIMENSIONS:
            codes, labels = rows.profiles[key]
            for code, members in _members_by_code(codes, len(labels)):
                groups[(key, labels[code])] = _group_arrays(
                    rows.values[members], rows.known[members]
                )
        return cls(
            pillar_keys=tuple(pillar_keys), kpi_keys=tuple(kpi_keys), groups=groups, rows=rows
        )

    def compare(self, *, respondent: RespondentValues, k: int = DEFAULT_K) -> Comparison:
        """The respondent against each group, leaving out every response with their e-mail."""
        if k < 1:
            raise ValueError("k must be at least 1")
        own_row = self.rows.by_email.get(email_key(respondent.email))
        groups = [self._group(key, respondent, own_row, k) for key in GroupKey]
        if groups[0].enough_peers:
            groups = [g if g.enough_peers else replace(g, fallback=GroupKey.ALL) for g in groups]
        return Comparison(k=k, groups=tuple(groups))

    def _group(
        self, key: GroupKey, respondent: RespondentValues, own_row: int | None, k: int
    ) -> GroupComparison:
        value = respondent.group_value(key)
        label = group_label(key, value)
        arrays = self.groups.get((key, value))
        own_in_group = own_row is not None and self._row_is_in(own_row, key, value)
        n = (arrays.size if arrays else 0) - own_in_group
        if arrays is None or n < k:
            return GroupComparison(key=key, label=label, enough_peers=False, n=None)
        metrics = [
            self._metric(arrays, column, respondent_value, own_row if own_in_group else None, k)
            for column, respondent_value in enumerate(respondent.metric_hundredths)
        ]
        pillar_count = len(self.pillar_keys)
        return GroupComparison(
            key=key,
            label=label,
            enough_peers=True,
            n=n,
            overall=_score(metrics[0]),
            pillars={
                key: _score(stats)
                for key, stats in zip(self.pillar_keys, metrics[1 : 1 + pillar_count], strict=True)
            },
            kpis=dict(zip(self.kpi_keys, metrics[1 + pillar_count :], strict=True)),
        )

    def _row_is_in(self, row: int, key: GroupKey, value: str | None) -> bool:
        if key is GroupKey.ALL:
            return True
        codes, labels = self.rows.profiles[key]
        return labels[codes[row]] == value

    def _metric(
        self,
        arrays: _GroupArrays,
        column: int,
        respondent_value: int | None,
        own_row: int | None,
        k: int,
    ) -> MetricStats | None:
        left_out = []
        if own_row is not None and self.rows.known[own_row, column]:
            left_out.append(int(self.rows.values[own_row, column]))
        sample = SortedSample.without(arrays.sorted_metrics[column], left_out)
        if sample.size < k:
            return None
        return metric_stats(sample, respondent_value)


def _score(stats: MetricStats | None) -> MetricStats:
    # Scores are never unknown, so a shown group (n ≥ k) always shows them.
    assert stats is not None, "a score in a shown group cannot be withheld"
    return stats


def metric_stats(sample: SortedSample, respondent_value: int | None) -> MetricStats:
    rank = (
        None if respondent_value is None else shown_rank(sample.percentile_rank(respondent_value))
    )
    return MetricStats(
        n=sample.size,
        p25=shown(sample.quantile(P25)),
        median=shown(sample.quantile(MEDIAN)),
        p75=shown(sample.quantile(P75)),
        percentile_rank=rank,
        band=None if rank is None else quartile_band(rank),
    )


def _rows_table(pool_rows: Sequence[PoolRow], pillars: int, kpis: int) -> _Rows:
    """The pool as arrays: one row per response, columns overall, pillars, KPIs."""
    width = 1 + pillars + kpis
    values = np.zeros((len(pool_rows), width), dtype=np.int64)
    known = np.ones((len(pool_rows), width), dtype=np.bool_)
    by_email: dict[str, int] = {}
    for index, row in enumerate(pool_rows):
        _check_shape(row, pillars, kpis)
        kpi_values = row.kpi_hundredths
        values[index] = (row.overall_hundredths, *row.pillar_hundredths, *_zeros_for(kpi_values))
        known[index, 1 + pillars :] = [value is not None for value in kpi_values]
        if by_email.setdefault(email_key(row.email), index) != index:
            raise ValueError(f"e-mail {row.email!r} twice: build from peer_pool(), one per e-mail")
    profiles = {key: _codes([getattr(row, key.value) for row in pool_rows]) for key in _DIMENSIONS}
    return _Rows(values=values, known=known, profiles=profiles, by_email=by_email)


def _check_shape(row: PoolRow, pillars: int, kpis: int) -> None:
    if len(row.pillar_hundredths) != pillars or len(row.kpi_hundredths) != kpis:
        raise ValueError(f"response {row.response_id}: expected {pillars} pillars, {kpis} KPIs")


def _zeros_for(values: tuple[int | None, ...]) -> tuple[int, ...]:
    return tuple(0 if value is None else value for value in values)


def _codes(values: list[str | None]) -> tuple[npt.NDArray[np.int32], tuple[str | None, ...]]:
    """Each value as a small integer code, and the values by code (a cheap factorisation)."""
    code_of: dict[str | None, int] = {}
    codes = np.fromiter(
        (code_of.setdefault(value, len(code_of)) for value in values),
        dtype=np.int32,
        count=len(values),
    )
    return codes, tuple(code_of)


def _members_by_code(
    codes: npt.NDArray[np.int32], code_count: int
) -> list[tuple[int, npt.NDArray[np.intp]]]:
    """Row numbers of each code's members, from one stable sort of the codes."""
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=code_count))
    starts = ends - np.bincount(codes, minlength=code_count)
    return [(code, order[starts[code] : ends[code]]) for code in range(code_count)]


def _group_arrays(values: Int64Array, known: npt.NDArray[np.bool_]) -> _GroupArrays:
    sorted_metrics = tuple(
        np.sort(values[known[:, column], column]) for column in range(values.shape[1])
    )
    return _GroupArrays(size=values.shape[0], sorted_metrics=sorted_metrics)
