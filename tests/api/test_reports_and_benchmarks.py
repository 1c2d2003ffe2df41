"""A response's benchmark and report through the API; the docs and the OpenAPI document."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from benchmarks.models import ResponseBenchmark
from benchmarks.payload import kept_comparison_to_api
from reports.models import Report
from tests.api.conftest import ApiClient, submission
from tests.examples import EXAMPLE_A


def submitted(api) -> str:
    return api.post("/responses", submission()).json()["id"]


def test_benchmark_is_the_stored_comparison_with_four_groups(api, bank):
    rid = submitted(api)
    reply = api.get(f"/responses/{rid}/benchmark")
    assert reply.status_code == 200
    body = reply.json()
    assert [g["key"] for g in body["groups"]] == ["all", "industry", "arr_band", "region"]
    alone = body["groups"][0]  # the only respondent: every group withheld
    assert alone == {"key": "all", "label": "All respondents", "enough_peers": False, "n": None}


def peers_then_me(api, settings) -> str:
    """Two earlier respondents (K = 2), then the response whose benchmark is read."""
    settings.BENCHMARK_K = 2
    for n in range(3):
        answers = {**EXAMPLE_A, 3: f"cs@person{n}.example", 10: str(90 + n)}
        rid = api.post("/responses", submission(answers)).json()["id"]
    return rid


def test_benchmark_answer_is_the_kept_comparison_in_numbers(api, bank, settings):
    rid = peers_then_me(api, settings)
    body = api.get(f"/responses/{rid}/benchmark").json()
    kept = ResponseBenchmark.objects.get(response__public_id=rid)
    assert body == kept_comparison_to_api(kept.comparison, as_of=kept.computed_at)
    everyone = body["groups"][0]
    assert (everyone["enough_peers"], everyone["n"]) == (True, 2)
    assert everyone["overall"]["median"] == float(kept.comparison["groups"][0]["overall"]["median"])


def test_a_comparison_kept_before_answers_were_answers_the_same(api, bank, settings):
    rid = peers_then_me(api, settings)
    fresh = api.get(f"/responses/{rid}/benchmark").json()
    ResponseBenchmark.objects.update(api_json="")  # as kept by an earlier version
    older = api.get(f"/responses/{rid}/benchmark")
    assert (older.status_code, older["Content-Type"]) == (200, "application/json")
    assert older.json() == fresh
    assert ResponseBenchmark.objects.filter(response__public_id=rid).count() == 1  # not remade


def test_benchmark_is_computed_when_none_was_kept(api, bank):
    rid = submitted(api)
    ResponseBenchmark.objects.all().delete()
    assert api.get(f"/responses/{rid}/benchmark").status_code == 200
    assert ResponseBenchmark.objects.count() == 1


def test_report_states_request_and_download(api, bank):
    rid = submitted(api)
    assert api.get(f"/responses/{rid}/report").json() == {"status": "pending", "pdf_url": None}
    pdf = api.get(f"/responses/{rid}/report.pdf")
    assert (pdf.status_code, pdf.json()["status"]) == (409, "pending")
    # Idempotent while one is pending: no second report.
    again = api.post(f"/responses/{rid}/report")
    assert (again.status_code, again.json()["status"]) == (202, "pending")
    assert Report.objects.count() == 1
    report = Report.objects.get()
    report.file.save("r.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY, file=report.file.name, finished_at=timezone.now()
    )
    state = api.get(f"/responses/{rid}/report").json()
    assert state == {"status": "ready", "pdf_url": f"/api/v1/responses/{rid}/report.pdf"}
    download = api.get(f"/responses/{rid}/report.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Once ready, asking again queues a new render.
    new = api.post(f"/responses/{rid}/report")
    assert (new.status_code, new.json()["status"]) == (202, "pending")
    assert Report.objects.count() == 2


def test_failed_report_is_requested_again(api, bank):
    rid = submitted(api)
    Report.objects.update(status=Report.Status.FAILED)
    assert api.get(f"/responses/{rid}/report.pdf").json()["status"] == "failed"
    assert api.post(f"/responses/{rid}/report").status_code == 202
    assert Report.objects.filter(status=Report.Status.PENDING).count() == 1


def test_no_report_at_all_is_404(api, bank):
    rid = submitted(api)
    Report.objects.all().delete()
    assert api.get(f"/responses/{rid}/report").status_code == 404
    assert api.get(f"/responses/{rid}/report.pdf").status_code == 404


def test_openapi_document_describes_exactly_the_contracts_endpoints(db):
    reply = ApiClient(None).get("/openapi.json")
    assert reply.status_code == 200
    paths = reply.json()["paths"]
    assert {(path, method) for path, ops in paths.items() for method in ops} == {
        ("/api/v1/banks/current", "get"),
        ("/api/v1/outcomes", "get"),
        ("/api/v1/responses", "post"),
        ("/api/v1/responses/{id}", "get"),
        ("/api/v1/responses/{id}/benchmark", "get"),
        ("/api/v1/responses/{id}/benchmark", "post"),
        ("/api/v1/responses/{id}/report", "get"),
        ("/api/v1/responses/{id}/report", "post"),
        ("/api/v1/teams/{team_id}", "get"),
        ("/api/v1/responses/{id}/report.pdf", "get"),
    }


def test_docs_load_only_our_own_files_under_the_sites_csp(db):
    reply = ApiClient(None).get("/docs")
    assert reply.status_code == 200
    page = reply.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "http" not in page.replace("http-equiv", "")
    assert "script-src 'self'" in reply["Content-Security-Policy"]
    assert "unsafe-inline" not in reply["Content-Security-Policy"]
