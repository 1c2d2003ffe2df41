"""What a draft bank would do to the peer pool: pure statistics on kept and rescored hundredths.

Inputs are plain arrays (the pool's kept scores, and the same responses scored on the draft by
the vectorised path); the output is a JSON-ready summary for the confirmation page. Quartiles
use the interpolation of every other statistic (`benchmarks.percentiles`, SCORING.md §4), so a
quartile here is the number a respondent's comparison would show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.outcomes import OVERALL_LABEL
from benchmarks.percentiles import MEDIAN, P25, P75, CountedSample, ValueCounts, shown

Ints = npt.NDArray[np.int64]
LARGEST_CHANGES = 10


@dataclass(frozen=True, slots=True)
class Buckets:
    """A bank's buckets: keys and names with their lower bounds in hundredths."""

    keys: tuple[str, ...]
    names: tuple[str, ...]
    lower_bounds: tuple[int, ...]

    def rank_of(self, hundredths: Ints) -> Ints:
        """Each score's bucket as its rank from the lowest (0) upwards."""
        bounds = np.sort(np.asarray(self.lower_bounds, dtype=np.int64))
        return (np.searchsorted(bounds, hundredths, side="right") - 1).astype(np.int64)


@dataclass(frozen=True, slots=True)
class PoolScores:
    """Scores of the same responses, row for row: hundredths, pillars in `pillar_keys` order."""

    pillar_keys: tuple[str, ...]
    pillars: Ints  # (responses, pillars)
    overall: Ints  # (responses,)


def impact_summary(
    *,
    response_ids: Ints,
    old: PoolScores,
    new: PoolScores,
    old_buckets: Buckets,
    new_buckets: Buckets,
    pillar_names: dict[str, str],
) -> dict[str, Any]:
    """Bucket moves (overall and per pillar), quartiles before and after, the largest changes.

    The largest changes name their responses by `response_ids`, row for row with the scores.
    A bucket moves "up" when its rank among the bank's buckets rises. A pillar only one side
    has shows its quartiles on that side and no moves.
    """
    overall = {
        "key": "overall",
        "name": OVERALL_LABEL,  # kept in English: the page reads it with gettext
        **_moves(old.overall, new.overall, old_buckets, new_buckets),
        "old": _quartiles(old.overall),
        "new": _quartiles(new.overall),
    }
    pillars = []
    for key in _keys_in_order(new.pillar_keys, old.pillar_keys):
        old_values = _column(old, key)
        new_values = _column(new, key)
        row: dict[str, Any] = {"key": key, "name": pillar_names.get(key, key)}
        if old_values is not None and new_values is not None:
            row |= _moves(old_values, new_values, old_buckets, new_buckets)
        row |= {"old": _quartiles(old_values), "new": _quartiles(new_values)}
        pillars.append(row)
    return {
        "responses": len(response_ids),
        "score_changed": int((old.overall != new.overall).sum()),
        "overall": overall,
        "pillars": pillars,
        "largest": _largest_changes(response_ids, old.overall, new.overall),
    }


def _keys_in_order(first: Sequence[str], second: Sequence[str]) -> list[str]:
    return [*first, *(key for key in second if key not in first)]


def _column(scores: PoolScores, key: str) -> Ints | None:
    if key not in scores.pillar_keys:
        return None
    return scores.pillars[:, scores.pillar_keys.index(key)]


def _moves(old: Ints, new: Ints, old_buckets: Buckets, new_buckets: Buckets) -> dict[str, int]:
    old_rank, new_rank = old_buckets.rank_of(old), new_buckets.rank_of(new)
    up, down = int((new_rank > old_rank).sum()), int((new_rank < old_rank).sum())
    return {"changed_bucket": up + down, "up": up, "down": down}


def _quartiles(values: Ints | None) -> dict[str, str] | None:
    if values is None or values.size == 0:
        return None
    sample = CountedSample.without(ValueCounts.of(values), ())
    return {
        name: str(shown(sample.quantile(q)))
        for name, q in (("p25", P25), ("median", MEDIAN), ("p75", P75))
    }


def _largest_changes(response_ids: Ints, old: Ints, new: Ints) -> list[dict[str, Any]]:
    change = new - old
    moved = np.flatnonzero(change)
    # Largest absolute change first; on a tie, the order of the pool (stable).
    order = moved[np.argsort(-np.abs(change[moved]), kind="stable")][:LARGEST_CHANGES]
    return [
        {
            "response": int(response_ids[row]),
            "old": _shown(int(old[row])),
            "new": _shown(int(new[row])),
            "change": f"{int(change[row]) / 100:+.2f}",
        }
        for row in order.tolist()
    ]


def _shown(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"
