import pytest

from responses.bank_texts import translations_load_beside
from responses.models import QuestionBank
from tests.conftest import DEFAULT_BANK_FILE


@pytest.fixture
def translated_bank(bank: QuestionBank) -> QuestionBank:
    """The default bank with the German, French and Spanish texts shipped beside it."""
    assert translations_load_beside(bank=bank, bank_file=DEFAULT_BANK_FILE) == ["de", "fr", "es"]
    return bank
