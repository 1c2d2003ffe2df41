"""A peer pool prepared once so that any respondent's comparison costs a few binary searches.

For every group (all, each industry, each ARR band, each region) and every metric (overall,
pillars, KPIs) the index holds its peers' kept values as counts of distinct hundredths
(`ValueCounts`; unknown KPIs left out, so each KPI has its own n). A comparison then needs, per
group and metric, a binary search for the rank and two for the quartiles. The respondent's own
pool row (their organisation's latest response) is left out by reading the counts as if it were
gone (`CountedSample`), never by copying them. One peer joining or leaving is an `add` or `remove`,
so the index follows new completions without being rebuilt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, Self

import numpy as np
import numpy.typing as npt

from benchmarks.groups import (
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
    CountedSample,
    Int64Array,
    ValueCounts,
    quartile_band,
    shown,
    shown_rank,
)

DIMENSIONS = (GroupKey.INDUSTRY, GroupKey.ARR_BAND, GroupKey.REGION)
# Above this many bins, counting by value would waste memory: sort instead.
_MAX_BINS = 4_000_000

Profiles = Mapping[GroupKey, tuple[npt.NDArray[np.int32], Sequence[str | None]]]


class Peer(Protocol):
    """What the index needs of one pool member: its groups and its values (hundredths)."""

    @property
    def metric_hundredths(self) -> tuple[int | None, ...]: ...

    def group_value(self, key: GroupKey) -> str | None: ...


@dataclass(slots=True)
class _GroupCounts:
    size: int
    metrics: list[ValueCounts]


class PeerIndex:
    def __init__(
        self,
        *,
        pillar_keys: Sequence[str],
        kpi_keys: Sequence[str],
        groups: dict[tuple[GroupKey, str | None], _GroupCounts],
    ) -> None:
        self.pillar_keys = tuple(pillar_keys)
        self.kpi_keys = tuple(kpi_keys)
        self.groups = groups

    @property
    def metric_count(self) -> int:
        return 1 + len(self.pillar_keys) + len(self.kpi_keys)

    @classmethod
    def from_columns(
        cls,
        *,
        values: Int64Array,
        known: npt.NDArray[np.bool_],
        profiles: Profiles,
        pillar_keys: Sequence[str],
        kpi_keys: Sequence[str],
    ) -> Self:
        """From whole columns (rows × metrics), as a database loader reads them: no Python loop
        over rows. `profiles` maps each dimension to per-row codes and the value of each code."""
        rows = values.shape[0]
        groups: dict[tuple[GroupKey, str | None], _GroupCounts] = {
            (GroupKey.ALL, None): _GroupCounts(
                rows, [_counts(values[:, m], known[:, m]) for m in range(values.shape[1])]
            )
        }
        for key in DIMENSIONS:
            codes, labels = profiles[key]
            sizes = np.bincount(codes, minlength=len(labels))
            per_metric = [
                _grouped_counts(codes, len(labels), values[:, m], known[:, m])
                for m in range(values.shape[1])
            ]
            for code, label in enumerate(labels):
                if sizes[code]:
                    metrics = [by_code[code] for by_code in per_metric]
                    groups[(key, label)] = _GroupCounts(int(sizes[code]), metrics)
        return cls(pillar_keys=pillar_keys, kpi_keys=kpi_keys, groups=groups)

    def add(self, peer: Peer) -> None:
        """One more peer in every group it belongs to."""
        for group in self._groups_of(peer, create=True):
            group.size += 1
            for counts, value in zip(group.metrics, peer.metric_hundredths, strict=True):
                if value is not None:
                    counts.add(value)

    def remove(self, peer: Peer) -> None:
        """A peer `add`ed (or built in) before leaves every group it belongs to."""
        for group in self._groups_of(peer, create=False):
            group.size -= 1
            for counts, value in zip(group.metrics, peer.metric_hundredths, strict=True):
                if value is not None:
                    counts.remove(value)

    def _groups_of(self, peer: Peer, *, create: bool) -> list[_GroupCounts]:
        found = []
        for key in (GroupKey.ALL, *DIMENSIONS):
            group_key = (key, peer.group_value(key))
            group = self.groups.get(group_key)
            if group is None:
                if not create:
                    raise ValueError(f"no group {group_key} to remove a peer from")
                group = self.groups[group_key] = _GroupCounts(
                    0, [_empty_counts() for _ in range(self.metric_count)]
                )
            found.append(group)
        return found

    def compare(
        self,
        *,
        respondent: RespondentValues,
        own: Peer | None,
        k: int,
    ) -> Comparison:
        """The respondent against each group, leaving out their own pool row.

        `own` is that row as the index holds it (the latest pool response of the respondent's
        organisation), or None when it has none. No statistic is shown over fewer than `k` peers.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        groups = [self._group(key, respondent, own, k) for key in GroupKey]
        if groups[0].enough_peers:
            groups = [g if g.enough_peers else g.falling_back_to(GroupKey.ALL) for g in groups]
        return Comparison(k=k, groups=tuple(groups))

    def peer_count(self, key: GroupKey, value: str | None, own: Peer | None) -> int:
        """How many peers the group (`key`, `value`) holds for a respondent whose own pool row
        is `own` (left out when it sits in that group)."""
        group = self.groups.get((key, value))
        own_in_group = own is not None and own.group_value(key) == value
        return (group.size if group else 0) - own_in_group

    def _group(
        self, key: GroupKey, respondent: RespondentValues, own: Peer | None, k: int
    ) -> GroupComparison:
        value = respondent.group_value(key)
        label = group_label(key, value)
        group = self.groups.get((key, value))
        own_in_group = own is not None and own.group_value(key) == value
        n = self.peer_count(key, value, own)
        if group is None or n < k:
            return GroupComparison(key=key, label=label, enough_peers=False, n=None)
        own_values = own.metric_hundredths if own is not None and own_in_group else None
        metrics = []
        for column, respondent_value in enumerate(respondent.metric_hundredths):
            left_out = own_values[column] if own_values is not None else None
            sample = CountedSample.without(
                group.metrics[column], () if left_out is None else (left_out,)
            )
            metrics.append(None if sample.size < k else metric_stats(sample, respondent_value))
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


def _score(stats: MetricStats | None) -> MetricStats:
    # Scores are never unknown, so a shown group (n ≥ k) always shows them.
    assert stats is not None, "a score in a shown group cannot be withheld"
    return stats


def metric_stats(sample: CountedSample, respondent_value: int | None) -> MetricStats:
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


def _empty_counts() -> ValueCounts:
    return ValueCounts(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))


def _counts(column: Int64Array, known: npt.NDArray[np.bool_]) -> ValueCounts:
    return _grouped_counts(np.zeros(len(column), dtype=np.int32), 1, column, known)[0]


def _grouped_counts(
    codes: npt.NDArray[np.int32], code_count: int, column: Int64Array, known: npt.NDArray[np.bool_]
) -> list[ValueCounts]:
    """Each code's value counts, in one pass: bins of (code, value) when the range is small."""
    column, codes = column[known], codes[known]
    if len(column) == 0:
        return [_empty_counts() for _ in range(code_count)]
    low = int(column.min())
    span = int(column.max()) - low + 1
    if span * code_count <= _MAX_BINS:
        bins = np.bincount(
            codes.astype(np.int64) * span + (column - low), minlength=code_count * span
        ).reshape(code_count, span)
        found = []
        for row in bins:
            present = np.flatnonzero(row)
            found.append(ValueCounts(present.astype(np.int64) + low, row[present].astype(np.int64)))
        return found
    order = np.lexsort((column, codes))
    column, codes = column[order], codes[order]
    bounds = np.searchsorted(codes, np.arange(code_count + 1))
    return [ValueCounts.of(column[bounds[c] : bounds[c + 1]]) for c in range(code_count)]
