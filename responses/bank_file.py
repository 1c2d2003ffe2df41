"""Reading a question bank file (YAML) into a BankSpec, refusing anything that cannot be scored.

Every problem is collected, each naming the question (or pillar, bucket) and the field, so an
admin can fix a file in one pass. Nothing here touches the database.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from scoring.bank import (
    CHOICE_KINDS,
    MAX_POINTS,
    NUMBER_KINDS,
    TEXT_KINDS,
    BankSpec,
    BucketSpec,
    Kind,
    OptionSpec,
    PillarSpec,
    QuestionSpec,
    Scoring,
)

TOP_LEVEL_FIELDS = {"bank", "version", "title", "intro", "pillars", "buckets", "questions"}
QUESTION_FIELDS = {
    "number",
    "kind",
    "text",
    "help",
    "required",
    "section",
    "pillar",
    "scoring",
    "weight",
    "min",
    "max",
    "max_length",
    "unknown_allowed",
    "role",
    "options",
}
OPTION_FIELDS = {"text", "points", "exclusive"}
MAX_OPTIONS = 99  # option codes are number * 100 + position
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SCORINGS_BY_KIND = {Kind.SINGLE: {Scoring.SINGLE}, Kind.MULTI: {Scoring.MAX, Scoring.SUM}}
# Decimal places the database keeps; a finer value would be stored rounded, so it is refused.
PLACES = {"points": 3, "weight": 3, "min": 2, "max": 2, "from": 2}
DEFAULT_SECTION_BY_ROLE = {
    "name": "About you",
    "title": "About you",
    "email": "About you",
    "region": "Your company",
    "industry": "Your company",
    "business_model": "Your company",
    "arr_band": "Your company",
    "customers": "Your numbers",
    "csms": "Your numbers",
    "nrr": "Your numbers",
    "retention": "Your numbers",
    "nps": "Your numbers",
    "cs_platform": "Your tools",
    "crm": "Your tools",
}
KNOWN_ROLES = frozenset(DEFAULT_SECTION_BY_ROLE)


class BankFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def bank_file_read(path: Path) -> BankSpec:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BankFileError([f"Cannot read {path}: {error.strerror}"]) from error
    except UnicodeDecodeError as error:
        raise BankFileError(
            [f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8."]
        ) from error
    except yaml.YAMLError as error:
        raise BankFileError([f"{path} is not valid YAML: {error}"]) from error
    return bank_spec_from_document(document)


def bank_spec_from_document(document: Any) -> BankSpec:
    if not isinstance(document, dict):
        raise BankFileError(
            ["The file must be a mapping with bank, version, title, ... at the top."]
        )
    reader = _BankReader()
    spec = reader.read(document)
    if reader.problems or spec is None:
        raise BankFileError(reader.problems)
    return spec


def bank_spec_problems(spec: BankSpec, *, questions_complete: bool = True) -> list[str]:
    """The rules a bank must keep to be scored, checked on a spec (from a file or the database).

    With questions_complete=False (some questions could not be read), whether every pillar can
    be scored is not judged.
    """
    problems: list[str] = []
    pillar_keys = [pillar.key for pillar in spec.pillars]
    for key, count in Counter(pillar_keys).items():
        if count > 1:
            problems.append(f"Pillar '{key}', key: defined {count} times.")
    problems += _bucket_problems(spec.buckets)
    for number, count in Counter(q.number for q in spec.questions).items():
        if count > 1:
            problems.append(f"Question {number}, number: used by {count} questions.")
    problems += _role_problems(spec.questions)
    problems += _length_problems(spec)
    for question in spec.questions:
        problems += [
            f"Question {question.number}, {problem}"
            for problem in _question_problems(question, set(pillar_keys))
        ]
    if not questions_complete:
        return problems
    for pillar in spec.pillars:
        answerable = [q for q in spec.questions if q.pillar == pillar.key and q.required]
        if not answerable:
            problems.append(
                f"Pillar '{pillar.key}' has no required question, so it could not be scored."
            )
    return problems


def _role_problems(questions: tuple[QuestionSpec, ...]) -> list[str]:
    problems = []
    by_role: dict[str, list[int]] = {}
    for question in questions:
        if question.role is None:
            continue
        if question.role not in KNOWN_ROLES:
            known = ", ".join(sorted(KNOWN_ROLES))
            problems.append(
                f"Question {question.number}, role: '{question.role}' is unknown (known: {known})."
            )
        by_role.setdefault(question.role, []).append(question.number)
    for role, numbers in by_role.items():
        if len(numbers) > 1:
            listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
            problems.append(
                f"Questions {listed}, role: '{role}' is given to each; a role names one question."
            )
    return problems


def _length_problems(spec: BankSpec) -> list[str]:
    checks = [("Bank", "title", spec.title, 200)]
    checks += [(f"Pillar '{p.key}'", "name", p.name, 80) for p in spec.pillars]
    checks += [(f"Bucket '{b.key}'", "name", b.name, 80) for b in spec.buckets]
    for q in spec.questions:
        checks.append((f"Question {q.number}", "section", q.section, 80))
        checks += [
            (f"Question {q.number}, option {o.code % 100}", "text", o.text, 300) for o in q.options
        ]
    return [
        f"{where}, {name}: at most {limit} characters (it has {len(text)})."
        for where, name, text, limit in checks
        if len(text) > limit
    ]


def _bucket_problems(buckets: tuple[BucketSpec, ...]) -> list[str]:
    if not buckets:
        return ["buckets: at least one bucket is needed."]
    problems = [
        f"Bucket '{key}', key: defined {count} times."
        for key, count in Counter(bucket.key for bucket in buckets).items()
        if count > 1
    ]
    if buckets[0].lower_bound != 0:
        problems.append(f"Bucket '{buckets[0].key}', from: the first bucket must start at 0.")
    for previous, bucket in itertools.pairwise(buckets):
        if bucket.lower_bound <= previous.lower_bound:
            problems.append(
                f"Bucket '{bucket.key}', from: must be above '{previous.key}' "
                f"({previous.lower_bound})."
            )
    problems += [
        f"Bucket '{bucket.key}', from: must lie between 0 and 100."
        for bucket in buckets
        if not 0 <= bucket.lower_bound <= 100
    ]
    return problems


def _question_problems(question: QuestionSpec, pillar_keys: set[str]) -> list[str]:
    problems = []
    if not question.text.strip():
        problems.append("text: the question has no text.")
    if question.kind in CHOICE_KINDS:
        problems += _choice_problems(question)
    elif question.options:
        problems.append(f"options: a {question.kind} question takes no options.")
    if question.kind in NUMBER_KINDS:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and low > high:
            problems.append(f"min/max: min {low} is above max {high}.")
    elif question.min_value is not None or question.max_value is not None:
        problems.append(f"min/max: only number questions have bounds, not {question.kind}.")
    if question.unknown_allowed and question.kind not in NUMBER_KINDS:
        problems.append("unknown_allowed: only number questions can be answered 'unknown'.")
    if question.max_length is not None and (
        question.kind not in TEXT_KINDS or question.max_length < 1
    ):
        problems.append("max_length: a positive length, for text questions only.")
    if question.pillar is None:
        if question.scoring is not None:
            problems.append("scoring: a question without a pillar is not scored.")
        if question.weight != 1:
            problems.append("weight: a question without a pillar is not scored.")
        return problems
    if question.pillar not in pillar_keys:
        problems.append(f"pillar: unknown pillar '{question.pillar}'.")
    allowed = SCORINGS_BY_KIND.get(question.kind, set())
    if not allowed:
        problems.append(f"kind: a {question.kind} question cannot be scored on a pillar.")
    elif question.scoring not in allowed:
        names = " or ".join(sorted(allowed))
        problems.append(f"scoring: a {question.kind} question is scored {names}.")
    if question.weight <= 0:
        problems.append("weight: must be above 0.")
    return problems


def _choice_problems(question: QuestionSpec) -> list[str]:
    options = question.options
    problems = []
    if len(options) < 2:
        problems.append("options: a choice question needs at least two options.")
    if len(options) > MAX_OPTIONS:
        problems.append(f"options: at most {MAX_OPTIONS} options.")
    for text, count in Counter(option.text for option in options).items():
        if count > 1:
            problems.append(f"options: '{text}' is listed {count} times.")
    for option in options:
        if not option.text.strip():
            problems.append("options: an option has no text.")
        if option.exclusive and question.kind != Kind.MULTI:
            problems.append(f"option '{option.text}', exclusive: only multi questions have one.")
        if question.pillar is None:
            if option.points is not None:
                problems.append(f"option '{option.text}', points: the question has no pillar.")
        elif option.points is None:
            problems.append(f"option '{option.text}', points: missing.")
        elif not 0 <= option.points <= MAX_POINTS:
            problems.append(
                f"option '{option.text}', points: {option.points} is outside 0..{MAX_POINTS}."
            )
    if question.pillar is not None and options:
        if all((option.points or 0) == 0 for option in options):
            problems.append("options: every option scores 0, so the question cannot tell apart.")
        if question.kind == Kind.MULTI and all(option.exclusive for option in options):
            problems.append("options: every option is exclusive; use a single question.")
    return problems


class _BankReader:
    """Turns the YAML document into a spec, noting what is malformed instead of stopping.

    A question with a malformed field is left out of the spec, and the rules are then checked
    on the questions that could be read, so one pass reports every problem.
    """

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.questions_dropped = False

    def read(self, document: dict[str, Any]) -> BankSpec | None:
        for unknown in sorted(set(document) - TOP_LEVEL_FIELDS, key=str):
            self.problems.append(f"Unknown top-level field '{unknown}'.")
        key = document.get("bank")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            self.problems.append("bank: a short lower-case key such as 'cspi' is needed.")
        version = document.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.problems.append("version: a whole number from 1 up is needed.")
        title = document.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problems.append("title: the bank needs a title.")
        pillars = tuple(self._pillars(document.get("pillars")))
        buckets = tuple(self._buckets(document.get("buckets")))
        names = {pillar.key: pillar.name for pillar in pillars}
        questions = tuple(self._questions(document.get("questions"), names))
        spec = BankSpec(
            key=str(key),
            version=version if isinstance(version, int) else 0,
            title=str(title or "").strip(),
            intro=str(document.get("intro") or "").strip(),
            pillars=pillars,
            buckets=buckets,
            questions=tuple(sorted(questions, key=lambda q: q.number)),
        )
        self.problems += bank_spec_problems(spec, questions_complete=not self.questions_dropped)
        return None if self.problems else spec

    def _list(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.problems.append(f"{where}: a non-empty list is needed.")
            return []
        return value

    def _pillars(self, value: Any) -> list[PillarSpec]:
        return [
            PillarSpec(key, name, str(item.get("description") or "").strip())
            for key, name, item in self._named_items(value, "pillars", "Pillar")
        ]

    def _buckets(self, value: Any) -> list[BucketSpec]:
        buckets = []
        for key, name, item in self._named_items(value, "buckets", "Bucket"):
            lower = self._decimal(item.get("from"), f"Bucket '{key}'", "from")
            if lower is not None:
                buckets.append(BucketSpec(key, name, lower))
        return buckets

    def _named_items(
        self, value: Any, field: str, label: str
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Each item of a list of pillars or buckets with a valid key, with its key and name;
        a bad key leaves the item out, a missing name keeps it, both named as problems."""
        for position, item in enumerate(self._list(value, field), start=1):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                self.problems.append(f"{label} {position}, key: a short lower-case key is needed.")
                continue
            name = str(item.get("name") or "").strip()
            if not name:
                self.problems.append(f"{label} '{key}', name: missing.")
            yield key, name, item

    def _questions(self, value: Any, pillar_names: dict[str, str]) -> list[QuestionSpec]:
        questions = []
        for position, item in enumerate(self._list(value, "questions"), start=1):
            if not isinstance(item, dict):
                self.problems.append(f"Question at position {position}: must be a mapping.")
                self.questions_dropped = True
                continue
            number = item.get("number")
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                self.problems.append(
                    f"Question at position {position}, number: a whole number from 1 up."
                )
                self.questions_dropped = True
                continue
            question = self._question(number, item, pillar_names)
            if question is None:
                self.questions_dropped = True
            else:
                questions.append(question)
        return questions

    def _question(
        self, number: int, item: dict[str, Any], pillar_names: dict[str, str]
    ) -> QuestionSpec | None:
        where = f"Question {number}"
        before = len(self.problems)
        for unknown in sorted(set(item) - QUESTION_FIELDS, key=str):
            self.problems.append(f"{where}: unknown field '{unknown}'.")
        kind = self._choice(item, "kind", Kind, where)
        scoring = self._choice(item, "scoring", Scoring, where) if "scoring" in item else None
        options = tuple(self._options(number, item.get("options")))
        weight = self._decimal(item.get("weight", 1), where, "weight")
        low = self._decimal(item["min"], where, "min") if "min" in item else None
        high = self._decimal(item["max"], where, "max") if "max" in item else None
        required = self._flag(item, "required", True, where)
        unknown_allowed = self._flag(item, "unknown_allowed", False, where)
        max_length = item.get("max_length")
        if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
            self.problems.append(f"{where}, max_length: a whole number from 1 up is needed.")
        if len(self.problems) > before or kind is None:
            return None
        pillar, role = item.get("pillar"), item.get("role")
        default_section = (
            pillar_names.get(str(pillar), str(pillar))
            if pillar
            else DEFAULT_SECTION_BY_ROLE.get(str(role), "About you")
        )
        return QuestionSpec(
            number=number,
            kind=kind,
            text=str(item.get("text") or "").strip(),
            help=str(item.get("help") or "").strip(),
            required=required,
            section=str(item.get("section") or default_section).strip(),
            pillar=str(pillar) if pillar is not None else None,
            scoring=scoring,
            weight=weight if weight is not None else Decimal(1),
            min_value=low,
            max_value=high,
            max_length=max_length,
            unknown_allowed=unknown_allowed,
            role=str(role) if role is not None else None,
            options=options,
        )

    def _options(self, number: int, value: Any) -> list[OptionSpec]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"Question {number}, options: a list is needed.")
            return []
        options = []
        for position, item in enumerate(value, start=1):
            where = f"Question {number}, option {position}"
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict):
                self.problems.append(f"{where}: text, or a mapping with text and points.")
                continue
            for unknown in sorted(set(item) - OPTION_FIELDS, key=str):
                self.problems.append(f"{where}: unknown field '{unknown}'.")
            points = self._decimal(item["points"], where, "points") if "points" in item else None
            options.append(
                OptionSpec(
                    code=number * 100 + position,
                    text=str(item.get("text") or "").strip(),
                    points=points,
                    exclusive=self._flag(item, "exclusive", False, where),
                )
            )
        return options

    def _choice(self, item: dict[str, Any], name: str, enum: Any, where: str) -> Any:
        try:
            return enum(item.get(name))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.problems.append(f"{where}, {name}: '{item.get(name)}' is not one of {allowed}.")
            return None

    def _flag(self, item: dict[str, Any], name: str, default: bool, where: str) -> bool:
        value = item.get(name, default)
        if not isinstance(value, bool):
            self.problems.append(f"{where}, {name}: true or false is needed, not '{value}'.")
            return default
        return value

    def _decimal(self, value: Any, where: str, name: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problems.append(f"{where}, {name}: a number is needed.")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problems.append(f"{where}, {name}: '{value}' is not a number.")
            return None
        if not number.is_finite():
            self.problems.append(f"{where}, {name}: '{value}' is not a finite number.")
            return None
        places = PLACES.get(name)
        exponent = number.as_tuple().exponent
        if places is not None and isinstance(exponent, int) and -exponent > places:
            self.problems.append(f"{where}, {name}: at most {places} decimal places ({value}).")
            return None
        return number
