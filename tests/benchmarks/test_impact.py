"""The impact of publishing a draft on the peer pool: its numbers against an independent pandas
computation, the fingerprint that notices an edited draft, and two admins publishing at once."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
import pytest

from benchmarks.impact import (
    PublishRefused,
    bank_fingerprint,
    bank_impact_for,
    bank_publish_confirmed,
)
from benchmarks.models import BankImpact, PoolEntry
from benchmarks.services import peer_pool_rebuild
from responses.demo import demo_responses_create
from responses.models import Option, QuestionBank
from responses.selectors import bank_spec_for
from responses.services import bank_new_version
from scoring.scores import response_score

BOUNDS = [0, 2500, 5000, 7500]


@pytest.fixture
def pool(bank: QuestionBank, settings: object) -> QuestionBank:
    settings.BENCHMARK_INCLUDE_DEMO = True  # type: ignore[attr-defined]
    demo_responses_create(bank=bank, count=60, seed=16, min_group=0)
    peer_pool_rebuild()
    return bank


@pytest.fixture
def draft(pool: QuestionBank) -> QuestionBank:
    """A draft where a low rung of Alignment's first question earns full points."""
    draft = bank_new_version(bank=pool)
    _points_set(draft, question=15, position=0, points=3)
    return draft


def _points_set(bank: QuestionBank, *, question: int, position: int, points: int) -> None:
    Option.objects.filter(question__bank=bank, question__number=question, position=position).update(
        points=points
    )


def _expected(draft: QuestionBank) -> pd.DataFrame:
    """Old (kept in the pool) and new (scored one by one, exactly) overall and pillar scores."""
    spec = bank_spec_for(bank=draft)
    rows = []
    for entry in PoolEntry.objects.filter(removed_seq__isnull=True).select_related("response"):
        response = entry.response
        assert response is not None
        scores = response_score(spec=spec, answers=response.answers)
        row = {"id": response.public_id, "old_overall": entry.overall}
        row["new_overall"] = int(scores.overall * 100)
        for column, pillar in enumerate(scores.pillars):
            row[f"old_{pillar.key}"] = entry.pillars[column]
            row[f"new_{pillar.key}"] = int(pillar.score * 100)
        rows.append(row)
    return pd.DataFrame(rows)


def _result(impact: BankImpact) -> dict[str, Any]:
    assert impact.result is not None
    return impact.result


def _bucket(values: pd.Series) -> pd.Series:
    return pd.cut(values, bins=[*BOUNDS, 10_001], right=False, labels=False)


def _quartile(values: pd.Series, q: float) -> str:
    exact = Decimal(repr(float(values.quantile(q)))) / 100
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_impact_counts_and_quartiles_match_an_independent_computation(
    draft: QuestionBank, admin_user: object
) -> None:
    impact = bank_impact_for(bank=draft, user=admin_user)

    assert impact.status == BankImpact.Status.DONE
    result = _result(impact)
    frame = _expected(draft)
    assert result["responses"] == len(frame) == 60
    assert result["score_changed"] == int((frame.old_overall != frame.new_overall).sum())
    moved = _bucket(frame.new_overall) - _bucket(frame.old_overall)
    assert result["overall"]["up"] == int((moved > 0).sum())
    assert result["overall"]["down"] == int((moved < 0).sum()) == 0
    for pillar in result["pillars"]:
        key = pillar["key"]
        moved = _bucket(frame[f"new_{key}"]) - _bucket(frame[f"old_{key}"])
        assert pillar["changed_bucket"] == int((moved != 0).sum()), key
        for side in ("old", "new"):
            values = frame[f"{side}_{key}"]
            assert pillar[side] == {
                "p25": _quartile(values, 0.25),
                "median": _quartile(values, 0.5),
                "p75": _quartile(values, 0.75),
            }, (key, side)
    alignment = next(p for p in result["pillars"] if p["key"] == "alignment")
    assert alignment["up"] > 0 and alignment["old"] != alignment["new"]
    change = (frame.new_overall - frame.old_overall).abs()
    assert len(result["largest"]) == min(10, int((change > 0).sum()))
    assert abs(float(result["largest"][0]["change"])) * 100 == pytest.approx(change.max())
    assert result["largest"][0]["response"] in set(frame.id[change == change.max()])


def test_an_unchanged_copy_moves_nothing(pool: QuestionBank, admin_user: object) -> None:
    impact = bank_impact_for(bank=bank_new_version(bank=pool), user=admin_user)

    assert _result(impact)["score_changed"] == 0
    assert _result(impact)["overall"]["changed_bucket"] == 0
    assert _result(impact)["largest"] == []
    assert all(p["old"] == p["new"] for p in _result(impact)["pillars"])


def test_the_impact_is_computed_once_per_state_of_the_draft(
    draft: QuestionBank, admin_user: object
) -> None:
    first = bank_impact_for(bank=draft, user=admin_user)
    assert bank_impact_for(bank=draft, user=admin_user).pk == first.pk

    _points_set(draft, question=15, position=1, points=3)

    assert bank_fingerprint(bank=draft) != first.fingerprint
    again = bank_impact_for(bank=draft, user=admin_user)
    assert again.pk != first.pk and again.fingerprint == bank_fingerprint(bank=draft)


def test_a_draft_changed_since_its_impact_is_not_published(
    draft: QuestionBank, admin_user: object
) -> None:
    impact = bank_impact_for(bank=draft, user=admin_user)
    _points_set(draft, question=15, position=1, points=3)

    with pytest.raises(PublishRefused, match="changed after its impact"):
        bank_publish_confirmed(bank_id=draft.pk, impact_id=impact.pk)

    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT


def test_of_two_admins_publishing_the_second_is_told(
    draft: QuestionBank, admin_user: object
) -> None:
    impact = bank_impact_for(bank=draft, user=admin_user)
    bank_publish_confirmed(bank_id=draft.pk, impact_id=impact.pk)

    with pytest.raises(PublishRefused, match="published or archived meanwhile"):
        bank_publish_confirmed(bank_id=draft.pk, impact_id=impact.pk)

    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.PUBLISHED
    assert QuestionBank.objects.filter(status=QuestionBank.Status.PUBLISHED).count() == 1


def test_a_large_pool_goes_to_the_worker_which_notes_its_progress(
    draft: QuestionBank,
    admin_user: object,
    monkeypatch: pytest.MonkeyPatch,
    tasks_run_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr("benchmarks.impact.INLINE_LIMIT", 10)
    monkeypatch.setattr("benchmarks.impact.BATCH_SIZE", 25)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        impact = bank_impact_for(bank=draft, user=admin_user)
    assert (impact.status, impact.done, impact.total) == (BankImpact.Status.PENDING, 0, 60)

    for callback in queued:
        callback()  # the worker's run

    impact.refresh_from_db()
    assert (impact.status, impact.done, impact.total) == (BankImpact.Status.DONE, 60, 60)
    assert _result(impact)["responses"] == 60


def test_an_impact_no_worker_finished_is_asked_again(
    draft: QuestionBank, admin_user: object
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from benchmarks.impact import bank_fingerprint

    lost = BankImpact.objects.create(
        bank=draft, fingerprint=bank_fingerprint(bank=draft), total=60, done=25
    )
    BankImpact.objects.filter(pk=lost.pk).update(
        status=BankImpact.Status.RUNNING, requested_at=timezone.now() - timedelta(hours=1)
    )

    impact = bank_impact_for(bank=draft, user=admin_user)  # a small pool: computed here

    assert impact.pk != lost.pk and impact.status == BankImpact.Status.DONE
    lost.refresh_from_db()
    assert lost.status == BankImpact.Status.FAILED
