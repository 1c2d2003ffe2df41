"""Who reaches what: consultant A (the owner), consultant B, an anonymous visitor and an admin,
against every workspace page, download and API endpoint that names one of A's objects.

The owner and admins get in; B gets 404 exactly like for something that does not exist (never a
403 that would confirm it exists); an anonymous visitor is sent to sign in (pages) or gets 401
(the API).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from consultants.campaigns import campaign_create
from consultants.models import ApiToken
from reports.archives import archive_build, archive_request
from reports.models import Report
from responses.models import Response
from survey.services import response_complete
from tests.examples import EXAMPLE_A
from tests.survey.answering import stored_form

WHO = ("owner", "other", "admin", "anonymous")
EXPECTED_PAGE = {"owner": 200, "other": 404, "admin": 200, "anonymous": 302}
EXPECTED_API = {"owner": 200, "other": 404, "admin": 200, "anonymous": 401}


@pytest.fixture
def world(bank, spec, tmp_path, settings) -> dict[str, object]:
    cache.clear()
    settings.MEDIA_ROOT = tmp_path
    users = {
        "owner": User.objects.create_user("a@example.com", "a@example.com", "pw"),
        "other": User.objects.create_user("b@example.com", "b@example.com", "pw"),
        "admin": User.objects.create_superuser("root@example.com", "root@example.com", "pw"),
    }
    campaign = campaign_create(
        owner=users["owner"], client_name="Acme", note="", bank=bank, closes_on=None
    )
    response = Response.objects.create(bank=bank, campaign=campaign, email="ada@example.com")
    Response.objects.filter(pk=response.pk).update(answers=stored_form(spec, EXAMPLE_A))
    response_complete(response=response)
    response.refresh_from_db()
    report = Report.objects.get(response=response)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "r.pdf").write_bytes(b"%PDF-1.7")
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY, file="reports/r.pdf", finished_at=timezone.now()
    )
    archive = archive_request(campaign=campaign)
    archive_build(archive_id=archive.pk)
    secrets = {who: ApiToken.issue(user=user, name="t")[1] for who, user in users.items()}
    return {
        "users": users,
        "campaign": campaign,
        "response": response,
        "report": report,
        "archive": archive,
        "secrets": secrets,
    }


def page_client(world: dict, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world["users"][who])  # type: ignore[index]
    return client


@pytest.mark.parametrize("who", WHO)
def test_workspace_pages_and_downloads(world, who):
    campaign, report, archive = world["campaign"], world["report"], world["archive"]
    client = page_client(world, who)
    for path in (
        f"/workspace/campaigns/{campaign.token}/",
        f"/workspace/campaigns/{campaign.token}/responses.csv",
        f"/workspace/campaigns/{campaign.token}/responses.xlsx",
        f"/workspace/campaigns/{campaign.token}/archive/status/",
        f"/workspace/archives/{archive.token}.zip",
        f"/workspace/reports/{report.token}.pdf",
    ):
        assert client.get(path).status_code == EXPECTED_PAGE[who], path
    archive_post = client.post(f"/workspace/campaigns/{campaign.token}/archive/")
    assert archive_post.status_code == {"owner": 302, "admin": 302}.get(who, EXPECTED_PAGE[who])


@pytest.mark.parametrize("who", WHO)
def test_api_endpoints(world, who):
    cache.clear()
    response = world["response"]
    headers = {} if who == "anonymous" else {"Authorization": f"Bearer {world['secrets'][who]}"}
    client = Client()
    base = f"/api/v1/responses/{response.public_id}"
    for path in (base, f"{base}/benchmark", f"{base}/report", f"{base}/report.pdf"):
        assert client.get(path, headers=headers).status_code == EXPECTED_API[who], path
    queued = client.post(f"{base}/report", "{}", content_type="application/json", headers=headers)
    assert queued.status_code == {"owner": 202, "admin": 202}.get(who, EXPECTED_API[who])


def test_someone_elses_id_and_a_missing_one_answer_alike(world):
    headers = {"Authorization": f"Bearer {world['secrets']['other']}"}
    client = Client()
    theirs = client.get(f"/api/v1/responses/{world['response'].public_id}", headers=headers)
    missing = client.get("/api/v1/responses/no-such-id", headers=headers)
    assert (theirs.status_code, json.loads(theirs.content)) == (
        missing.status_code,
        json.loads(missing.content),
    )
