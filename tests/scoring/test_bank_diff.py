"""What changed between two versions of a bank: each kind of change, read as an admin reads it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from responses.bank_file import bank_spec_from_document
from scoring.bank import BankSpec, Kind, OptionSpec
from scoring.bank_diff import (
    OPTION,
    BankDiff,
    ChangeKind,
    FieldChange,
    ItemDiff,
    bank_diff,
    value_text,
)

BANK_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "cspi-v1.yaml"
Document = dict[str, Any]
_DOCUMENT: Document = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))


def spec_from(change: Callable[[Document], None] | None = None) -> BankSpec:
    document = copy.deepcopy(_DOCUMENT)
    if change is not None:
        document["version"] = 2
        change(document)
    return bank_spec_from_document(document)


def question(document: Document, number: int) -> dict[str, Any]:
    return next(item for item in document["questions"] if item["number"] == number)


def item(diff: BankDiff, section: str, label: str) -> ItemDiff:
    found = next(s for s in diff.sections if s.title == section)
    return next(i for i in found.items if i.label == label)


OLD = spec_from()


def test_the_same_bank_under_another_version_number_has_no_difference() -> None:
    diff = bank_diff(OLD, spec_from(lambda d: None))

    assert diff.is_empty
    assert diff.counts() == {ChangeKind.ADDED: 0, ChangeKind.REMOVED: 0, ChangeKind.CHANGED: 0}


def test_changed_points_weight_and_text_show_old_and_new_values() -> None:
    def change(document: Document) -> None:
        question(document, 15)["options"][2]["points"] = 2
        question(document, 15)["weight"] = 2
        question(document, 15)["text"] = "Who leads customer success?"

    diff = bank_diff(OLD, spec_from(change))

    changed = item(diff, "Questions", "Question 15")
    assert changed.kind == ChangeKind.CHANGED
    assert changed.title == "Who leads customer success?"
    assert changed.changes == (
        FieldChange(
            ChangeKind.CHANGED,
            "Text",
            "What is the highest level of management on your customer success team?",
            "Who leads customer success?",
        ),
        FieldChange(ChangeKind.CHANGED, "Weight", Decimal(1), Decimal(2)),
        FieldChange(ChangeKind.CHANGED, "Points", Decimal("1.5"), Decimal(2), option=1503),
    )
    assert [s.title for s in diff.sections] == ["Questions"]


def test_kind_scoring_help_required_role_and_bounds_each_show_as_changed() -> None:
    def change(document: Document) -> None:
        question(document, 17)["kind"] = "multi"
        question(document, 17)["scoring"] = "max"
        question(document, 10)["help"] = "Renewals and expansion over last year's revenue."
        question(document, 10)["max"] = 250
        question(document, 13)["required"] = True
        question(document, 14)["role"] = None

    diff = bank_diff(OLD, spec_from(change))

    fields = {
        (i.label, c.field): (value_text(c.old), value_text(c.new))
        for s in diff.sections
        for i in s.items
        for c in i.changes
    }
    assert fields[("Question 17", "Kind")] == ("single", "multi")
    assert fields[("Question 17", "Scoring")] == ("single", "max")
    assert fields[("Question 10", "Maximum")] == ("300", "250")
    assert fields[("Question 10", "Help")][1] == "Renewals and expansion over last year's revenue."
    assert fields[("Question 13", "Required")] == ("no", "yes")
    assert fields[("Question 14", "Role")] == ("crm", "")


def test_added_and_removed_options_are_matched_by_code() -> None:
    def change(document: Document) -> None:
        options = question(document, 17)["options"]
        options.append({"text": "Measured by gross margin", "points": 1})
        question(document, 18)["options"].pop()  # code 1804 goes

    diff = bank_diff(OLD, spec_from(change))

    added = item(diff, "Questions", "Question 17").changes
    assert added == (
        FieldChange(
            ChangeKind.ADDED,
            OPTION,
            None,
            OptionSpec(1704, "Measured by gross margin", Decimal(1)),
            option=1704,
        ),
    )
    assert value_text(added[0].new) == "Measured by gross margin · 1 point"
    removed = item(diff, "Questions", "Question 18").changes
    assert [(c.kind, c.option, value_text(c.old)) for c in removed] == [
        (ChangeKind.REMOVED, 1804, "CS team that includes operations roles · 3 points")
    ]


def test_added_and_removed_questions_list_their_fields_in_number_order() -> None:
    def change(document: Document) -> None:
        document["questions"] = [q for q in document["questions"] if q["number"] != 13]
        document["questions"].append(
            {"number": 99, "kind": "text", "text": "Anything else?", "required": False}
        )

    diff = bank_diff(OLD, spec_from(change))

    questions = next(s for s in diff.sections if s.title == "Questions").items
    assert [(i.label, i.kind) for i in questions] == [
        ("Question 13", ChangeKind.REMOVED),
        ("Question 99", ChangeKind.ADDED),
    ]
    assert ("Text", None, "Anything else?") in [
        (c.field, c.old, c.new) for c in questions[1].changes
    ]
    assert all(c.kind == ChangeKind.REMOVED for c in questions[0].changes)
    assert diff.counts()[ChangeKind.ADDED] == 1


def test_pillars_and_buckets_come_before_questions_with_names_and_bounds() -> None:
    def change(document: Document) -> None:
        document["title"] = "CSPI 2"
        document["pillars"][1]["name"] = "People"
        document["pillars"][0], document["pillars"][2] = (
            document["pillars"][2],
            document["pillars"][0],
        )
        document["buckets"][1]["from"] = 30
        document["buckets"][3]["name"] = "Leading"

    diff = bank_diff(OLD, spec_from(change))

    assert [s.title for s in diff.sections] == ["Bank", "Pillars", "Buckets", "Questions"]
    assert item(diff, "Bank", "Bank").changes == (
        FieldChange(ChangeKind.CHANGED, "Title", "Customer Success Performance Index", "CSPI 2"),
    )
    order = item(diff, "Pillars", "Pillar order").changes[0]
    assert order.old[:3] == ("alignment", "team", "segmentation")
    assert order.new[:3] == ("segmentation", "team", "alignment")
    assert item(diff, "Pillars", "Pillar 'team'").changes == (
        FieldChange(ChangeKind.CHANGED, "Name", "Team", "People"),
    )
    assert item(diff, "Buckets", "Bucket 'emerging'").changes == (
        FieldChange(ChangeKind.CHANGED, "From (score)", Decimal(25), Decimal(30)),
    )
    assert item(diff, "Buckets", "Bucket 'conquering'").changes[0].new == "Leading"
    # The pillar renamed renames the default section of its questions too.
    assert ("Section", "Team", "People") in [
        (c.field, c.old, c.new) for c in item(diff, "Questions", "Question 18").changes
    ]


def test_a_pillar_added_with_its_question_and_one_removed_with_its_questions() -> None:
    def change(document: Document) -> None:
        document["pillars"] = [p for p in document["pillars"] if p["key"] != "roi"]
        document["questions"] = [q for q in document["questions"] if q.get("pillar") != "roi"]
        document["pillars"].append({"key": "advocacy", "name": "Advocacy"})
        document["questions"].append(
            {
                "number": 60,
                "kind": "single",
                "pillar": "advocacy",
                "scoring": "single",
                "text": "Do customers speak for you?",
                "options": [{"text": "No", "points": 0}, {"text": "Yes", "points": 3}],
            }
        )

    diff = bank_diff(OLD, spec_from(change))

    pillars = next(s for s in diff.sections if s.title == "Pillars").items
    assert [(i.label, i.kind) for i in pillars] == [
        ("Pillar 'advocacy'", ChangeKind.ADDED),
        ("Pillar 'roi'", ChangeKind.REMOVED),
    ]
    added = item(diff, "Questions", "Question 60")
    assert added.kind == ChangeKind.ADDED
    assert [value_text(c.new) for c in added.changes if c.field == OPTION] == [
        "No · 0 points",
        "Yes · 3 points",
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1.500"), "1.5"),
        (Decimal("100000000"), "100000000"),
        (Decimal("0.25"), "0.25"),
        (True, "yes"),
        (None, ""),
        (Kind.MULTI, "multi"),
        (("a", "b"), "a, b"),
    ],
)
def test_values_are_shown_as_people_write_them(value: Any, shown: str) -> None:
    assert value_text(value) == shown
