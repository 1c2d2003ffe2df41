"""A bank translation is checked against the bank and never changes what is scored."""

from decimal import Decimal

import pytest

from scoring.bank import BankSpec, BucketSpec, Kind, OptionSpec, PillarSpec, QuestionSpec, Scoring
from scoring.bank_translation import (
    TranslationError,
    spec_translated,
    texts_missing,
    translation_checked,
    translation_document,
)

SPEC = BankSpec(
    key="cspi",
    version=1,
    title="Customer Success Performance Index",
    intro="Compare your team.",
    pillars=(PillarSpec("team", "Team", "The services the team provides."),),
    buckets=(
        BucketSpec("low", "Undeveloped", Decimal(0)),
        BucketSpec("high", "Conquering", Decimal(50)),
    ),
    questions=(
        QuestionSpec(number=1, kind=Kind.TEXT, text="Your name"),
        QuestionSpec(
            number=2,
            kind=Kind.SINGLE,
            text="Who runs onboarding?",
            help="Pick the closest.",
            pillar="team",
            scoring=Scoring.SINGLE,
            options=(
                OptionSpec(1, "Engineers", Decimal(0)),
                OptionSpec(2, "CSMs", Decimal(2)),
                OptionSpec(3, "A services team", Decimal(3)),
            ),
        ),
    ),
)

GERMAN = {
    "title": "Customer Success Performance Index",
    "pillars": {"team": {"name": "Team", "description": "Die Leistungen des Teams."}},
    "buckets": {"low": {"name": "Unentwickelt"}},
    "questions": {
        "1": {"text": "Ihr Name"},
        "2": {
            "text": "Wer führt das Onboarding?",
            "options": ["Ingenieure", "CSMs", "Ein Serviceteam"],
        },
    },
}


def test_a_translation_changes_texts_and_nothing_scored() -> None:
    shown = spec_translated(SPEC, translation_checked(SPEC, GERMAN))
    question = shown.question(2)
    assert question is not None
    assert question.text == "Wer führt das Onboarding?"
    assert [o.text for o in question.options] == ["Ingenieure", "CSMs", "Ein Serviceteam"]
    assert [(o.code, o.points) for o in question.options] == [(1, 0), (2, 2), (3, 3)]
    assert shown.bucket_name("low") == "Unentwickelt"
    # What the translation lacks stays English: the help, the intro, a bucket.
    assert question.help == "Pick the closest."
    assert shown.intro == "Compare your team."
    assert shown.bucket_name("high") == "Conquering"


def test_what_is_missing_is_listed_with_its_english() -> None:
    missing = texts_missing(SPEC, translation_checked(SPEC, GERMAN))
    assert [(m.where, m.english) for m in missing] == [
        ("Intro", "Compare your team."),
        ("Bucket Conquering, name", "Conquering"),
        ("Question 2, help", "Pick the closest."),
    ]


def test_a_translation_may_not_add_or_remove_options() -> None:
    fewer = {"questions": {"2": {"options": ["Ingenieure", "CSMs"]}}}
    with pytest.raises(TranslationError, match="Question 2 has 3 options; the translation gives 2"):
        translation_checked(SPEC, fewer)


def test_a_translation_may_not_reorder_options() -> None:
    swapped = {
        "questions": {
            "2": {
                "options": [
                    {"code": 2, "text": "CSMs"},
                    {"code": 1, "text": "Ingenieure"},
                    {"code": 3, "text": "Ein Serviceteam"},
                ]
            }
        }
    }
    with pytest.raises(
        TranslationError, match=r"Question 2, option 1: .* has code 1, the translation gives code 2"
    ):
        translation_checked(SPEC, swapped)


def test_two_options_may_not_read_the_same() -> None:
    same = {"questions": {"2": {"options": ["Ingenieure", "ingenieure", "Team"]}}}
    with pytest.raises(TranslationError, match="options 1 and 2 read the same"):
        translation_checked(SPEC, same)


def test_unknown_questions_and_fields_are_named() -> None:
    with pytest.raises(TranslationError, match="the bank has no question '9'"):
        translation_checked(SPEC, {"questions": {"9": {"text": "?"}}})
    with pytest.raises(TranslationError, match="Question 1: unknown field 'points'"):
        translation_checked(SPEC, {"questions": {"1": {"points": 3}}})
    with pytest.raises(TranslationError, match="Question 1, text: a text is expected"):
        translation_checked(SPEC, {"questions": {"1": {"text": ["a"]}}})


def test_markup_is_kept_as_text_for_the_pages_to_escape() -> None:
    shown = spec_translated(
        SPEC, translation_checked(SPEC, {"questions": {"1": {"text": "<b>Ihr</b> Name"}}})
    )
    assert shown.question(1).text == "<b>Ihr</b> Name"  # type: ignore[union-attr]


def test_the_exported_file_imports_back_unchanged() -> None:
    texts = translation_checked(SPEC, GERMAN)
    document = translation_document(SPEC, texts, language="de")
    assert document["questions"]["2"]["options"][0] == {"code": 1, "text": "Ingenieure"}
    assert translation_checked(SPEC, document) == texts
