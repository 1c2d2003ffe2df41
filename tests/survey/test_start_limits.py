"""New surveys per client address: over the limit the respondent is asked to wait (429 with
Retry-After), while a draft they already have goes on as before and opening it is never counted.
The landing page and each campaign link count separately."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from responses.models import Campaign, QuestionBank, Response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.SURVEY_START_LIMIT = "3/hour"
    settings.SURVEY_CAMPAIGN_START_LIMIT = "2/hour"
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def campaign(bank: QuestionBank) -> Campaign:
    owner = User.objects.create_user("a@consult.example", "a@consult.example", "pw-123456789")
    return Campaign.objects.create(owner=owner, client_name="Acme", bank=bank)


def start(
    client: Client | None = None,
    path: str = "/start/",
    data: dict[str, str] | None = None,
    **extra: Any,
):
    return (client or Client()).post(path, {"consent": "yes", **(data or {})}, **extra)


def test_over_the_limit_a_new_respondent_is_asked_to_wait(bank):
    codes = [start().status_code for _ in range(3)]

    refused = start()

    assert codes == [302, 302, 302] and refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    page = refused.content.decode()
    assert "Please try again in" in page and "minute" in page
    assert Response.objects.count() == 3
    # Another client address is not held back.
    assert start(REMOTE_ADDR="10.0.0.2").status_code == 302


def test_a_respondent_with_a_draft_goes_on_with_it_uncounted(bank):
    respondent = Client()
    first = start(respondent)
    again = [start(respondent)["Location"] for _ in range(5)]

    assert set(again) == {first["Location"]}
    assert Response.objects.count() == 1
    # Only one of the three new surveys was used: two other people can still start.
    assert [start().status_code for _ in range(3)] == [302, 302, 429]


def test_over_the_limit_a_fresh_start_offers_the_draft_already_begun(bank):
    respondent = Client()
    start(respondent)
    start()
    start()
    draft = Response.objects.earliest("created_at")

    refused = start(respondent, data={"fresh": "1"})

    assert refused.status_code == 429
    assert f"/survey/{draft.token}/" in refused.content.decode()
    assert "Continue your survey" in refused.content.decode()
    assert respondent.get(f"/survey/{draft.token}/page/1/").status_code == 200
    assert Response.objects.count() == 3


def test_a_forged_x_forwarded_for_does_not_dodge_the_limit(bank):
    codes = [start(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]


def test_behind_a_trusted_proxy_each_forwarded_address_counts_alone(bank, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    shared = [start(HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").status_code for _ in range(4)]
    assert shared == [302, 302, 302, 429]
    assert start(HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_a_campaign_link_has_its_own_limit_and_a_double_click_is_not_counted(campaign):
    path = f"/c/{campaign.token}/start/"
    respondent = Client()
    first = start(respondent, path)
    assert start(respondent, path)["Location"] == first["Location"]  # a double click
    assert Response.objects.filter(campaign=campaign).count() == 1

    assert start(path=path).status_code == 302
    refused = start(path=path)

    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 3600
    assert "Please try again in" in refused.content.decode()
    assert Response.objects.filter(campaign=campaign).count() == 2
    # The landing page's own limit is untouched.
    assert start().status_code == 302


def test_with_the_cache_unreachable_surveys_still_start(bank, settings):
    # Given a cache URL where no Redis answers, and a limit of one new survey
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.SURVEY_START_LIMIT = "1/hour"

    # When three people start from one address
    codes = [start().status_code for _ in range(3)]

    # Then every one starts (nothing can count them), never a 500
    assert codes == [302, 302, 302]
    assert Response.objects.count() == 3


def test_a_mistyped_limit_is_reported_and_stops_no_one(bank, settings, caplog):
    settings.SURVEY_START_LIMIT = "twenty an hour"
    with caplog.at_level(logging.ERROR, logger="responses.page_limits"):
        codes = [start().status_code for _ in range(2)]
    assert codes == [302, 302]
    assert "SURVEY_START_LIMIT is not a rate" in caplog.text
