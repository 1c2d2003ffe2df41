"""Numbers are read as the page's language writes them, and shown back the same way."""

import pytest
from django.test import Client
from django.utils import translation

from responses.answers import answer_parse
from responses.models import Response
from tests.survey.answering import CONSENT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "customers", "nrr", "expected"),
    [
        ("en", "1,200", "96.5", (1200, 96.5)),
        ("en", "1 200", "96,5", (1200, 96.5)),  # the other mark, where it means nothing else
        ("de", "1.200", "96,5", (1200, 96.5)),
        ("de", "1.200", "96,5 %", (1200, 96.5)),
        ("fr", "1\u202f200", "96,5", (1200, 96.5)),
        ("es", "1.200", "96.5", (1200, 96.5)),
    ],
)
def test_numbers_read_as_the_language_writes_them(spec, language, customers, nrr, expected):
    with translation.override(language):
        read = (
            answer_parse(spec.question(8), [customers], unknown=False).value,
            answer_parse(spec.question(10), [nrr], unknown=False).value,
        )
    assert read == expected


def test_a_german_point_between_thousands_is_not_a_fraction(spec):
    with translation.override("de"):
        assert answer_parse(spec.question(8), ["1.5"], unknown=False).error is not None
    with translation.override("en"):
        assert answer_parse(spec.question(8), ["1.200"], unknown=False).error is not None


def test_a_german_page_shows_a_kept_fraction_with_a_comma(bank, spec):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.post("/start/", CONSENT)
    response = Response.objects.get()
    Response.objects.filter(pk=response.pk).update(answers={"10": 96.5, "8": 1200})
    page_of_10 = next(
        number
        for number in range(1, 8)
        if 'name="q10"' in client.get(f"/survey/{response.token}/page/{number}/").content.decode()
    )
    html = client.get(f"/survey/{response.token}/page/{page_of_10}/").content.decode()
    assert 'name="q10" id="q10-input" value="96,5"' in html
    assert 'value="1200"' in html
