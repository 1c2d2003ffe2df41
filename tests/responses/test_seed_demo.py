"""`manage.py seed_demo`: plausible, valid, demo-flagged responses, scored as the survey scores."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO
from statistics import mean

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from benchmarks.models import PoolEntry
from responses.answers import AnswerValue, answer_parse, answers_unanswered
from responses.models import PillarScore, QuestionBank, Response, ResponseScore
from responses.services import profile_for_peer_groups, response_start
from scoring.bank import BankSpec, Kind, QuestionSpec
from scoring.scores import response_score
from survey.services import response_complete

pytestmark = pytest.mark.django_db


def seed(responses: int, seed: int = 1) -> str:
    out = StringIO()
    call_command("seed_demo", responses=responses, seed=seed, stdout=out)
    return out.getvalue()


def raw_input(question: QuestionSpec, value: AnswerValue) -> tuple[list[str], bool]:
    """What a respondent would have typed or ticked for a stored value (and "unknown")."""
    if value is None:
        return [], True
    if isinstance(value, list):
        return [str(code) for code in value], False
    return [str(value)], False


def role_question(spec: BankSpec, role: str) -> QuestionSpec:
    question = spec.question_for_role(role)
    assert question is not None
    return question


def scores_as_stored(response: Response) -> tuple[object, ...]:
    score = ResponseScore.objects.get(response=response)
    pillars = PillarScore.objects.filter(response_score=score).order_by("position")
    return (
        score.bank_id,
        score.overall,
        score.overall_bucket,
        score.nrr,
        score.retention,
        score.nps,
        score.customers_per_csm,
        [(p.position, p.pillar_key, p.score, p.bucket) for p in pillars],
    )


def test_seeded_responses_are_completed_valid_demo_responses(spec: BankSpec, bank: QuestionBank):
    output = seed(60)

    assert re.fullmatch(r"Created 60 demo responses .* in \d+\.\d s; .*\n", output)
    responses = list(Response.objects.all())
    assert len(responses) == 60
    # Peers are organisations: each demo respondent is one of its own.
    assert len({response.organisation_key for response in responses}) == 60
    now = timezone.now()
    for response in responses:
        assert response.status == Response.Status.COMPLETED
        assert response.is_demo and not response.excluded_from_benchmarks
        assert response.bank == bank
        assert re.fullmatch(r"cs-lead@demo-\d{6}\.demo\.cspi\.invalid", response.email)
        assert response.answers[str(role_question(spec, "email").number)] == response.email
        assert response.completed_at is not None
        assert now - timedelta(days=740) < response.completed_at <= now
        assert response.created_at <= response.completed_at
        assert answers_unanswered(spec, response.answers) == []
        for key, value in response.answers.items():
            question = spec.question(int(key))
            assert question is not None
            parsed = answer_parse(question, *raw_input(question, value))
            assert (parsed.error, parsed.value) == (None, value), (key, value)
        profile = profile_for_peer_groups(spec, response.answers)
        assert (response.region, response.industry, response.arr_band) == (
            profile["region"],
            profile["industry"],
            profile["arr_band"],
        )
        assert all(profile.values())
    assert len({response.email for response in responses}) == 60


def test_stored_scores_equal_scoring_for_their_answers(spec: BankSpec):
    seed(40)

    for response in Response.objects.all():
        expected = response_score(spec=spec, answers=response.answers)
        score = ResponseScore.objects.get(response=response)
        assert (score.overall, score.overall_bucket) == (
            expected.overall,
            expected.overall_bucket.key,
        )
        kpis = expected.kpis
        assert (score.nrr, score.retention, score.nps, score.customers_per_csm) == (
            kpis["nrr"],
            kpis["retention"],
            kpis["nps"],
            kpis["customers_per_csm"],
        )
        assert score.scored_at == response.completed_at
        assert [
            (row.position, row.pillar_key, row.score, row.bucket)
            for row in PillarScore.objects.filter(response_score=score).order_by("position")
        ] == [
            (position, pillar.key, pillar.score, pillar.bucket.key)
            for position, pillar in enumerate(expected.pillars)
        ]


def test_scores_are_stored_as_completing_the_survey_stores_them(bank: QuestionBank):
    seed(5)
    demo = Response.objects.order_by("pk").first()
    assert demo is not None
    given = response_start(bank=bank)
    Response.objects.filter(pk=given.pk).update(answers=demo.answers, email="real@example.com")

    assert response_complete(response=given).completed_now

    assert scores_as_stored(given) == scores_as_stored(demo)


def test_the_same_seed_gives_the_same_responses(bank: QuestionBank):
    def snapshot() -> list[tuple[object, ...]]:
        return [
            (r.email, r.answers, r.region, r.industry, r.arr_band, r.score.overall)
            for r in Response.objects.select_related("score").order_by("email")
        ]

    seed(30, seed=7)
    first = snapshot()
    Response.objects.all().delete()
    seed(30, seed=7)
    again = snapshot()
    Response.objects.all().delete()
    seed(30, seed=8)

    assert again == first
    assert snapshot() != first


def test_a_second_run_adds_new_demo_addresses(bank: QuestionBank):
    seed(10, seed=1)
    seed(10, seed=1)

    emails = list(Response.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails)) == 20


def test_larger_arr_bands_score_higher_on_average(spec: BankSpec):
    seed(400)

    by_band = defaultdict(list)
    for band, overall in Response.objects.values_list("arr_band", "score__overall"):
        by_band[band].append(float(overall))
    # The bank lists bands from the largest ("More than $1B") to the smallest.
    bands = [option.text for option in role_question(spec, "arr_band").options]
    larger = [score for band in bands[:4] for score in by_band[band]]
    smaller = [score for band in bands[4:] for score in by_band[band]]
    assert mean(larger) > mean(smaller) + 8
    size = [len(bands) - bands.index(band) for band in by_band for _ in by_band[band]]
    scores = [score for band in by_band for score in by_band[band]]
    assert np.corrcoef(size, scores)[0, 1] > 0.3


def test_scores_spread_over_every_bucket(spec: BankSpec):
    seed(400)

    every_bucket = {bucket.key for bucket in spec.buckets}
    overall = Counter(ResponseScore.objects.values_list("overall_bucket", flat=True))
    pillars = Counter(PillarScore.objects.values_list("bucket", flat=True))
    assert set(overall) == set(pillars) == every_bucket
    assert min(pillars.values()) >= 0.05 * sum(pillars.values())


def test_every_industry_band_and_region_reaches_k_when_there_are_enough(spec: BankSpec, settings):
    k = settings.BENCHMARK_K
    profile_questions = [role_question(spec, r) for r in ("industry", "arr_band", "region")]
    seed(k * max(len(question.options) for question in profile_questions))

    for question, field in zip(profile_questions, ("industry", "arr_band", "region"), strict=True):
        counts = Counter(Response.objects.values_list(field, flat=True))
        assert {option.text: counts[option.text] >= k for option in question.options} == {
            option.text: True for option in question.options
        }


def test_a_few_responses_are_spread_naturally(spec: BankSpec):
    seed(12)

    assert Response.objects.filter(is_demo=True, status=Response.Status.COMPLETED).count() == 12
    assert len(set(Response.objects.values_list("industry", flat=True))) > 1


def test_kpis_are_plausible_and_some_are_unknown(spec: BankSpec):
    seed(300)

    scores = list(ResponseScore.objects.all())
    plausible = {"nrr": (80, 130), "retention": (70, 98), "nps": (-20, 70)}
    for kpi, (low, high) in plausible.items():
        values = [getattr(score, kpi) for score in scores]
        unknown = sum(value is None for value in values)
        assert 0 < unknown < 0.25 * len(values), kpi
        assert all(low <= value <= high for value in values if value is not None), kpi
        assert role_question(spec, kpi).kind in (Kind.INTEGER, Kind.PERCENT)
    per_csm = [score.customers_per_csm for score in scores]
    assert all(value is not None and 1 <= value <= 1000 for value in per_csm)
    nrr = np.array([float(s.nrr) for s in scores if s.nrr is not None])
    nrr_overall = np.array([float(s.overall) for s in scores if s.nrr is not None])
    assert np.corrcoef(nrr, nrr_overall)[0, 1] > 0.2


def test_demo_responses_join_the_peer_pool_only_when_demo_data_counts(bank: QuestionBank, settings):
    settings.BENCHMARK_INCLUDE_DEMO = False
    seed(20)
    assert not PoolEntry.objects.filter(removed_seq__isnull=True).exists()

    settings.BENCHMARK_INCLUDE_DEMO = True
    output = seed(20)

    assert PoolEntry.objects.filter(removed_seq__isnull=True).count() == 40
    assert "the peer pool has 40 entries" in output


def test_refuses_when_no_bank_is_published(db: None):
    with pytest.raises(CommandError, match="No question bank 'cspi' is published"):
        seed(10)
    assert not Response.objects.exists()


@pytest.mark.parametrize("responses", [0, -3])
def test_refuses_fewer_than_one_response(bank: QuestionBank, responses: int):
    with pytest.raises(CommandError, match="at least 1"):
        seed(responses)
