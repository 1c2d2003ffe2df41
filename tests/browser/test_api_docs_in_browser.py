"""The API's browsable docs work in a real browser under the site's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_list_every_endpoint_without_a_blocked_resource(new_page, bank):
    page = new_page()
    page.goto("/api/v1/docs")
    for path in ("/api/v1/banks/current", "/api/v1/responses", "/api/v1/responses/{id}/report.pdf"):
        expect(page.get_by_text(path, exact=True).first).to_be_visible()
