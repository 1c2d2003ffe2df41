"""Rescoring stored responses onto a new bank version: what is written, what is reported.

Every rescore test runs through both write paths where the database has them: PostgreSQL's
set-based UPDATEs and the ORM's `bulk_update` that other databases use. Expected scores come
from the one-response scorer, so both paths must store exactly what completing would store.
"""

from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.db import connection

from responses import rescore
from responses.models import QuestionBank, Response, ResponseScore
from responses.rescore import responses_rescore
from responses.selectors import bank_spec_for
from responses.services import response_start
from scoring.bank import BankSpec
from scoring.scores import response_score
from survey.services import response_complete
from tests.conftest import DEFAULT_BANK_FILE
from tests.survey.answering import EXAMPLE_A, EXAMPLE_B, Answers, stored_form

pytestmark = pytest.mark.django_db

Document = dict[str, Any]


@pytest.fixture(params=["set-based", "bulk_update"], autouse=True)
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "set-based" and connection.vendor != "postgresql":
        pytest.skip("set-based writes are PostgreSQL's")
    if request.param == "bulk_update":
        monkeypatch.setattr(rescore, "_set_based_writes", lambda: False)
    yield request.param


def completed(spec: BankSpec, answers: Answers = EXAMPLE_A) -> Response:
    response = response_start(bank=QuestionBank.objects.get(key=spec.key, version=spec.version))
    Response.objects.filter(pk=response.pk).update(answers=stored_form(spec, answers))
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


def publish_version_2(tmp_path: Path, change: Callable[[Document], None]) -> QuestionBank:
    document = yaml.safe_load(DEFAULT_BANK_FILE.read_text(encoding="utf-8"))
    document["version"] = 2
    change(document)
    path = tmp_path / "cspi-v2.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    call_command("load_bank", str(path), publish=True, stdout=StringIO())
    return QuestionBank.objects.get(key="cspi", version=2)


def question(document: Document, number: int) -> Document:
    return next(q for q in document["questions"] if q["number"] == number)


def q15_no_manager_earns_a_point(document: Document) -> None:
    question(document, 15)["options"][0]["points"] = 1


def emerging_starts_at_30(document: Document) -> None:
    next(b for b in document["buckets"] if b["key"] == "emerging")["from"] = 30


def emerging_renamed_developing(document: Document) -> None:
    bucket = next(b for b in document["buckets"] if b["key"] == "emerging")
    bucket["key"], bucket["name"] = "developing", "Developing"


def roi_renamed_value(document: Document) -> None:
    next(p for p in document["pillars"] if p["key"] == "roi")["key"] = "value"
    for item in document["questions"]:
        if item.get("pillar") == "roi":
            item["pillar"] = "value"


def stored(response: Response) -> tuple[Any, ...]:
    score = ResponseScore.objects.get(response=response)
    pillars = [
        (row.pillar_key, row.position, str(row.score), row.bucket)
        for row in score.pillars.order_by("position")
    ]
    kpis = (score.nrr, score.retention, score.nps, score.customers_per_csm)
    return (score.bank_id, str(score.overall), score.overall_bucket, kpis, pillars)


def expected(response: Response, bank: QuestionBank) -> tuple[Any, ...]:
    """What completing the response on `bank` would have stored."""
    scores = response_score(spec=bank_spec_for(bank=bank), answers=response.answers)
    pillars = [
        (pillar.key, position, str(pillar.score), pillar.bucket.key)
        for position, pillar in enumerate(scores.pillars)
    ]
    kpis = scores.kpis
    kpi_values = (kpis["nrr"], kpis["retention"], kpis["nps"], kpis["customers_per_csm"])
    return (bank.pk, str(scores.overall), scores.overall_bucket.key, kpi_values, pillars)


def test_changed_points_are_written_and_the_largest_changes_reported(spec, tmp_path):
    a, b = completed(spec, EXAMPLE_A), completed(spec, EXAMPLE_B)
    v2 = publish_version_2(tmp_path, q15_no_manager_earns_a_point)

    report = responses_rescore(bank=v2, batch_size=1)

    assert (report.examined, report.changed, report.failed) == (2, 2, [])
    assert stored(a) == expected(a, v2) and stored(b) == expected(b, v2)
    assert str(report.largest_change["alignment"]) == "11.11"
    assert str(report.largest_change["team"]) == "0"


def test_moved_bucket_bounds_rewrite_buckets_of_equal_scores(spec, tmp_path):
    a = completed(spec, EXAMPLE_A)  # team 27.78 and onboarding 25.00: emerging on v1
    v2 = publish_version_2(tmp_path, emerging_starts_at_30)

    report = responses_rescore(bank=v2)

    assert report.changed == 1
    assert stored(a) == expected(a, v2)
    pillars = {key: (score, bucket) for key, _, score, bucket in stored(a)[4]}
    assert pillars["team"] == ("27.78", "undeveloped")
    assert pillars["onboarding"] == ("25.00", "undeveloped")


def test_a_renamed_bucket_replaces_the_old_key(spec, tmp_path):
    a, b = completed(spec, EXAMPLE_A), completed(spec, EXAMPLE_B)
    v2 = publish_version_2(tmp_path, emerging_renamed_developing)

    responses_rescore(bank=v2)

    assert stored(a) == expected(a, v2) and stored(b) == expected(b, v2)
    assert "developing" in {bucket for *_, bucket in stored(a)[4]}


def test_a_renamed_pillar_gets_the_new_pillar_rows_and_loses_the_old(spec, tmp_path):
    a, b = completed(spec, EXAMPLE_A), completed(spec, EXAMPLE_B)
    v2 = publish_version_2(tmp_path, roi_renamed_value)

    report = responses_rescore(bank=v2)

    assert report.changed == 2
    assert stored(a) == expected(a, v2) and stored(b) == expected(b, v2)
    assert "roi" not in report.largest_change and "value" not in report.largest_change


def test_a_completed_response_without_scores_gets_them(spec, tmp_path):
    a, b = completed(spec, EXAMPLE_A), completed(spec, EXAMPLE_B)
    ResponseScore.objects.filter(response=a).delete()
    v2 = publish_version_2(tmp_path, q15_no_manager_earns_a_point)

    report = responses_rescore(bank=v2)

    assert report.changed == 2
    assert stored(a) == expected(a, v2) and stored(b) == expected(b, v2)


@pytest.mark.parametrize("batch_size", [1, 3, 2000])
def test_unscorable_responses_are_reported_and_kept_while_the_rest_are_rescored(
    spec, tmp_path, batch_size
):
    responses = [completed(spec, answers) for answers in (EXAMPLE_A, EXAMPLE_B) * 3]
    broken = responses[1:4]  # next to each other, so one batch meets several
    for response in broken:
        Response.objects.filter(pk=response.pk).update(answers={**response.answers, "16": [1699]})
    before = {response.pk: stored(response) for response in broken}
    v2 = publish_version_2(tmp_path, q15_no_manager_earns_a_point)

    report = responses_rescore(bank=v2, batch_size=batch_size)

    assert [failure.split(":")[0] for failure in report.failed] == [
        f"Response #{response.pk}" for response in broken
    ]
    assert "question 16" in report.failed[0]
    assert (report.examined, report.changed) == (3, 3)
    assert {response.pk: stored(response) for response in broken} == before
    for response in responses[:1] + responses[4:]:
        assert stored(response) == expected(response, v2)


def test_a_response_whose_kpis_cannot_be_read_is_reported_and_kept(spec, tmp_path):
    a, b = completed(spec, EXAMPLE_A), completed(spec, EXAMPLE_B)
    Response.objects.filter(pk=a.pk).update(answers={**a.answers, "10": "ninety-six"})
    before = stored(a)
    v2 = publish_version_2(tmp_path, q15_no_manager_earns_a_point)

    report = responses_rescore(bank=v2)

    assert len(report.failed) == 1
    assert report.failed[0].startswith(f"Response #{a.pk}: question 10:")
    assert (report.examined, report.changed) == (1, 1)
    assert stored(a) == before
    assert stored(b) == expected(b, v2)


def test_a_dry_run_reports_the_changes_and_writes_nothing(spec, tmp_path):
    responses = [completed(spec, EXAMPLE_A), completed(spec, EXAMPLE_B)]
    before = [stored(response) for response in responses]
    v2 = publish_version_2(tmp_path, q15_no_manager_earns_a_point)

    report = responses_rescore(bank=v2, dry_run=True)

    assert (report.examined, report.changed) == (2, 2)
    assert str(report.largest_change["alignment"]) == "11.11"
    assert [stored(response) for response in responses] == before


def test_rescoring_again_writes_nothing(spec, tmp_path):
    a = completed(spec, EXAMPLE_A)
    v2 = publish_version_2(tmp_path, q15_no_manager_earns_a_point)
    responses_rescore(bank=v2)
    scored_at = ResponseScore.objects.get(response=a).scored_at

    report = responses_rescore(bank=v2)

    assert (report.examined, report.changed, report.largest_change) == (1, 0, {})
    assert ResponseScore.objects.get(response=a).scored_at == scored_at
