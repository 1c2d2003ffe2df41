"""Each page's privacy line is true for that page: the public survey's, a campaign's (naming the
consultant who sees the answers), the consultant's own pages; the privacy notice says the rest."""

from __future__ import annotations

import pytest
from django.test import Client

from responses.models import Campaign, Response
from tests.privacy.test_erasure import campaign, completed  # noqa: F401 - a fixture
from tests.survey.answering import CONSENT

pytestmark = pytest.mark.django_db


def privacy_line(page) -> str:  # type: ignore[no-untyped-def]
    html = page.content.decode()
    start = html.index('<p class="mb-1 privacy-line">')
    return " ".join(html[start : html.index("</p>", start)].split())


def test_the_public_survey_promises_no_name_or_address_to_peers(bank):
    line = privacy_line(Client().get("/"))

    assert "without your name or e-mail, to compare it with peers" in line
    assert "fewer than 5 organisations" in line
    assert 'href="/privacy/">Privacy notice</a>' in line


def test_a_campaigns_pages_name_the_consultant_who_sees_the_answers(
    spec,
    campaign: Campaign,  # noqa: F811
    settings,
):
    settings.BENCHMARK_K = 7
    said = (
        "consultant@firm.example, who asked for this assessment for Acme, sees your answers "
        "with your name and e-mail. Peers see your organisation's scores only in groups of 7"
    )
    assert said in privacy_line(Client().get(f"/c/{campaign.token}/"))
    browser = Client()
    started = browser.post(f"/c/{campaign.token}/start/", CONSENT, follow=True)
    assert said in privacy_line(started)
    ana = completed(spec, "ana@gmail.com", campaign)
    assert said in privacy_line(Client().get(f"/survey/{ana.token}/results/"))
    assert said in privacy_line(Client().get(f"/survey/{ana.token}/data/"))
    public = completed(spec, "bo@gmail.com")
    assert "without your name" in privacy_line(Client().get(f"/survey/{public.token}/results/"))
    assert Response.objects.count() == 3


def test_the_consultants_pages_speak_to_the_consultant(campaign: Campaign):  # noqa: F811
    consultant = Client()
    consultant.force_login(campaign.owner)

    line = privacy_line(consultant.get("/workspace/"))

    assert "are your respondents'; use them only for the work they were asked for" in line


@pytest.mark.parametrize(
    ("months", "said"),
    [(0, "Until you erase it."), (18, "erased 18 months after it was finished")],
)
def test_the_privacy_notice_says_how_long_and_who_sees_what(bank, settings, months, said):
    settings.RESPONSE_RETENTION_MONTHS = months

    html = Client().get("/privacy/").content.decode()

    assert said in html
    assert "group figures of 5 organisations or more, and only for 24 months" in html
    assert "download everything we keep" in html
