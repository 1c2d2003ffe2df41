"""The survey through HTTP: saving pages, resuming, completing once, and every kind of bad input."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from responses.models import Response
from survey.pages import survey_pages
from tests.survey.answering import (
    CONSENT,
    EXAMPLE_A,
    answer_all_pages,
    form_data,
    option_code,
    stored_form,
)

pytestmark = pytest.mark.django_db


def start_survey(client: Client) -> Response:
    reply = client.post("/start/", CONSENT)
    assert reply.status_code == 302
    return Response.objects.get()


def page_url(response: Response, number: int) -> str:
    return f"/survey/{response.token}/page/{number}/"


def test_landing_page_shows_the_bank_intro_and_a_start_button(client, bank):
    page = client.get("/")
    assert page.status_code == 200
    assert b"Compare your customer success organisation" in page.content
    assert b"Start the assessment" in page.content


def test_the_results_page_names_the_bucket_each_step_reaches(client, spec):
    # Example A, one rung at a time: Playbook's next ladder rung takes it from 33.33 to 50.00,
    # into Expanding; Segmentation's next rung takes it to 16.67, still Undeveloped, so that
    # step names no bucket and the combined path names the next one, Emerging.
    response = start_survey(client)
    results = client.get(answer_all_pages(client, response.token, spec, EXAMPLE_A)["Location"])
    page = results.content.decode()
    for pillar, score, crosses in (("Playbook", "50.00", True), ("Segmentation", "16.67", False)):
        said = f"{pillar} would reach <strong>{score}</strong>"
        assert said in page
        step = page[page.index(said) : page.index("</li>", page.index(said))]
        assert ('<span class="crosses">Expanding</span>' in step) is crosses, step
        assert ("crosses" in step) is crosses, step
    assert "No single change reaches Emerging; these 2 together would reach 33.33" in page


def test_start_twice_in_one_browser_continues_the_same_draft(client, bank):
    client.post("/start/", CONSENT)
    client.post("/start/", CONSENT)
    assert Response.objects.count() == 1


def test_completing_every_page_stores_exactly_the_chosen_answers(client, spec):
    response = start_survey(client)
    last = answer_all_pages(client, response.token, spec, EXAMPLE_A)
    assert last.status_code == 302 and last["Location"].endswith("/results/")
    response.refresh_from_db()
    assert response.status == Response.Status.COMPLETED
    assert response.completed_at is not None
    assert response.answers == stored_form(spec, EXAMPLE_A)
    assert response.email == "ada@example.com"


def test_unknown_kpis_are_stored_as_null_not_as_a_number(client, spec):
    response = start_survey(client)
    answer_all_pages(client, response.token, spec, EXAMPLE_A)
    response.refresh_from_db()
    assert response.answers["11"] is None and response.answers["12"] is None
    assert response.answers["10"] == 96


def test_progress_counts_answered_questions(client, spec):
    response = start_survey(client)
    client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    page = client.get(page_url(response, 2))
    assert b"3 of 35 questions completed" in page.content


def test_submitting_twice_completes_once_and_changes_nothing(client, spec):
    response = start_survey(client)
    answer_all_pages(client, response.token, spec, EXAMPLE_A)
    response.refresh_from_db()
    first_completion = response.completed_at
    last_page = len(survey_pages(spec))
    altered = {**EXAMPLE_A, 33: ["None of these"]}
    replay = client.post(page_url(response, last_page), form_data(spec, last_page, altered))
    assert replay.status_code == 302 and replay["Location"].endswith("/results/")
    response.refresh_from_db()
    assert Response.objects.count() == 1
    assert response.completed_at == first_completion
    assert response.answers == stored_form(spec, EXAMPLE_A)


def test_missing_required_answers_are_named_on_the_page_and_nothing_saved_is_lost(client, spec):
    response = start_survey(client)
    client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    partial = {3: "ada@example.com"}
    page = client.post(page_url(response, 1), form_data(spec, 1, partial))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Please check 2 answers on this page" in content
    assert "Choose one option." in content and "This answer is required." in content
    response.refresh_from_db()
    assert response.answers["1"] == "Ada Example"


@pytest.mark.parametrize(
    ("number", "typed", "message"),
    [
        (8, "lots", "is not a whole number"),
        (8, "0", "Enter a number between 1 and 100000000."),
        (10, "301", "Enter a number between 0 and 300."),
        (12, "-101", "Enter a number between -100 and 100."),
        (9, "2.5", "is not a whole number"),
    ],
)
def test_bad_numbers_get_a_clear_message_and_keep_what_was_typed(
    client, spec, number, typed, message
):
    response = start_survey(client)
    answers = {**EXAMPLE_A, number: typed}
    page_number = next(p.number for p in survey_pages(spec) if number in p.question_numbers)
    page = client.post(page_url(response, page_number), form_data(spec, page_number, answers))
    content = page.content.decode()
    assert page.status_code == 200
    assert message in content
    assert f'value="{typed}"' in content
    response.refresh_from_db()
    assert str(number) not in response.answers
    # The page's valid answers were saved all the same.
    assert response.answers["10" if number != 10 else "8"] is not None


def test_a_percent_accepts_a_decimal_comma_and_a_percent_sign(client, spec):
    response = start_survey(client)
    page_number = next(p.number for p in survey_pages(spec) if 10 in p.question_numbers)
    client.post(
        page_url(response, page_number), form_data(spec, page_number, {**EXAMPLE_A, 10: "96,5 %"})
    )
    response.refresh_from_db()
    assert response.answers["10"] == 96.5


def test_number_and_unknown_together_are_refused(client, spec):
    response = start_survey(client)
    data = form_data(spec, 3, EXAMPLE_A)
    data["q11"] = "90"
    page = client.post(page_url(response, 3), data)
    assert "Enter a number or tick “Unknown”, not both." in page.content.decode()


def test_unknown_is_refused_where_the_bank_does_not_allow_it(client, spec):
    response = start_survey(client)
    data = form_data(spec, 3, EXAMPLE_A)
    data["q8_unknown"] = "1"
    del data["q8"]
    page = client.post(page_url(response, 3), data)
    assert "This question needs a number." in page.content.decode()


def test_an_invalid_email_is_refused_with_a_message(client, spec):
    response = start_survey(client)
    page = client.post(page_url(response, 1), form_data(spec, 1, {**EXAMPLE_A, 3: "ada@"}))
    assert "Enter a valid e-mail address" in page.content.decode()
    assert 'value="ada@"' in page.content.decode()


def test_a_nul_character_is_refused_with_a_message_not_a_crash(client, spec):
    response = start_survey(client)
    page = client.post(page_url(response, 1), form_data(spec, 1, {**EXAMPLE_A, 1: "Ada\x00"}))
    assert page.status_code == 200
    assert "invisible NUL character" in page.content.decode()
    response.refresh_from_db()
    assert "1" not in response.answers


def test_an_unknown_option_value_is_refused(client, spec):
    response = start_survey(client)
    data = form_data(spec, 2, EXAMPLE_A)
    data["q4"] = "999999"
    page = client.post(page_url(response, 2), data)
    assert page.status_code == 200
    assert "Choose one of the options listed." in page.content.decode()
    response.refresh_from_db()
    assert "4" not in response.answers


def test_an_option_of_another_question_is_refused(client, spec):
    response = start_survey(client)
    data = form_data(spec, 2, EXAMPLE_A)
    data["q4"] = option_code(spec, 5, "Software and SaaS")
    page = client.post(page_url(response, 2), data)
    assert "Choose one of the options listed." in page.content.decode()


def test_an_exclusive_option_cannot_be_combined(client, spec):
    response = start_survey(client)
    alignment = next(p.number for p in survey_pages(spec) if 16 in p.question_numbers)
    answers = {
        **EXAMPLE_A,
        16: [
            "None of these",
            "Customer needs are factored into our company's product development processes",
        ],
    }
    page = client.post(page_url(response, alignment), form_data(spec, alignment, answers))
    content = page.content.decode()
    assert "“None of these” cannot be combined with other options." in content
    response.refresh_from_db()
    assert "16" not in response.answers
    assert response.answers["15"] == int(option_code(spec, 15, str(EXAMPLE_A[15])))


def test_two_options_on_a_single_question_are_refused(client, spec):
    response = start_survey(client)
    data = form_data(spec, 2, EXAMPLE_A)
    data["q4"] = [option_code(spec, 4, "Europe"), option_code(spec, 4, "Latin America")]
    page = client.post(page_url(response, 2), data)
    assert "Choose only one option." in page.content.decode()


@pytest.mark.parametrize("step", ["2", "abc", ""])
def test_a_tampered_step_field_is_rejected_and_changes_nothing(client, spec, step):
    response = start_survey(client)
    client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    data = form_data(spec, 1, {**EXAMPLE_A, 1: "Mallory"})
    data["step"] = step
    reply = client.post(page_url(response, 1), data)
    assert reply.status_code == 400
    response.refresh_from_db()
    assert response.answers["1"] == "Ada Example"


def test_a_tampered_navigation_value_is_rejected(client, spec):
    response = start_survey(client)
    reply = client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A, nav="jump"))
    assert reply.status_code == 400


def test_a_post_without_csrf_token_is_refused_with_a_friendly_page(spec):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/")
    reply = browser.post("/start/", CONSENT)
    assert reply.status_code == 403
    assert b"Please reload the page and try again" in reply.content
    assert Response.objects.count() == 0


def test_a_page_post_without_csrf_saves_nothing(bank, spec):
    browser = Client(enforce_csrf_checks=True)
    response = Response.objects.create(bank=bank)
    reply = browser.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    assert reply.status_code == 403
    response.refresh_from_db()
    assert response.answers == {}


def test_a_foreign_or_malformed_token_answers_404(client, bank):
    assert client.get("/survey/not-a-real-token/").status_code == 404
    assert client.get("/survey/not-a-real-token/page/1/").status_code == 404
    assert client.post("/survey/x/page/1/", {"step": "1"}).status_code == 404


def test_a_page_number_outside_the_survey_answers_404(client, spec):
    response = start_survey(client)
    assert client.get(page_url(response, 99)).status_code == 404


def test_back_saves_the_page_without_insisting_on_required_answers(client, spec):
    response = start_survey(client)
    client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    reply = client.post(page_url(response, 2), form_data(spec, 2, {4: "Europe"}, nav="back"))
    assert reply.status_code == 302 and reply["Location"] == page_url(response, 1)
    response.refresh_from_db()
    assert response.answers["4"] == int(option_code(spec, 4, "Europe"))
    page_two = client.get(page_url(response, 2)).content.decode()
    assert f'value="{option_code(spec, 4, "Europe")}" checked' in page_two


def test_resume_link_continues_on_another_device_at_the_first_unfinished_page(client, spec):
    response = start_survey(client)
    client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    client.post(page_url(response, 2), form_data(spec, 2, EXAMPLE_A))
    other_device = Client()
    reply = other_device.get(f"/survey/{response.token}/")
    assert reply.status_code == 302 and reply["Location"] == page_url(response, 3)
    last = answer_all_pages(other_device, response.token, spec, EXAMPLE_A)
    assert last["Location"].endswith("/results/")


def test_resume_link_is_emailed_once_when_the_address_is_known(
    client, spec, tasks_run_inline, django_capture_on_commit_callbacks
):
    response = start_survey(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
        client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert f"/survey/{response.token}/" in mail.outbox[0].body


def test_save_and_finish_later_shows_the_private_link(client, spec):
    response = start_survey(client)
    reply = client.post(
        page_url(response, 1), form_data(spec, 1, EXAMPLE_A, nav="save"), follow=True
    )
    assert f"/survey/{response.token}/" in reply.content.decode()
    assert "Your answers are saved" in reply.content.decode()


def test_an_expired_draft_says_so_and_cannot_be_changed(client, spec):
    response = start_survey(client)
    Response.objects.filter(pk=response.pk).update(updated_at=timezone.now() - timedelta(days=31))
    assert client.get(f"/survey/{response.token}/").status_code == 410
    reply = client.post(page_url(response, 1), form_data(spec, 1, EXAMPLE_A))
    assert reply.status_code == 410
    response.refresh_from_db()
    assert response.answers == {}


def test_purge_deletes_only_expired_drafts(client, spec):
    from responses.services import drafts_purge

    old = start_survey(client)
    Response.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=31))
    fresh = Response.objects.create(bank=old.bank)
    assert drafts_purge() == 1
    assert list(Response.objects.all()) == [fresh]


def test_completing_with_a_skipped_page_sends_the_respondent_back_to_it(client, spec):
    response = start_survey(client)
    pages = survey_pages(spec)
    for page in pages:
        if page.number == 2:
            continue
        client.post(page_url(response, page.number), form_data(spec, page.number, EXAMPLE_A))
    response.refresh_from_db()
    assert response.status == Response.Status.IN_PROGRESS
    page = client.get(page_url(response, 2))
    assert "Some required questions are still unanswered: 4, 5, 6, 7." in page.content.decode()


def test_a_completed_response_cannot_be_edited_through_its_pages(client, spec):
    response = start_survey(client)
    answer_all_pages(client, response.token, spec, EXAMPLE_A)
    reply = client.post(page_url(response, 1), form_data(spec, 1, {**EXAMPLE_A, 1: "Changed"}))
    assert reply.status_code == 302
    response.refresh_from_db()
    assert response.answers["1"] == "Ada Example"


def test_user_text_is_escaped_on_the_page(client, spec):
    response = start_survey(client)
    hostile = '<script>alert("x")</script>'
    client.post(page_url(response, 1), form_data(spec, 1, {**EXAMPLE_A, 1: hostile}))
    content = client.get(page_url(response, 1)).content.decode()
    assert hostile not in content
    assert "&lt;script&gt;" in content


def test_pages_forbid_loading_anything_from_other_sites(client, bank):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_two_tabs_saving_different_pages_both_keep_their_answers(client, spec):
    from responses.services import response_save_answers

    response = start_survey(client)
    first_tab = Response.objects.select_related("bank").get(pk=response.pk)
    second_tab = Response.objects.select_related("bank").get(pk=response.pk)
    response_save_answers(response=first_tab, answers={"1": "From tab one"}, cleared=set())
    response_save_answers(response=second_tab, answers={"4": 401}, cleared=set())
    response.refresh_from_db()
    assert response.answers == {"1": "From tab one", "4": 401}
    assert response.revision == 2


def test_typed_answers_are_not_kept_in_the_page_cache_but_choices_are(spec):
    from survey.question_html import QuestionOnPage, _choice_question_html, question_html

    _choice_question_html.cache_clear()
    name = spec.question(1)
    region = spec.question(4)
    assert name is not None and region is not None
    html = question_html(QuestionOnPage(name, typed="Ada Secret"))
    assert 'value="Ada Secret"' in html
    assert _choice_question_html.cache_info().currsize == 0
    question_html(QuestionOnPage(region, chosen=frozenset({"401"})))
    question_html(QuestionOnPage(region, chosen=frozenset({"401"})))
    assert _choice_question_html.cache_info().hits == 1
