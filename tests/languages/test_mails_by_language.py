"""E-mails speak the language of whom they are about: the resume link the response's, an
invitation its campaign's, whatever language the worker sending them speaks."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from consultants.invitations import invitation_send, invitations_add
from responses.bank_texts import bank_spec_shown
from responses.models import Campaign, Invitation, Response
from tests.consultants.test_campaigns import campaign, consultants  # noqa: F401
from tests.examples import EXAMPLE_A
from tests.survey.answering import CONSENT, form_data

pytestmark = pytest.mark.django_db


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def test_the_resume_link_is_written_in_the_responses_language(
    translated_bank, spec, tasks_run_inline, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.post("/start/", CONSENT)
    response = Response.objects.get()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/survey/{response.token}/page/1/", form_data(spec, 1, EXAMPLE_A))
    (sent,) = mail.outbox
    title = bank_spec_shown(bank=translated_bank, language="es").title
    expected = in_language("es", "Your %(title)s link") % {"title": title}
    assert sent.subject == expected and expected != f"Your {spec.title} link"


def test_an_invitation_is_written_in_its_campaigns_language(translated_bank, campaign):  # noqa: F811
    Campaign.objects.filter(pk=campaign.pk).update(language="fr")
    invitations_add(campaign=Campaign.objects.get(pk=campaign.pk), pasted="ana@acme.example")
    invitation = Invitation.objects.get()
    with translation.override("de"):  # the worker's own language does not matter
        assert invitation_send(invitation_id=invitation.pk)
    (sent,) = mail.outbox
    title = bank_spec_shown(bank=translated_bank, language="fr").title
    assert title in sent.subject and title != translated_bank.title
    assert "asks you to take" not in sent.subject


def test_a_campaigns_start_page_opens_in_its_language_unless_one_was_picked(
    translated_bank,
    campaign,  # noqa: F811
):
    Campaign.objects.filter(pk=campaign.pk).update(language="es")
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = visitor.get(f"/c/{campaign.token}/")
    assert '<html lang="es">' in page.content.decode()
    visitor.post(f"/c/{campaign.token}/start/", CONSENT)
    assert Response.objects.get().language == "es"
    picked = Client(HTTP_ACCEPT_LANGUAGE="en")
    picked.post("/language/", {"language": "de", "next": "/"})
    assert '<html lang="de">' in picked.get(f"/c/{campaign.token}/").content.decode()
