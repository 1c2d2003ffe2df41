"""A real Debian Chromium driven by Playwright against pytest-django's live server."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package for browser tests."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Open pages in fresh browser contexts (separate cookies: like separate devices).

    Any error the browser logs (a blocked script or style, a failed file) fails the test.
    """
    contexts = []
    console_errors: list[str] = []

    def open_page(width: int = 1280, height: int = 900, locale: str | None = None):
        # `locale` sets the browser's language (its Accept-Language), as a user's settings do.
        options = {"locale": locale} if locale else {}
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert console_errors == [], f"The browser logged errors: {console_errors}"


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def start_assessment(page) -> None:
    """Tick the privacy notice's box, then start, as a respondent does."""
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Start the assessment").click()
