"""Progress between assessments, on SCORING.md's worked examples: A (14.28, Undeveloped) taken
again as B (61.13, Expanding)."""

from datetime import UTC, datetime
from decimal import Decimal

from scoring.bank import BucketSpec
from scoring.progress import (
    Assessment,
    Direction,
    PillarKept,
    bucket_crossing,
    progress_over,
)
from scoring.scores import response_score
from tests.scoring import BUCKETS, EXAMPLE_A, EXAMPLE_B, ByText, default_bank, stored_answers

MARCH = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _assessment(by_text: ByText, when: datetime) -> Assessment:
    """An assessment as kept: the rounded scores and their buckets."""
    spec = default_bank()
    scores = response_score(spec=spec, answers=stored_answers(spec, by_text))
    return Assessment(
        completed_at=when,
        overall=scores.overall,
        bucket=scores.overall_bucket,
        pillars=tuple(PillarKept(p.key, p.name, p.score, p.bucket) for p in scores.pillars),
    )


def test_a_single_assessment_has_no_progress() -> None:
    assert progress_over([_assessment(EXAMPLE_A, MARCH)]) is None
    assert progress_over([]) is None


def test_example_a_then_b_changes_by_the_exact_difference_of_the_kept_scores() -> None:
    progress = progress_over([_assessment(EXAMPLE_A, MARCH), _assessment(EXAMPLE_B, DECEMBER)])

    assert progress is not None
    assert progress.previous.completed_at == MARCH
    assert progress.overall.difference == Decimal("46.85")  # 61.13 − 14.28
    assert (progress.overall.signed, progress.overall.words) == ("+46.85", "up 46.85 points")
    changes = {change.key: change.difference for change in progress.pillars}
    assert changes == {
        "alignment": Decimal("56.57"),  # 59.60 − 3.03
        "team": Decimal("52.38"),  # 80.16 − 27.78
        "segmentation": Decimal("61.90"),
        "playbook": Decimal("50.00"),  # 83.33 − 33.33
        "resources": Decimal("26.25"),  # 41.25 − 15.00
        "onboarding": Decimal("33.33"),  # 58.33 − 25.00
        "relationship": Decimal("53.33"),  # 58.33 − 5.00
        "roi": Decimal("41.02"),  # 46.15 − 5.13
    }


def test_buckets_crossed_are_named_with_their_direction_the_overall_first() -> None:
    progress = progress_over([_assessment(EXAMPLE_A, MARCH), _assessment(EXAMPLE_B, DECEMBER)])

    assert progress is not None
    crossed = [(change.name, crossing.words) for change, crossing in progress.crossings]
    assert crossed[0] == ("Overall", "rose from Undeveloped to Expanding")
    assert ("Team", "rose from Emerging to Conquering") in crossed
    assert ("Resources", "rose from Undeveloped to Emerging") in crossed
    assert len(crossed) == 9  # every pillar and the overall score moved up at least one bucket


def test_going_back_reads_down_with_a_true_minus_and_the_bucket_fallen_from() -> None:
    progress = progress_over([_assessment(EXAMPLE_B, MARCH), _assessment(EXAMPLE_A, DECEMBER)])

    assert progress is not None
    assert progress.overall.direction is Direction.DOWN
    assert (progress.overall.signed, progress.overall.words) == ("\u221246.85", "down 46.85 points")
    assert progress.crossings[0][1].words == "fell from Expanding to Undeveloped"


def test_the_same_answers_again_change_nothing_and_cross_nothing() -> None:
    progress = progress_over([_assessment(EXAMPLE_A, MARCH), _assessment(EXAMPLE_A, DECEMBER)])

    assert progress is not None
    assert {change.words for change in (progress.overall, *progress.pillars)} == {"no change"}
    assert progress.overall.signed == "0.00"
    assert progress.crossings == ()


def test_the_trend_holds_every_assessment_oldest_first_and_compares_the_last_two() -> None:
    june = datetime(2026, 6, 1, tzinfo=UTC)
    progress = progress_over(
        [
            _assessment(EXAMPLE_A, MARCH),
            _assessment(EXAMPLE_B, june),
            _assessment(EXAMPLE_A, DECEMBER),
        ]
    )

    assert progress is not None
    assert [(p.completed_at, str(p.overall)) for p in progress.trend] == [
        (MARCH, "14.28"),
        (june, "61.13"),
        (DECEMBER, "14.28"),
    ]
    assert progress.count == 3
    assert progress.previous.completed_at == june


def test_a_pillar_only_one_assessment_scored_is_left_out_of_the_changes() -> None:
    earlier = _assessment(EXAMPLE_A, MARCH)
    later = _assessment(EXAMPLE_B, DECEMBER)
    earlier = Assessment(earlier.completed_at, earlier.overall, earlier.bucket, earlier.pillars[1:])

    progress = progress_over([earlier, later])

    assert progress is not None
    assert [change.key for change in progress.pillars] == [p.key for p in later.pillars[1:]]


def test_a_bucket_renamed_at_the_same_bound_is_not_a_crossing() -> None:
    renamed = BucketSpec("starting", "Starting", BUCKETS[0].lower_bound)

    assert bucket_crossing(BUCKETS[0], renamed) is None
    crossing = bucket_crossing(BUCKETS[1], BUCKETS[3])
    assert crossing is not None and crossing.direction is Direction.UP
