"""Which language a page speaks: the browser's preference, the picker's choice, and then the
response's own language on every page about it; unknown codes fall back to English."""

import re

import pytest
from django.test import Client

from responses.models import Response
from tests.survey.answering import CONSENT

pytestmark = pytest.mark.django_db


def html_lang(reply) -> str:
    found = re.search(r'<html lang="([^"]+)"', reply.content.decode())
    assert found, "the page names its language"
    return found.group(1)


def test_the_landing_page_speaks_the_browsers_first_known_language(translated_bank):
    reply = Client(HTTP_ACCEPT_LANGUAGE="xx, fr-CA;q=0.9, en;q=0.5").get("/")
    assert reply.status_code == 200
    assert html_lang(reply) == "fr"
    assert "Commencer" in reply.content.decode()  # the start button, in French


def test_an_unknown_language_falls_back_to_english_without_an_error(translated_bank):
    client = Client(HTTP_ACCEPT_LANGUAGE="xx-YY")
    client.cookies["cspi_language"] = "tlh"
    reply = client.get("/")
    assert reply.status_code == 200
    assert html_lang(reply) == "en"
    assert "Start the assessment" in reply.content.decode()


def test_the_picker_changes_the_language_and_keeps_it(translated_bank):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    picked = client.post("/language/", {"language": "es", "next": "/"})
    assert picked.status_code == 302 and picked["Location"] == "/"
    assert html_lang(client.get("/")) == "es"
    # A made-up code changes nothing.
    client.post("/language/", {"language": "xx", "next": "/"})
    assert html_lang(client.get("/")) == "es"


def test_a_response_keeps_the_language_it_was_started_in(translated_bank):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.post("/start/", CONSENT)
    response = Response.objects.get()
    assert response.language == "de"
    # Opened later in a browser that prefers English, its pages still speak German.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = elsewhere.get(f"/survey/{response.token}/page/1/")
    assert page.status_code == 200
    assert html_lang(page) == "de"
    assert "Ihr Name" in page.content.decode()  # question 1, from the bank's German texts
