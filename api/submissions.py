"""A whole response submitted at once through the API: every answer checked as the survey
pages check it (options given by text or id), then completed through the survey's own flow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.formats import get_format

from responses.answers import AnswerValue, answer_parse
from responses.bank_texts import option_texts_for
from responses.languages import language_active
from responses.models import QuestionBank, Response
from responses.selectors import bank_spec_for
from responses.services import response_save_answers
from scoring.bank import CHOICE_KINDS, NUMBER_KINDS, BankSpec, Kind, QuestionSpec
from survey.services import response_complete


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """A whole submission's outcome: the completed response, or every bad answer by number."""

    response: Response | None
    errors: dict[str, str]


def response_submit(
    *, bank: QuestionBank, answers: Mapping[str, object], submitted_by: User | None
) -> SubmitResult:
    """Check a whole set of answers (options by text or id) and, only if every one is right,
    store them and complete the response as the survey pages do. Nothing is stored otherwise."""
    started = response_start(bank=bank, answers=answers, submitted_by=submitted_by)
    if started.response is None:
        return started
    return response_finish(response=started.response)


def response_start(
    *, bank: QuestionBank, answers: Mapping[str, object], submitted_by: User | None
) -> SubmitResult:
    """The first half of `response_submit`: every answer checked and, if all are right, stored
    as a response not yet completed, in one transaction (the caller's, when it has one)."""
    spec = bank_spec_for(bank=bank)
    stored, errors = submission_parse(spec, answers, option_texts=option_texts_for(bank))
    if errors:
        return SubmitResult(response=None, errors=errors)
    with transaction.atomic():  # a failed save leaves no half-made response behind
        # Its PDF and e-mails speak the language the submission asked in (Accept-Language).
        response = Response.objects.create(
            bank=bank, submitted_by=submitted_by, language=language_active()
        )
        response_save_answers(response=response, answers=stored, cleared=set())
    return SubmitResult(response=response, errors={})


def response_finish(*, response: Response) -> SubmitResult:
    """The second half: complete the stored response through the survey's own flow, which
    queues its report once the completion has committed. A response already completed (by
    another call finishing the same submission) stays as it is. One that cannot be completed
    is deleted, and the errors say why."""
    outcome = response_complete(response=response)
    if outcome.completed_now:
        return SubmitResult(response=response, errors={})
    if not outcome.unanswered and outcome.problem is None:
        response.refresh_from_db()
        if response.is_completed:
            return SubmitResult(response=response, errors={})
    Response.objects.filter(pk=response.pk).delete()
    missing = {str(number): "This answer is required." for number in outcome.unanswered}
    problem = {"answers": str(outcome.problem)} if outcome.problem else {}
    return SubmitResult(response=None, errors=missing or problem or {"answers": "Not scored."})


def submission_parse(
    spec: BankSpec,
    answers: Mapping[str, object],
    *,
    option_texts: Mapping[int, Mapping[str, set[int]]] | None = None,
) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """The stored form of API answers, through the same checks as the survey pages. Options
    may be given by id, or by their text in any of the bank's languages (`option_texts`, from
    responses.bank_texts.option_codes_by_text; the bank's own texts without it)."""
    errors: dict[str, str] = {}
    for key in answers:
        canonical = key.isascii() and key.isdigit() and key == str(int(key))  # "8", not "08"
        if not canonical or spec.question(int(key)) is None:
            errors[key] = f"There is no question {key[:20]} in this bank."
    stored: dict[str, AnswerValue] = {}
    for question in spec.questions:
        key = str(question.number)
        texts = (
            option_texts.get(question.number, {})
            if option_texts is not None
            else {option.text: {option.code} for option in question.options}
        )
        raw = _submitted_raw(question, answers[key], texts) if key in answers else ([], False)
        if isinstance(raw, str):
            errors[key] = raw
            continue
        parsed = answer_parse(question, raw[0], unknown=raw[1])
        if parsed.error is not None:
            errors[key] = parsed.error
        elif parsed.given:
            stored[key] = parsed.value
    return stored, dict(sorted(errors.items(), key=lambda item: _number_order(item[0])))


def _number_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isascii() and key.isdigit() else (1 << 30, key)


def _submitted_raw(
    question: QuestionSpec, value: object, option_texts: Mapping[str, set[int]]
) -> tuple[list[str], bool] | str:
    """One API answer as the form values `answer_parse` reads (values, unknown ticked), or an
    error message when its type is wrong or an option text does not exist."""
    if value is None:
        return [], question.kind in NUMBER_KINDS
    if question.kind in CHOICE_KINDS:
        return _submitted_options(question, value, option_texts)
    if question.kind in NUMBER_KINDS:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return "Give a number."
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 120.0 and 120 are the same JSON number
        if isinstance(value, float):
            # A JSON number means the same in every language: written with the decimal mark
            # the answer is read with (a string answer is read as the asker's language writes).
            return [repr(value).replace(".", get_format("DECIMAL_SEPARATOR"))], False
        return [str(value)], False
    if not isinstance(value, str):
        return "Give the answer as text."
    return [value], False


def _submitted_options(
    question: QuestionSpec, value: object, option_texts: Mapping[str, set[int]]
) -> tuple[list[str], bool] | str:
    if question.kind == Kind.MULTI:
        if not isinstance(value, list):
            return "Give a list of options, by their text or id."
        items = value
    elif isinstance(value, list):
        return "Choose one option, not a list."
    else:
        items = [value]
    codes = []
    for item in items:
        if isinstance(item, float) and item.is_integer():
            item = int(item)  # 1501.0 and 1501 are the same JSON number
        if isinstance(item, int) and not isinstance(item, bool):
            codes.append(str(item))
        elif isinstance(item, str) and len(option_texts.get(item.strip(), ())) > 1:
            return (
                f"“{item[:60]}” names different options of question {question.number} in "
                "different languages; give that option by its id."
            )
        elif isinstance(item, str) and item.strip() in option_texts:
            codes.append(str(next(iter(option_texts[item.strip()]))))
        elif isinstance(item, str):
            return f"“{item[:60]}” is not one of the options of question {question.number}."
        else:
            return "Give each option by its text or its integer id."
    return codes, False
