"""Reading a question bank file (YAML) into a BankSpec, refusing anything that cannot be scored.

Every problem is collected, each naming the question (or pillar, bucket) and the field, so an
admin can fix a file in one pass. Nothing here touches the database.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


class Problem(str):
    """One problem as an admin reads it, in the active language, with what it is about, so that
    code can pick problems out whatever the language: `about` is "file", "bank", "pillar",
    "bucket" or "question" (options belong to their question), `field` the bank file's field
    it names ("points", "weight", "min/max", …; "" for none)."""

    about: str
    field: str

    def __new__(cls, text: str, about: str = "", field: str = "") -> Problem:
        problem = super().__new__(cls, text)
        problem.about = about
        problem.field = field
        return problem


def _said(where: Problem, field: str, text: str, /, **values: object) -> Problem:
    """A problem of `where` (a place named by `_place`) and one of its fields: `text` is a
    whole translated sentence with %(where)s and, for a field named by a value, %(field)s."""
    return Problem(text % {"where": where, "field": field, **values}, where.about, field)


def _key_repeated(where: Problem, count: int) -> Problem:
    """A pillar's or bucket's key given to more than one of them."""
    text = ngettext(
        "%(where)s, key: defined %(count)s time.", "%(where)s, key: defined %(count)s times.", count
    )
    return _said(where, "key", text, count=count)


def _place(about: str, text: str, /, **values: object) -> Problem:
    """Where a problem is, as it is named in problems ("Question 12", "Bucket 'emerging'")."""
    return Problem(text % values, about)


def _question_at(number: object) -> Problem:
    return _place("question", _("Question %(number)s"), number=number)


def _option_at(number: object, position: object) -> Problem:
    return _place(
        "question", _("Question %(number)s, option %(position)s"), number=number, position=position
    )


def _pillar_at(key: str) -> Problem:
    return _place("pillar", _("Pillar '%(key)s'"), key=key)


def _bucket_at(key: str) -> Problem:
    return _place("bucket", _("Bucket '%(key)s'"), key=key)


class BankFileError(Exception):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems: list[str] = list(problems)


def bank_file_read(path: Path) -> BankSpec:
    # Read by `manage.py load_bank` only: its messages are the command line's, in English.
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
            [
                Problem(
                    _("The file must be a mapping with bank, version, title, ... at the top."),
                    "file",
                )
            ]
        )
    reader = _BankReader()
    spec = reader.read(document)
    if reader.problems or spec is None:
        raise BankFileError(reader.problems)
    return spec


def bank_spec_problems(spec: BankSpec, *, questions_complete: bool = True) -> list[Problem]:
    """The rules a bank must keep to be scored, checked on a spec (from a file or the database).

    With questions_complete=False (some questions could not be read), whether every pillar can
    be scored is not judged.
    """
    problems: list[Problem] = []
    pillar_keys = [pillar.key for pillar in spec.pillars]
    for key, count in Counter(pillar_keys).items():
        if count > 1:
            problems.append(_key_repeated(_pillar_at(key), count))
    problems += _bucket_problems(spec.buckets)
    for number, count in Counter(q.number for q in spec.questions).items():
        if count > 1:
            problems.append(
                _said(
                    _question_at(number),
                    "number",
                    ngettext(
                        "%(where)s, number: used by %(count)s question.",
                        "%(where)s, number: used by %(count)s questions.",
                        count,
                    ),
                    count=count,
                )
            )
    problems += _role_problems(spec.questions)
    problems += _length_problems(spec)
    for question in spec.questions:
        problems += _question_problems(question, set(pillar_keys))
    if not questions_complete:
        return problems
    for pillar in spec.pillars:
        answerable = [q for q in spec.questions if q.pillar == pillar.key and q.required]
        if not answerable:
            problems.append(
                _said(
                    _pillar_at(pillar.key),
                    "",
                    _("%(where)s has no required question, so it could not be scored."),
                )
            )
    return problems


def _role_problems(questions: tuple[QuestionSpec, ...]) -> list[Problem]:
    problems = []
    by_role: dict[str, list[int]] = {}
    for question in questions:
        if question.role is None:
            continue
        if question.role not in KNOWN_ROLES:
            problems.append(
                _said(
                    _question_at(question.number),
                    "role",
                    _("%(where)s, role: '%(role)s' is unknown (known: %(known)s)."),
                    role=question.role,
                    known=", ".join(sorted(KNOWN_ROLES)),
                )
            )
        by_role.setdefault(question.role, []).append(question.number)
    for role, numbers in by_role.items():
        if len(numbers) > 1:
            # Translators: joins the last two of a list of question numbers: "12, 15 and 20".
            listed = get_text_list([str(n) for n in numbers], _("and"))
            problems.append(
                Problem(
                    _(
                        "Questions %(numbers)s, role: '%(role)s' is given to each; a role names "
                        "one question."
                    )
                    % {"numbers": listed, "role": role},
                    "question",
                    "role",
                )
            )
    return problems


def _length_problems(spec: BankSpec) -> list[Problem]:
    checks = [(_place("bank", _("Bank")), "title", spec.title, 200)]
    checks += [(_pillar_at(p.key), "name", p.name, 80) for p in spec.pillars]
    checks += [(_bucket_at(b.key), "name", b.name, 80) for b in spec.buckets]
    for q in spec.questions:
        checks.append((_question_at(q.number), "section", q.section, 80))
        checks += [(_option_at(q.number, o.code % 100), "text", o.text, 300) for o in q.options]
    return [
        _said(
            where,
            name,
            _("%(where)s, %(field)s: at most %(limit)s characters (it has %(length)s)."),
            limit=limit,
            length=len(text),
        )
        for where, name, text, limit in checks
        if len(text) > limit
    ]


def _bucket_problems(buckets: tuple[BucketSpec, ...]) -> list[Problem]:
    if not buckets:
        return [Problem(_("buckets: at least one bucket is needed."), "bucket", "buckets")]
    problems = [
        _key_repeated(_bucket_at(key), count)
        for key, count in Counter(bucket.key for bucket in buckets).items()
        if count > 1
    ]
    if buckets[0].lower_bound != 0:
        problems.append(
            _said(
                _bucket_at(buckets[0].key),
                "from",
                _("%(where)s, from: the first bucket must start at 0."),
            )
        )
    for previous, bucket in itertools.pairwise(buckets):
        if bucket.lower_bound <= previous.lower_bound:
            problems.append(
                _said(
                    _bucket_at(bucket.key),
                    "from",
                    _("%(where)s, from: must be above '%(previous)s' (%(bound)s)."),
                    previous=previous.key,
                    bound=previous.lower_bound,
                )
            )
    problems += [
        _said(_bucket_at(bucket.key), "from", _("%(where)s, from: must lie between 0 and 100."))
        for bucket in buckets
        if not 0 <= bucket.lower_bound <= 100
    ]
    return problems


def _question_problems(question: QuestionSpec, pillar_keys: set[str]) -> list[Problem]:
    where = _question_at(question.number)
    kind = question.kind.value
    problems = []
    if not question.text.strip():
        problems.append(_said(where, "text", _("%(where)s, text: the question has no text.")))
    if question.kind in CHOICE_KINDS:
        problems += _choice_problems(question, where)
    elif question.options:
        problems.append(
            _said(
                where,
                "options",
                _("%(where)s, options: a %(kind)s question takes no options."),
                kind=kind,
            )
        )
    if question.kind in NUMBER_KINDS:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and low > high:
            problems.append(
                _said(
                    where,
                    "min/max",
                    _("%(where)s, min/max: min %(min)s is above max %(max)s."),
                    min=low,
                    max=high,
                )
            )
    elif question.min_value is not None or question.max_value is not None:
        problems.append(
            _said(
                where,
                "min/max",
                _("%(where)s, min/max: only number questions have bounds, not %(kind)s."),
                kind=kind,
            )
        )
    if question.unknown_allowed and question.kind not in NUMBER_KINDS:
        problems.append(
            _said(
                where,
                "unknown_allowed",
                _("%(where)s, unknown_allowed: only number questions can be answered 'unknown'."),
            )
        )
    if question.max_length is not None and (
        question.kind not in TEXT_KINDS or question.max_length < 1
    ):
        problems.append(
            _said(
                where,
                "max_length",
                _("%(where)s, max_length: a positive length, for text questions only."),
            )
        )
    if question.pillar is None:
        if question.scoring is not None:
            problems.append(
                _said(
                    where,
                    "scoring",
                    _("%(where)s, scoring: a question without a pillar is not scored."),
                )
            )
        if question.weight != 1:
            problems.append(
                _said(
                    where,
                    "weight",
                    _("%(where)s, weight: a question without a pillar is not scored."),
                )
            )
        return problems
    if question.pillar not in pillar_keys:
        problems.append(
            _said(
                where,
                "pillar",
                _("%(where)s, pillar: unknown pillar '%(pillar)s'."),
                pillar=question.pillar,
            )
        )
    allowed = SCORINGS_BY_KIND.get(question.kind, set())
    if not allowed:
        problems.append(
            _said(
                where,
                "kind",
                _("%(where)s, kind: a %(kind)s question cannot be scored on a pillar."),
                kind=kind,
            )
        )
    elif question.scoring not in allowed:
        problems.append(
            _said(
                where,
                "scoring",
                _("%(where)s, scoring: a %(kind)s question is scored %(scorings)s."),
                kind=kind,
                # Translators: joins the last two of a list of scorings: "max or sum".
                scorings=get_text_list(sorted(allowed), _("or")),
            )
        )
    if question.weight <= 0:
        problems.append(_said(where, "weight", _("%(where)s, weight: must be above 0.")))
    return problems


def _choice_problems(question: QuestionSpec, where: Problem) -> list[Problem]:
    options = question.options
    problems = []
    if len(options) < 2:
        problems.append(
            _said(
                where,
                "options",
                _("%(where)s, options: a choice question needs at least two options."),
            )
        )
    if len(options) > MAX_OPTIONS:
        problems.append(
            _said(
                where,
                "options",
                _("%(where)s, options: at most %(count)s options."),
                count=MAX_OPTIONS,
            )
        )
    for text, count in Counter(option.text for option in options).items():
        if count > 1:
            problems.append(
                _said(
                    where,
                    "options",
                    ngettext(
                        "%(where)s, options: '%(text)s' is listed %(count)s time.",
                        "%(where)s, options: '%(text)s' is listed %(count)s times.",
                        count,
                    ),
                    text=text,
                    count=count,
                )
            )
    for option in options:
        if not option.text.strip():
            problems.append(
                _said(where, "options", _("%(where)s, options: an option has no text."))
            )
        if option.exclusive and question.kind != Kind.MULTI:
            problems.append(
                _said(
                    where,
                    "exclusive",
                    _("%(where)s, option '%(option)s', exclusive: only multi questions have one."),
                    option=option.text,
                )
            )
        if question.pillar is None:
            if option.points is not None:
                problems.append(
                    _said(
                        where,
                        "points",
                        _("%(where)s, option '%(option)s', points: the question has no pillar."),
                        option=option.text,
                    )
                )
        elif option.points is None:
            problems.append(
                _said(
                    where,
                    "points",
                    _("%(where)s, option '%(option)s', points: missing."),
                    option=option.text,
                )
            )
        elif not 0 <= option.points <= MAX_POINTS:
            problems.append(
                _said(
                    where,
                    "points",
                    _("%(where)s, option '%(option)s', points: %(points)s is outside 0..%(most)s."),
                    option=option.text,
                    points=option.points,
                    most=MAX_POINTS,
                )
            )
    if question.pillar is not None and options:
        if all((option.points or 0) == 0 for option in options):
            problems.append(
                _said(
                    where,
                    "options",
                    _(
                        "%(where)s, options: every option scores 0, so the question cannot tell "
                        "apart."
                    ),
                )
            )
        if question.kind == Kind.MULTI and all(option.exclusive for option in options):
            problems.append(
                _said(
                    where,
                    "options",
                    _("%(where)s, options: every option is exclusive; use a single question."),
                )
            )
    return problems


class _BankReader:
    """Turns the YAML document into a spec, noting what is malformed instead of stopping.

    A question with a malformed field is left out of the spec, and the rules are then checked
    on the questions that could be read, so one pass reports every problem.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.questions_dropped = False

    def read(self, document: dict[str, Any]) -> BankSpec | None:
        for unknown in sorted(set(document) - TOP_LEVEL_FIELDS, key=str):
            self.problems.append(
                Problem(_("Unknown top-level field '%(field)s'.") % {"field": unknown}, "file")
            )
        key = document.get("bank")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            self.problems.append(
                Problem(_("bank: a short lower-case key such as 'cspi' is needed."), "bank", "bank")
            )
        version = document.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.problems.append(
                Problem(_("version: a whole number from 1 up is needed."), "bank", "version")
            )
        title = document.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problems.append(Problem(_("title: the bank needs a title."), "bank", "title"))
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

    def _list(self, value: Any, field: str, about: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.problems.append(
                Problem(
                    _("%(field)s: a non-empty list is needed.") % {"field": field}, about, field
                )
            )
            return []
        return value

    def _pillars(self, value: Any) -> list[PillarSpec]:
        return [
            PillarSpec(key, name, str(item.get("description") or "").strip())
            for key, name, item in self._named_items(value, "pillars", "pillar")
        ]

    def _buckets(self, value: Any) -> list[BucketSpec]:
        buckets = []
        for key, name, item in self._named_items(value, "buckets", "bucket"):
            lower = self._decimal(item.get("from"), _bucket_at(key), "from")
            if lower is not None:
                buckets.append(BucketSpec(key, name, lower))
        return buckets

    def _named_items(
        self, value: Any, field: str, about: str
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Each item of a list of pillars or buckets with a valid key, with its key and name;
        a bad key leaves the item out, a missing name keeps it, both named as problems."""
        for position, item in enumerate(self._list(value, field, about), start=1):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                if about == "pillar":
                    where = _place(about, _("Pillar %(position)s"), position=position)
                else:
                    where = _place(about, _("Bucket %(position)s"), position=position)
                self.problems.append(
                    _said(where, "key", _("%(where)s, key: a short lower-case key is needed."))
                )
                continue
            name = str(item.get("name") or "").strip()
            if not name:
                where = _pillar_at(key) if about == "pillar" else _bucket_at(key)
                self.problems.append(_said(where, "name", _("%(where)s, name: missing.")))
            yield key, name, item

    def _questions(self, value: Any, pillar_names: dict[str, str]) -> list[QuestionSpec]:
        questions = []
        for position, item in enumerate(self._list(value, "questions", "question"), start=1):
            where = _place("question", _("Question at position %(position)s"), position=position)
            if not isinstance(item, dict):
                self.problems.append(_said(where, "", _("%(where)s: must be a mapping.")))
                self.questions_dropped = True
                continue
            number = item.get("number")
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                self.problems.append(
                    _said(where, "number", _("%(where)s, number: a whole number from 1 up."))
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
        where = _question_at(number)
        before = len(self.problems)
        for unknown in sorted(set(item) - QUESTION_FIELDS, key=str):
            self.problems.append(_unknown_field(where, unknown))
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
            self.problems.append(
                _said(
                    where,
                    "max_length",
                    _("%(where)s, max_length: a whole number from 1 up is needed."),
                )
            )
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
            self.problems.append(
                _said(_question_at(number), "options", _("%(where)s, options: a list is needed."))
            )
            return []
        options = []
        for position, item in enumerate(value, start=1):
            where = _option_at(number, position)
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict):
                self.problems.append(
                    _said(where, "", _("%(where)s: text, or a mapping with text and points."))
                )
                continue
            for unknown in sorted(set(item) - OPTION_FIELDS, key=str):
                self.problems.append(_unknown_field(where, unknown))
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

    def _choice(self, item: dict[str, Any], name: str, enum: Any, where: Problem) -> Any:
        try:
            return enum(item.get(name))
        except ValueError:
            self.problems.append(
                _said(
                    where,
                    name,
                    _("%(where)s, %(field)s: '%(value)s' is not one of %(allowed)s."),
                    value=item.get(name),
                    allowed=", ".join(member.value for member in enum),
                )
            )
            return None

    def _flag(self, item: dict[str, Any], name: str, default: bool, where: Problem) -> bool:
        value = item.get(name, default)
        if not isinstance(value, bool):
            self.problems.append(
                _said(
                    where,
                    name,
                    _("%(where)s, %(field)s: true or false is needed, not '%(value)s'."),
                    value=value,
                )
            )
            return default
        return value

    def _decimal(self, value: Any, where: Problem, name: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problems.append(_said(where, name, _("%(where)s, %(field)s: a number is needed.")))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problems.append(
                _said(
                    where,
                    name,
                    _("%(where)s, %(field)s: '%(value)s' is not a number."),
                    value=value,
                )
            )
            return None
        if not number.is_finite():
            self.problems.append(
                _said(
                    where,
                    name,
                    _("%(where)s, %(field)s: '%(value)s' is not a finite number."),
                    value=value,
                )
            )
            return None
        places = PLACES.get(name)
        exponent = number.as_tuple().exponent
        if places is not None and isinstance(exponent, int) and -exponent > places:
            self.problems.append(
                _said(
                    where,
                    name,
                    _("%(where)s, %(field)s: at most %(places)s decimal places (%(value)s)."),
                    places=places,
                    value=value,
                )
            )
            return None
        return number


def _unknown_field(where: Problem, field: str) -> Problem:
    return _said(where, field, _("%(where)s: unknown field '%(field)s'."))
