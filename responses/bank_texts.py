"""A question bank's texts in the reader's language: the one home every page, PDF and API answer
asks for the bank it shows (`bank_spec_shown`), and where translations are saved.

What is scored and stored always reads the bank itself (`responses.selectors.bank_spec_for`):
option codes, and profile answers in the bank's English words, so peer groups and scores are the
same whatever language a respondent answered in. A text the translation lacks is shown in
English; admin lists what is missing (scoring.bank_translation.texts_missing).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from responses.languages import DEFAULT_LANGUAGE, language_active, language_codes, language_known
from responses.models import BankTranslation, QuestionBank
from responses.selectors import bank_current, bank_spec_for
from scoring.bank import BankSpec
from scoring.bank_translation import (
    TextDocument,
    TranslationError,
    spec_translated,
    translation_checked,
)

OptionTexts = dict[int, dict[str, set[int]]]

# Translated specs by (bank, creation time, language), with the translation's last change: a
# page asks one indexed query whether it changed, and builds the spec again only when it did.
_shown: dict[tuple[int, datetime, str], tuple[datetime | None, BankSpec]] = {}


def translation_languages() -> tuple[str, ...]:
    """The languages a bank is translated into: every one the product speaks but English."""
    return tuple(code for code in language_codes() if code != DEFAULT_LANGUAGE)


def bank_spec_shown(*, bank: QuestionBank, language: str | None = None) -> BankSpec:
    """The bank as a reader sees it in `language` (default: the active one): translated texts,
    English where a text is missing. Never for scoring or storing."""
    spec = bank_spec_for(bank=bank)
    code = language_known(language or language_active())
    if code == DEFAULT_LANGUAGE:
        return spec
    changed = (
        BankTranslation.objects.filter(bank_id=bank.pk, language=code)
        .values_list("updated_at", flat=True)
        .first()
    )
    key = (bank.pk, bank.created_at, code)
    cached = _shown.get(key)
    if cached is not None and cached[0] == changed and not bank.is_editable:
        return cached[1]
    texts = _texts(bank, code) if changed is not None else {}
    shown = spec_translated(spec, texts)
    _shown[key] = (changed, shown)
    return shown


def _texts(bank: QuestionBank, language: str) -> Mapping[str, Any]:
    row = BankTranslation.objects.filter(bank_id=bank.pk, language=language).first()
    return row.texts if row else {}


def translations_of(bank: QuestionBank) -> dict[str, Mapping[str, Any]]:
    """Every saved translation of the bank, by language."""
    return {row.language: row.texts for row in BankTranslation.objects.filter(bank=bank)}


def translation_save(
    *, bank: QuestionBank, language: str, document: Mapping[str, Any], actor_text: str = ""
) -> BankTranslation:
    """Checks the texts against the bank (TranslationError names the first problem; nothing is
    saved then) and keeps them. A file's `bank`, `version` and `language`, when given, must be
    this bank's and this language."""
    if language not in translation_languages():
        raise TranslationError(f"“{language}” is not a language banks are translated into.")
    _same_bank(bank, language, document)
    texts = translation_checked(bank_spec_for(bank=bank), document)
    with transaction.atomic():
        row, _created = BankTranslation.objects.select_for_update().get_or_create(
            bank=bank, language=language
        )
        row.texts = texts
        row.updated_by = actor_text
        row.save()
    return row


def _same_bank(bank: QuestionBank, language: str, document: Mapping[str, Any]) -> None:
    if not isinstance(document, Mapping):
        raise TranslationError("A translation is a mapping of texts (title, pillars, questions…).")
    given = {field: document.get(field) for field in ("bank", "version", "language")}
    if given["bank"] not in (None, bank.key) or given["version"] not in (None, bank.version):
        raise TranslationError(
            f"This file translates bank {given['bank']} version {given['version']}, "
            f"not {bank.key} version {bank.version}."
        )
    if given["language"] not in (None, language):
        raise TranslationError(f"This file is in “{given['language']}”, not “{language}”.")


def translation_file_read(text: str) -> TextDocument:
    """A translation file's document, or TranslationError for a file that is not YAML."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise TranslationError(f"The file is not valid YAML{where}.") from None
    if not isinstance(document, dict):
        raise TranslationError("A translation is a mapping of texts (title, pillars, questions…).")
    return document


def translations_load_beside(*, bank: QuestionBank, bank_file: Path) -> list[str]:
    """Loads the translation files shipped beside a bank file (`translations/cspi-v1.de.yaml`
    for `cspi-v1.yaml`) into the languages the bank has no translation in yet, so that loading
    the same bank again never undoes an admin's edits; returns the languages loaded."""
    loaded = []
    present = set(BankTranslation.objects.filter(bank=bank).values_list("language", flat=True))
    for language in translation_languages():
        path = bank_file.parent / "translations" / f"{bank_file.stem}.{language}.yaml"
        if path.exists() and language not in present:
            document = translation_file_read(path.read_text(encoding="utf-8"))
            translation_save(
                bank=bank, language=language, document=document, actor_text="command line"
            )
            loaded.append(language)
    return loaded


def option_codes_by_text(
    spec: BankSpec, translations: Mapping[str, Mapping[str, Any]]
) -> OptionTexts:
    """For each choice question, every option text in any of the bank's languages, with the
    codes it names: one code, or several when two languages use the same words for different
    options (an answer in those words is then ambiguous)."""
    specs = [spec, *(spec_translated(spec, texts) for texts in translations.values())]
    found: dict[int, dict[str, set[int]]] = {}
    for shown in specs:
        for question in shown.questions:
            for option in question.options:
                texts = found.setdefault(question.number, {})
                texts.setdefault(option.text.strip(), set()).add(option.code)
    return found


_option_texts: dict[tuple[int, datetime], tuple[tuple[Any, ...], OptionTexts]] = {}


def option_texts_for(bank: QuestionBank) -> OptionTexts:
    """`option_codes_by_text` for a stored bank, built again only when a translation changed
    (one small query asks which did)."""
    stamps = tuple(
        BankTranslation.objects.filter(bank_id=bank.pk)
        .order_by("language")
        .values_list("language", "updated_at")
    )
    key = (bank.pk, bank.created_at)
    cached = _option_texts.get(key)
    if cached is not None and cached[0] == stamps and not bank.is_editable:
        return cached[1]
    found = option_codes_by_text(bank_spec_for(bank=bank), translations_of(bank))
    _option_texts[key] = (stamps, found)
    return found


# Kept profile answers as each language words them, for a few seconds: a page names groups many
# times ("Industry: Software und SaaS"), and an admin's edit may take that long to show there.
PROFILE_TEXTS_SECONDS = 10.0
_profile_texts: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}


def profile_texts_shown(role: str) -> dict[str, str]:
    """The published bank's options for a profile role ("region"), English to the active
    language's words: how a kept profile answer reads on a page."""
    key = (role, language_active())
    cached = _profile_texts.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    bank = bank_current()
    found: dict[str, str] = {}
    if bank is not None:
        english = bank_spec_for(bank=bank).question_for_role(role)
        shown = bank_spec_shown(bank=bank).question_for_role(role)
        if english is not None and shown is not None:
            found = {a.text: b.text for a, b in zip(english.options, shown.options, strict=True)}
    _profile_texts[key] = (time.monotonic() + PROFILE_TEXTS_SECONDS, found)
    return found


def profile_texts_forget() -> None:
    _profile_texts.clear()
