"""A question bank as plain, immutable data: what scoring and answer checks read."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    INTEGER = "integer"
    PERCENT = "percent"
    SINGLE = "single"
    MULTI = "multi"


class Scoring(StrEnum):
    SINGLE = "single"
    MAX = "max"
    SUM = "sum"


CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTI})
NUMBER_KINDS = frozenset({Kind.INTEGER, Kind.PERCENT})
TEXT_KINDS = frozenset({Kind.TEXT, Kind.EMAIL})
MAX_POINTS = Decimal(3)


@dataclass(frozen=True, slots=True)
class OptionSpec:
    code: int
    text: str
    points: Decimal | None = None
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    number: int
    kind: Kind
    text: str
    help: str = ""
    required: bool = True
    section: str = ""
    pillar: str | None = None
    scoring: Scoring | None = None
    weight: Decimal = Decimal(1)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_length: int | None = None
    unknown_allowed: bool = False
    role: str | None = None
    options: tuple[OptionSpec, ...] = ()

    @property
    def is_scored(self) -> bool:
        return self.pillar is not None

    def option_by_code(self, code: int) -> OptionSpec | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True, slots=True)
class PillarSpec:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class BucketSpec:
    key: str
    name: str
    lower_bound: Decimal


@dataclass(frozen=True, slots=True)
class BankSpec:
    key: str
    version: int
    title: str
    intro: str
    pillars: tuple[PillarSpec, ...]
    buckets: tuple[BucketSpec, ...]
    questions: tuple[QuestionSpec, ...]
    _by_number: dict[int, QuestionSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_number", {q.number: q for q in self.questions})

    def question(self, number: int) -> QuestionSpec | None:
        return self._by_number.get(number)

    def question_for_role(self, role: str) -> QuestionSpec | None:
        return next((q for q in self.questions if q.role == role), None)

    def bucket_name(self, key: str) -> str:
        """What people read for a stored bucket key ("Undeveloped" for "undeveloped")."""
        return next((bucket.name for bucket in self.buckets if bucket.key == key), key)
