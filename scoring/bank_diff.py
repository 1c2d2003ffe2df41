"""What changed between two versions of a question bank, in the order a person reads a bank.

A published change moves every future score, so an admin reads this before publishing. Items
are matched by what answers and scores are stored under: pillars and buckets by key, questions
by number, options by code. Each difference is added, removed or changed, with the old and the
new value; values stay as they are in the specs (`value_text` says how to show them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from scoring.bank import BankSpec, BucketSpec, OptionSpec, PillarSpec, QuestionSpec

Item = PillarSpec | BucketSpec | QuestionSpec


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an item. For an option, `option` is its code and `field` the option's field;
    an added or removed option has field "option" and its summary as the value."""

    kind: ChangeKind
    field: str
    old: Any = None
    new: Any = None
    option: int | None = None


@dataclass(frozen=True, slots=True)
class ItemDiff:
    """A pillar, bucket or question (or the bank itself) that differs, with its fields."""

    kind: ChangeKind
    label: str  # "Question 15", "Pillar 'team'", "Bucket 'emerging'", "Bank"
    title: str  # what the item says, for context: the question text, the pillar's name
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class DiffSection:
    title: str  # "Bank", "Pillars", "Buckets", "Questions"
    items: tuple[ItemDiff, ...]


@dataclass(frozen=True, slots=True)
class BankDiff:
    old: BankSpec
    new: BankSpec
    sections: tuple[DiffSection, ...]  # only the sections with a difference

    @property
    def is_empty(self) -> bool:
        return not self.sections

    def counts(self) -> dict[ChangeKind, int]:
        """How many items were added, removed and changed, over every section."""
        counted = dict.fromkeys(ChangeKind, 0)
        for section in self.sections:
            for item in section.items:
                counted[item.kind] += 1
        return counted


# The fields of each item in reading order, with the labels people read.
BANK_FIELDS: tuple[tuple[str, str], ...] = (("title", "Title"), ("intro", "Introduction"))
PILLAR_FIELDS = (("name", "Name"), ("description", "Description"))
BUCKET_FIELDS = (("name", "Name"), ("lower_bound", "From (score)"))
QUESTION_FIELDS = (
    ("text", "Text"),
    ("help", "Help"),
    ("kind", "Kind"),
    ("section", "Section"),
    ("pillar", "Pillar"),
    ("scoring", "Scoring"),
    ("weight", "Weight"),
    ("required", "Required"),
    ("role", "Role"),
    ("min_value", "Minimum"),
    ("max_value", "Maximum"),
    ("max_length", "Maximum length"),
    ("unknown_allowed", "“Unknown” allowed"),
)
OPTION_FIELDS = (("text", "Text"), ("points", "Points"), ("exclusive", "Exclusive"))
OPTION = "Option"
ORDER = "Order"


def bank_diff(old: BankSpec, new: BankSpec) -> BankDiff:
    bank_changes = _field_changes(old, new, BANK_FIELDS)
    pillar_order = _order_change(
        [p.key for p in old.pillars], [p.key for p in new.pillars], "Pillar order"
    )
    sections = (
        DiffSection(
            "Bank",
            (ItemDiff(ChangeKind.CHANGED, "Bank", new.title, bank_changes),)
            if bank_changes
            else (),
        ),
        DiffSection(
            "Pillars", (*pillar_order, *_items_diff(old.pillars, new.pillars, _pillar_item))
        ),
        DiffSection("Buckets", _items_diff(old.buckets, new.buckets, _bucket_item)),
        DiffSection(
            "Questions",
            _items_diff(old.questions, new.questions, _question_item, by_number=True),
        ),
    )
    return BankDiff(old, new, tuple(section for section in sections if section.items))


def value_text(value: Any) -> str:
    """A value as an admin reads it: 1.5 rather than 1.500, yes/no, "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, OptionSpec):
        return option_summary(value)
    if isinstance(value, tuple | list):
        return ", ".join(value_text(item) for item in value)
    return str(value)


def option_summary(option: OptionSpec) -> str:
    """An option in one line: its text, its points if scored, and whether it is exclusive."""
    parts = [option.text]
    if option.points is not None:
        points = value_text(option.points)
        parts.append(f"{points} point" if option.points == 1 else f"{points} points")
    if option.exclusive:
        parts.append("exclusive")
    return " · ".join(parts)


def _items_diff(
    old_items: Sequence[Item],
    new_items: Sequence[Item],
    item_diff: Callable[[Any, Any], ItemDiff | None],
    *,
    by_number: bool = False,
) -> tuple[ItemDiff, ...]:
    """Items in the new version's order, then the removed ones in the old version's order;
    questions by number, removed ones among them where they stood."""
    old_by_key = {_identity(item): item for item in old_items}
    new_keys = {_identity(item) for item in new_items}
    pairs: list[tuple[Item | None, Item | None]] = [
        (old_by_key.get(_identity(item)), item) for item in new_items
    ]
    pairs += [(item, None) for item in old_items if _identity(item) not in new_keys]
    if by_number:
        pairs.sort(key=lambda pair: _identity(pair[1] or pair[0]))  # type: ignore[arg-type]
    diffs = (item_diff(old, new) for old, new in pairs)
    return tuple(diff for diff in diffs if diff is not None)


def _identity(item: Item) -> Any:
    return item.number if isinstance(item, QuestionSpec) else item.key


def _pillar_item(old: PillarSpec | None, new: PillarSpec | None) -> ItemDiff | None:
    either = new or old
    assert either is not None
    return _item(old, new, f"Pillar '{either.key}'", either.name, PILLAR_FIELDS)


def _bucket_item(old: BucketSpec | None, new: BucketSpec | None) -> ItemDiff | None:
    either = new or old
    assert either is not None
    return _item(old, new, f"Bucket '{either.key}'", either.name, BUCKET_FIELDS)


def _question_item(old: QuestionSpec | None, new: QuestionSpec | None) -> ItemDiff | None:
    either = new or old
    assert either is not None
    item = _item(old, new, f"Question {either.number}", either.text, QUESTION_FIELDS)
    options = _options_changes(old.options if old else (), new.options if new else ())
    if item is None and not options:
        return None
    kind = item.kind if item is not None else ChangeKind.CHANGED
    changes = (item.changes if item is not None else ()) + options
    return ItemDiff(kind, f"Question {either.number}", either.text, changes)


def _item(
    old: Any, new: Any, label: str, title: str, fields: tuple[tuple[str, str], ...]
) -> ItemDiff | None:
    if old is None:
        return ItemDiff(ChangeKind.ADDED, label, title, _presence(new, fields, ChangeKind.ADDED))
    if new is None:
        return ItemDiff(
            ChangeKind.REMOVED, label, title, _presence(old, fields, ChangeKind.REMOVED)
        )
    changes = _field_changes(old, new, fields)
    return ItemDiff(ChangeKind.CHANGED, label, title, changes) if changes else None


def _presence(
    item: Any, fields: tuple[tuple[str, str], ...], kind: ChangeKind
) -> tuple[FieldChange, ...]:
    """The fields an added or removed item has (those with a value), each as added or removed."""
    shown = []
    for name, label in fields:
        value = getattr(item, name)
        if value is None or value == "" or (value is False and name != "required"):
            continue
        if name == "weight" and getattr(item, "pillar", None) is None:
            continue  # an unscored question's weight means nothing
        old, new = (None, value) if kind == ChangeKind.ADDED else (value, None)
        shown.append(FieldChange(kind, label, old, new))
    return tuple(shown)


def _field_changes(
    old: Any, new: Any, fields: Iterable[tuple[str, str]]
) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(ChangeKind.CHANGED, label, getattr(old, name), getattr(new, name))
        for name, label in fields
        if getattr(old, name) != getattr(new, name)
    )


def _options_changes(
    old_options: Sequence[OptionSpec], new_options: Sequence[OptionSpec]
) -> tuple[FieldChange, ...]:
    old_by_code = {option.code: option for option in old_options}
    new_codes = {option.code for option in new_options}
    changes: list[FieldChange] = []
    for option in new_options:
        before = old_by_code.get(option.code)
        if before is None:
            changes.append(FieldChange(ChangeKind.ADDED, OPTION, None, option, option.code))
            continue
        changes += [
            FieldChange(
                ChangeKind.CHANGED, label, getattr(before, name), getattr(option, name), option.code
            )
            for name, label in OPTION_FIELDS
            if getattr(before, name) != getattr(option, name)
        ]
    changes += [
        FieldChange(ChangeKind.REMOVED, OPTION, option, None, option.code)
        for option in old_options
        if option.code not in new_codes
    ]
    kept_old = [o.code for o in old_options if o.code in new_codes]
    kept_new = [o.code for o in new_options if o.code in old_by_code]
    if kept_old != kept_new:
        changes.append(FieldChange(ChangeKind.CHANGED, "Option order", kept_old, kept_new))
    return tuple(changes)


def _order_change(old_keys: list[str], new_keys: list[str], label: str) -> tuple[ItemDiff, ...]:
    """The order of the items both versions have, when it differs."""
    kept_old = [key for key in old_keys if key in new_keys]
    kept_new = [key for key in new_keys if key in old_keys]
    if kept_old == kept_new:
        return ()
    change = FieldChange(ChangeKind.CHANGED, ORDER, tuple(kept_old), tuple(kept_new))
    return (ItemDiff(ChangeKind.CHANGED, label, "", (change,)),)
