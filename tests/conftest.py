import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from benchmarks.selectors import peer_index_forget
from benchmarks.snapshots import snapshot_reads_forget
from responses.bank_file import bank_file_read
from responses.bank_texts import profile_texts_forget
from responses.models import QuestionBank
from responses.page_limits import limits_forget
from responses.selectors import bank_spec_for, frozen_caches_clear
from responses.services import bank_import
from responses.task_queue import task_queue_forget
from scoring.bank import BankSpec

# Playwright's sync API keeps an event loop on the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BANK_FILE = REPO / "fixtures" / "cspi-v1.yaml"


@pytest.fixture(autouse=True)
def fresh_process_caches() -> Iterator[None]:
    """Banks, specs and the peer index are cached per process; rolled-back tests rewind them."""
    frozen_caches_clear()
    profile_texts_forget()
    peer_index_forget()
    snapshot_reads_forget()
    yield
    frozen_caches_clear()
    peer_index_forget()
    snapshot_reads_forget()


@pytest.fixture(autouse=True)
def english_between_tests() -> Iterator[None]:
    """A test starts in English, as a process does; a language a page activated (a German
    response read by its link) does not carry over into the next test's direct calls."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_page_limits() -> Iterator[None]:
    """The pages' limits (new surveys, password links) count in the cache: each test starts
    with none spent, as each starts with an empty database."""
    cache.clear()
    limits_forget()
    task_queue_forget()  # a test's broker outage is not the next test's
    yield


@pytest.fixture
def bank(db: None) -> QuestionBank:
    """The default question bank, loaded and published as the quick start does."""
    stored, _ = bank_import(spec=bank_file_read(DEFAULT_BANK_FILE), publish=True)
    return stored


@pytest.fixture
def spec(bank: QuestionBank) -> BankSpec:
    return bank_spec_for(bank=bank)


@pytest.fixture
def tasks_run_inline() -> Iterator[None]:
    """Tasks a request queues run right there, as a worker would run them (no broker)."""
    from cspi.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
