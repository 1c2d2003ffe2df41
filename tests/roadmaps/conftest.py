import pytest

from responses.models import Campaign, QuestionBank, Response
from responses.services import response_start
from scoring.bank import BankSpec
from survey.services import response_complete
from tests.examples import EXAMPLE_A, Answers
from tests.survey.answering import stored_form


def completed(
    spec: BankSpec, answers: Answers = EXAMPLE_A, campaign: Campaign | None = None
) -> Response:
    """A response completed through the survey's own service (example A unless told)."""
    bank = QuestionBank.objects.get(key=spec.key, version=spec.version)
    response = response_start(bank=bank, campaign=campaign)
    Response.objects.filter(pk=response.pk).update(answers=stored_form(spec, answers))
    assert response_complete(response=response).completed_now
    response.refresh_from_db()
    return response


@pytest.fixture
def example_a(spec: BankSpec) -> Response:
    """Team 27.78 (Emerging), Segmentation and most others Undeveloped."""
    return completed(spec)
