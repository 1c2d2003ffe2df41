"""A question bank's texts in another language: checked against the bank, and applied to it.

A translation is a plain document of texts, keyed by what they translate:

    {"title": "...", "intro": "...",
     "pillars": {"alignment": {"name": "...", "description": "..."}},
     "buckets": {"undeveloped": {"name": "..."}},
     "sections": {"About you": "..."},
     "questions": {"5": {"text": "...", "help": "...", "options": ["...", "..."]}}}

Sections (the survey's page titles) are keyed by their English; one that is a pillar's name
takes the pillar's translated name unless the translation gives it one of its own.

A question's options are its option texts in the bank's order, one for each option. A
translation can never change what is scored: codes, points, order and kinds stay the bank's,
and a document that would give a question more or fewer options, or its options in another order
(a file naming option codes), is refused. Any text may be missing; the English one is shown in
its place (`spec_translated`), and `texts_missing` lists what an admin still has to write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.bank import BankSpec, OptionSpec, PillarSpec, QuestionSpec

TextDocument = dict[str, Any]


class TranslationError(ValueError):
    """The document does not fit the bank; the message names the question and field."""


@dataclass(frozen=True, slots=True)
class MissingText:
    where: str  # "Question 5, option 3", "Pillar Alignment, description"
    english: str


def translation_checked(spec: BankSpec, document: Mapping[str, Any]) -> TextDocument:
    """The document reduced to the texts the bank has, each a string, or TranslationError
    naming the first problem. Empty texts are dropped (they are missing, not blank)."""
    if not isinstance(document, Mapping):
        raise TranslationError("A translation is a mapping of texts (title, pillars, questions…).")
    known = {"title", "intro", "pillars", "buckets", "sections", "questions"}
    known |= {"bank", "version", "language"}
    unknown = sorted(set(map(str, document)) - known)
    if unknown:
        raise TranslationError(
            f"Unknown field {unknown[0]!r}: expected {', '.join(sorted(known))}."
        )
    checked: TextDocument = {}
    for field in ("title", "intro"):
        text = _text(document.get(field), field.capitalize())
        if text:
            checked[field] = text
    pillars = _section(document.get("pillars"), "pillars", {p.key for p in spec.pillars})
    checked["pillars"] = _kept(
        {
            key: _texts(value, f"Pillar {key}", ("name", "description"))
            for key, value in pillars.items()
        }
    )
    buckets = _section(document.get("buckets"), "buckets", {b.key for b in spec.buckets})
    checked["buckets"] = _kept(
        {key: _texts(value, f"Bucket {key}", ("name",)) for key, value in buckets.items()}
    )
    checked["sections"] = _sections_checked(spec, document.get("sections"))
    questions = _section(
        document.get("questions"), "questions", {str(q.number) for q in spec.questions}
    )
    checked["questions"] = {}
    for number, value in questions.items():
        question = spec.question(int(number))
        assert question is not None
        where = f"Question {number}"
        texts = _texts(value, where, ("text", "help"), allow=("options",))
        options = (
            _options(question, value.get("options"), where) if isinstance(value, Mapping) else []
        )
        if any(options):
            texts["options"] = options
        checked["questions"][number] = texts
    checked["questions"] = _kept(checked["questions"])
    return checked


def _sections_checked(spec: BankSpec, value: Any) -> dict[str, str]:
    """Page titles by their English; two pages may not end up with the same title."""
    given = _section(value, "sections", {q.section for q in spec.questions if q.section})
    sections = {key: _text(text, f"Section {key}") for key, text in given.items()}
    sections = {key: text for key, text in sections.items() if text}
    seen: dict[str, str] = {}
    for key, text in sections.items():
        if text.casefold() in seen:
            raise TranslationError(
                f"Sections {seen[text.casefold()]!r} and {key!r} read the same ({text!r}); "
                "each page needs a title of its own."
            )
        seen[text.casefold()] = key
    return sections


def sections_of_their_own(spec: BankSpec) -> list[str]:
    """The page titles a translation gives, in the bank's order: every section but those named
    after a pillar, which take the pillar's translated name."""
    pillar_names = {pillar.name for pillar in spec.pillars}
    sections = dict.fromkeys(q.section for q in spec.questions if q.section)
    return [section for section in sections if section not in pillar_names]


def _section_shown(section: str, spec: BankSpec, texts: Mapping[str, Any]) -> str:
    given = texts.get("sections", {}).get(section)
    if given:
        return str(given)
    for pillar in spec.pillars:
        if pillar.name == section:
            return texts.get("pillars", {}).get(pillar.key, {}).get("name") or section
    return section


def _kept(section: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Only the entries that give at least one text."""
    return {key: texts for key, texts in section.items() if texts}


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TranslationError(f"{where}: a text is expected, not {type(value).__name__}.")
    return value.strip()


def _section(value: Any, name: str, keys: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TranslationError(f"{name.capitalize()}: a mapping by key is expected.")
    section = {str(key): item for key, item in value.items()}
    unknown = sorted(set(section) - keys, key=lambda key: (len(key), key))
    if unknown:
        raise TranslationError(f"{name.capitalize()}: the bank has no {name[:-1]} {unknown[0]!r}.")
    return section


def _texts(
    value: Any, where: str, fields: tuple[str, ...], allow: tuple[str, ...] = ()
) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TranslationError(f"{where}: a mapping of {', '.join(fields)} is expected.")
    unknown = sorted(set(map(str, value)) - set(fields) - set(allow))
    if unknown:
        raise TranslationError(f"{where}: unknown field {unknown[0]!r}.")
    texts: dict[str, Any] = {}
    for field in fields:
        text = _text(value.get(field), f"{where}, {field}")
        if text:
            texts[field] = text
    return texts


def _options(question: QuestionSpec, value: Any, where: str) -> list[str]:
    """Option texts in the bank's order. Given as plain texts, or as {code, text} pairs whose
    codes must follow the bank's order."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TranslationError(f"{where}: options are a list, one text for each option.")
    if not question.options:
        raise TranslationError(f"{where}: the question has no options to translate.")
    if len(value) != len(question.options):
        raise TranslationError(
            f"{where} has {len(question.options)} options; the translation gives {len(value)}. "
            "A translation may not add, remove or merge options."
        )
    texts: list[str] = []
    for position, (item, option) in enumerate(zip(value, question.options, strict=True), start=1):
        if isinstance(item, Mapping):
            code = item.get("code")
            if code != option.code:
                raise TranslationError(
                    f"{where}, option {position}: the bank's option {position} has code "
                    f"{option.code}, the translation gives code {code!r} there. A translation "
                    "keeps the bank's order of options."
                )
            item = item.get("text")
        texts.append(_text(item, f"{where}, option {position}"))
    seen: dict[str, int] = {}
    for position, text in enumerate(texts, start=1):
        if text and text.casefold() in seen:
            raise TranslationError(
                f"{where}: options {seen[text.casefold()]} and {position} read the same "
                f"({text!r}); a respondent could not tell them apart."
            )
        seen[text.casefold()] = position
    return texts


def spec_translated(spec: BankSpec, texts: Mapping[str, Any]) -> BankSpec:
    """The bank with its texts in the translation's language; every missing text stays English.
    Codes, points, order and kinds are untouched, so scores are the same in every language."""
    if not texts:
        return spec
    pillars = texts.get("pillars", {})
    buckets = texts.get("buckets", {})
    questions = texts.get("questions", {})
    return dataclasses.replace(
        spec,
        title=texts.get("title") or spec.title,
        intro=texts.get("intro") or spec.intro,
        pillars=tuple(
            PillarSpec(
                pillar.key,
                pillars.get(pillar.key, {}).get("name") or pillar.name,
                pillars.get(pillar.key, {}).get("description") or pillar.description,
            )
            for pillar in spec.pillars
        ),
        buckets=tuple(
            dataclasses.replace(bucket, name=buckets.get(bucket.key, {}).get("name") or bucket.name)
            for bucket in spec.buckets
        ),
        questions=tuple(
            _question_translated(
                q, questions.get(str(q.number), {}), _section_shown(q.section, spec, texts)
            )
            for q in spec.questions
        ),
    )


def _question_translated(
    question: QuestionSpec, texts: Mapping[str, Any], section: str
) -> QuestionSpec:
    if not texts and section == question.section:
        return question
    options = texts.get("options") or []
    return dataclasses.replace(
        question,
        text=texts.get("text") or question.text,
        help=texts.get("help") or question.help,
        section=section,
        options=tuple(
            OptionSpec(
                option.code,
                (options[i] if i < len(options) else "") or option.text,
                option.points,
                option.exclusive,
            )
            for i, option in enumerate(question.options)
        ),
    )


def texts_missing(spec: BankSpec, texts: Mapping[str, Any]) -> list[MissingText]:
    """Every text of the bank the translation does not give, in the bank's order."""
    missing: list[MissingText] = []
    pillars = texts.get("pillars", {})
    buckets = texts.get("buckets", {})
    questions = texts.get("questions", {})
    for field, english in (("title", spec.title), ("intro", spec.intro)):
        if english and not texts.get(field):
            missing.append(MissingText(field.capitalize(), english))
    for pillar in spec.pillars:
        given = pillars.get(pillar.key, {})
        if not given.get("name"):
            missing.append(MissingText(f"Pillar {pillar.name}, name", pillar.name))
        if pillar.description and not given.get("description"):
            missing.append(MissingText(f"Pillar {pillar.name}, description", pillar.description))
    for bucket in spec.buckets:
        if not buckets.get(bucket.key, {}).get("name"):
            missing.append(MissingText(f"Bucket {bucket.name}, name", bucket.name))
    for section in sections_of_their_own(spec):
        if not texts.get("sections", {}).get(section):
            missing.append(MissingText(f"Section {section}", section))
    for question in spec.questions:
        given = questions.get(str(question.number), {})
        where = f"Question {question.number}"
        if not given.get("text"):
            missing.append(MissingText(f"{where}, text", question.text))
        if question.help and not given.get("help"):
            missing.append(MissingText(f"{where}, help", question.help))
        options = given.get("options") or []
        for position, option in enumerate(question.options, start=1):
            if position > len(options) or not options[position - 1]:
                missing.append(MissingText(f"{where}, option {position}", option.text))
    return missing


def translation_document(
    spec: BankSpec, texts: Mapping[str, Any], *, language: str
) -> TextDocument:
    """The translation as a file a translator edits and an admin imports again: every place a
    text goes (empty where it is missing), options with their codes so that their order is
    checked on the way back."""
    questions = texts.get("questions", {})

    def question_entry(question: QuestionSpec) -> dict[str, Any]:
        given = questions.get(str(question.number), {})
        entry: dict[str, Any] = {"text": given.get("text", "")}
        if question.help:
            entry["help"] = given.get("help", "")
        if question.options:
            options = given.get("options") or []
            entry["options"] = [
                {"code": option.code, "text": options[i] if i < len(options) else ""}
                for i, option in enumerate(question.options)
            ]
        return entry

    return {
        "bank": spec.key,
        "version": spec.version,
        "language": language,
        "title": texts.get("title", ""),
        "intro": texts.get("intro", ""),
        "pillars": {
            p.key: {
                "name": texts.get("pillars", {}).get(p.key, {}).get("name", ""),
                "description": texts.get("pillars", {}).get(p.key, {}).get("description", ""),
            }
            for p in spec.pillars
        },
        "buckets": {
            b.key: {"name": texts.get("buckets", {}).get(b.key, {}).get("name", "")}
            for b in spec.buckets
        },
        "sections": {
            section: texts.get("sections", {}).get(section, "")
            for section in sections_of_their_own(spec)
        },
        "questions": {str(q.number): question_entry(q) for q in spec.questions},
    }
