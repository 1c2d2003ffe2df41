"""`as_of` on every Benchmark answer, and `POST /api/v1/responses/{id}/benchmark`: compare again
with today's pool, kept as the latest; earlier comparisons and their reports stay as they were."""

from __future__ import annotations

import importlib
import json
from datetime import UTC

from django.apps import apps

from benchmarks.models import ResponseBenchmark
from consultants.models import ApiToken
from reports.models import Report
from responses.models import PillarScore
from tests.api.conftest import ApiClient, submission, user
from tests.examples import EXAMPLE_A

as_of_migration = importlib.import_module("benchmarks.migrations.0005_api_answer_as_of")


def respondent(api: ApiClient, n: int) -> str:
    answers = {**EXAMPLE_A, 3: f"cs@person{n}.example", 10: str(90 + n)}
    return api.post("/responses", submission(answers)).json()["id"]


def stamp(kept: ResponseBenchmark) -> str:
    return kept.computed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_benchmark_says_when_its_comparison_was_made(api, bank):
    rid = respondent(api, 0)
    body = api.get(f"/responses/{rid}/benchmark").json()
    kept = ResponseBenchmark.objects.get(response__public_id=rid)
    assert list(body) == ["k", "as_of", "peer_unit", "window_months", "groups"]
    assert (body["peer_unit"], body["window_months"]) == ("organisation", 24)
    assert body["as_of"] == stamp(kept) and body["as_of"].endswith("Z")


def test_answers_kept_before_as_of_get_it_from_their_date_and_nothing_else_changes(api, bank):
    rid = respondent(api, 0)
    kept = ResponseBenchmark.objects.get(response__public_id=rid)
    current = kept.api_json
    older = json.loads(current)
    del older["as_of"]
    ResponseBenchmark.objects.filter(pk=kept.pk).update(api_json=json.dumps(older))

    as_of_migration.add_as_of(apps, None)

    assert ResponseBenchmark.objects.get(pk=kept.pk).api_json == current
    assert api.get(f"/responses/{rid}/benchmark").content.decode() == current
    as_of_migration.remove_as_of(apps, None)  # reversible
    assert ResponseBenchmark.objects.get(pk=kept.pk).api_json == json.dumps(older)


def test_comparing_again_keeps_a_new_comparison_that_get_then_answers(api, bank, settings):
    settings.BENCHMARK_K = 2
    mine = respondent(api, 0)
    respondent(api, 1)
    earlier = ResponseBenchmark.objects.get(response__public_id=mine)
    assert api.get(f"/responses/{mine}/benchmark").json()["groups"][0]["n"] is None
    report = Report.objects.get(response__public_id=mine)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.READY)
    respondent(api, 2)

    again = api.post(f"/responses/{mine}/benchmark")

    assert again.status_code == 200
    body = again.json()
    assert body["groups"][0]["n"] == 2 and body["as_of"] >= stamp(earlier)
    assert api.get(f"/responses/{mine}/benchmark").json() == body
    assert ResponseBenchmark.objects.filter(response__public_id=mine).count() == 2
    unchanged = ResponseBenchmark.objects.get(pk=earlier.pk)
    assert (unchanged.api_json, unchanged.computed_at) == (earlier.api_json, earlier.computed_at)
    # The report printed before keeps its comparison; one asked for now prints the new one.
    assert Report.objects.get(pk=report.pk).benchmark_id == earlier.pk
    assert api.post(f"/responses/{mine}/report").status_code == 202
    latest = Report.objects.filter(response__public_id=mine).latest("generation")
    assert latest.pk != report.pk
    assert latest.benchmark == ResponseBenchmark.objects.filter(response__public_id=mine).first()
    assert latest.benchmark_id != earlier.pk


def test_comparing_again_reads_only_responses_the_token_may_see(api, bank):
    mine = respondent(api, 0)
    _, other_secret = ApiToken.issue(user=user("b@consult.example"), name="other")
    other = ApiClient(other_secret)

    assert other.post(f"/responses/{mine}/benchmark").status_code == 404
    assert api.post("/responses/nosuchresponse00000000/benchmark").status_code == 404
    assert ApiClient(None).post(f"/responses/{mine}/benchmark").status_code == 401
    assert ResponseBenchmark.objects.count() == 1


def test_a_response_scored_against_other_pillars_than_the_pool_answers_409(api, bank):
    mine = respondent(api, 0)
    PillarScore.objects.filter(
        response_score__response__public_id=mine, pillar_key="alignment"
    ).delete()

    reply = api.post(f"/responses/{mine}/benchmark")

    assert reply.status_code == 409
    assert reply.json() == {
        "detail": "This response cannot be compared with the current peer pool."
    }
    assert ResponseBenchmark.objects.count() == 1
