"""Reading a question bank file: the default bank is read exactly, and every malformed bank is
refused with problems that name where (question, bucket, pillar) and which field to fix."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from responses.bank_file import BankFileError, bank_file_read, bank_spec_from_document

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BANK_FILE = REPO / "fixtures" / "cspi-v1.yaml"
SHARED_SPEC_FILE = REPO.parent / "shared" / "spec" / "cspi-v1.yaml"

Document = dict[str, Any]


@pytest.fixture(scope="module")
def pristine_document() -> Document:
    return yaml.safe_load(DEFAULT_BANK_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def document(pristine_document: Document) -> Document:
    """The default bank as read from YAML, for one test to mutate."""
    return copy.deepcopy(pristine_document)


def question(document: Document, number: int) -> dict[str, Any]:
    return next(item for item in document["questions"] if item["number"] == number)


def bucket(document: Document, key: str) -> dict[str, Any]:
    return next(item for item in document["buckets"] if item["key"] == key)


def refusal(document: Any) -> list[str]:
    with pytest.raises(BankFileError) as caught:
        bank_spec_from_document(document)
    assert caught.value.problems, "a refusal must say what is wrong"
    return caught.value.problems


def naming(problems: list[str], where: str, field: str) -> list[str]:
    """The problems that name both the place (e.g. 'Question 15') and the field."""
    place = re.compile(re.escape(where) + (r"\b" if where[-1].isalnum() else ""))
    word = re.compile(rf"\b{re.escape(field)}\b")
    return [p for p in problems if place.search(p) and word.search(p)]


# --- mutations of the default bank, each breaking one rule -------------------------------------


def unknown_pillar(d: Document) -> None:
    question(d, 15)["pillar"] = "alignmnt"


def duplicate_number(d: Document) -> None:
    question(d, 24)["number"] = 23


def points_above_three(d: Document) -> None:
    question(d, 24)["options"][0]["points"] = 4


def points_below_zero(d: Document) -> None:
    question(d, 24)["options"][3]["points"] = -1


def multi_all_zero(d: Document) -> None:
    for option in question(d, 34)["options"]:
        option["points"] = 0


def option_without_points(d: Document) -> None:
    del question(d, 17)["options"][1]["points"]


def unknown_kind(d: Document) -> None:
    question(d, 1)["kind"] = "textarea"


def single_scored_sum(d: Document) -> None:
    question(d, 15)["scoring"] = "sum"


def field_typo(d: Document) -> None:
    question(d, 15)["pilar"] = question(d, 15).pop("pillar")


def min_above_max(d: Document) -> None:
    question(d, 8).update({"min": 500, "max": 100})


def unknown_allowed_on_text(d: Document) -> None:
    question(d, 1)["unknown_allowed"] = True


def exclusive_on_single(d: Document) -> None:
    question(d, 24)["options"][0]["exclusive"] = True


def duplicate_option_text(d: Document) -> None:
    options = question(d, 18)["options"]
    options[1]["text"] = options[0]["text"]


def buckets_not_ascending(d: Document) -> None:
    bucket(d, "expanding")["from"] = 20


def first_bucket_not_zero(d: Document) -> None:
    bucket(d, "undeveloped")["from"] = 5


def duplicate_role(d: Document) -> None:
    question(d, 3)["role"] = "name"


def pillar_all_optional(d: Document) -> None:
    for number in (15, 16, 17):
        question(d, number)["required"] = False


REFUSALS = [
    pytest.param(unknown_pillar, "Question 15", "pillar", "alignmnt", id="unknown-pillar"),
    pytest.param(duplicate_number, "Question 23", "number", "used by 2", id="duplicate-number"),
    pytest.param(points_above_three, "Question 24", "points", "4", id="points-4"),
    pytest.param(points_below_zero, "Question 24", "points", "-1", id="points-minus-1"),
    pytest.param(multi_all_zero, "Question 34", "options", "scores 0", id="multi-all-zero"),
    pytest.param(option_without_points, "Question 17", "points", "missing", id="points-missing"),
    pytest.param(unknown_kind, "Question 1", "kind", "textarea", id="unknown-kind"),
    pytest.param(single_scored_sum, "Question 15", "scoring", "single", id="single-scored-sum"),
    pytest.param(field_typo, "Question 15", "pilar", "unknown field", id="field-typo-pilar"),
    pytest.param(
        min_above_max, "Question 8", "min", "min 500 is above max 100", id="min-above-max"
    ),
    pytest.param(
        unknown_allowed_on_text, "Question 1", "unknown_allowed", "number", id="unknown-on-text"
    ),
    pytest.param(
        exclusive_on_single,
        "Question 24",
        "exclusive",
        "During the Sales cycle",
        id="exclusive-on-single",
    ),
    pytest.param(
        duplicate_option_text, "Question 18", "options", "Single CSM", id="duplicate-option-text"
    ),
    pytest.param(buckets_not_ascending, "Bucket 'expanding'", "from", "above", id="buckets-order"),
    pytest.param(
        first_bucket_not_zero, "Bucket 'undeveloped'", "from", "start at 0", id="bucket-from-0"
    ),
    pytest.param(duplicate_role, "Questions 1 and 3", "role", "'name'", id="duplicate-role"),
    pytest.param(
        pillar_all_optional, "Pillar 'alignment'", "required", "scored", id="pillar-all-optional"
    ),
]


@pytest.mark.parametrize(("mutate", "where", "field", "detail"), REFUSALS)
def test_broken_bank_is_refused_naming_where_and_which_field(
    document: Document,
    mutate: Callable[[Document], None],
    where: str,
    field: str,
    detail: str,
) -> None:
    mutate(document)

    problems = refusal(document)

    named = naming(problems, where, field)
    assert named, f"no problem names {where} and {field}: {problems}"
    assert any(detail in problem for problem in named), named


def test_each_refusal_reports_only_the_broken_rule(document: Document) -> None:
    """A single mistake gives a single problem, not a cascade that hides it."""
    unknown_pillar(document)

    assert refusal(document) == ["Question 15, pillar: unknown pillar 'alignmnt'."]


def test_the_default_bank_itself_is_accepted(document: Document) -> None:
    spec = bank_spec_from_document(document)

    assert spec.key == "cspi"
    assert spec.version == 1


def test_duplicate_role_is_refused_naming_the_questions(document: Document) -> None:
    duplicate_role(document)

    problems = refusal(document)

    assert any(
        re.search(r"\brole\b", p, re.IGNORECASE)
        and re.search(r"\b1\b", p)
        and re.search(r"\b3\b", p)
        for p in problems
    ), problems


def test_required_given_as_text_is_refused_naming_question_and_field(document: Document) -> None:
    question(document, 1)["required"] = "false"

    problems = refusal(document)

    assert naming(problems, "Question 1", "required"), problems


def test_duplicate_bucket_key_is_refused_naming_bucket_and_key(document: Document) -> None:
    bucket(document, "emerging")["key"] = "undeveloped"

    problems = refusal(document)

    assert naming(problems, "Bucket 'undeveloped'", "key"), problems


# --- not a bank at all ---------------------------------------------------------------------------


def test_file_that_is_not_yaml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("bank: cspi\nquestions: [ {number: 1, kind: text\n", encoding="utf-8")

    with pytest.raises(BankFileError) as caught:
        bank_file_read(path)

    [problem] = caught.value.problems
    assert str(path) in problem
    assert "not valid YAML" in problem


def test_missing_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"

    with pytest.raises(BankFileError) as caught:
        bank_file_read(path)

    [problem] = caught.value.problems
    assert str(path) in problem


def test_file_not_in_utf8_is_refused_not_crashing(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(DEFAULT_BANK_FILE.read_text(encoding="utf-8").encode("cp1252"))

    with pytest.raises(BankFileError) as caught:
        bank_file_read(path)

    assert any(str(path) in problem for problem in caught.value.problems)


@pytest.mark.parametrize(
    "top_level",
    [
        pytest.param(["bank", "cspi"], id="list"),
        pytest.param("cspi", id="text"),
        pytest.param(None, id="empty"),
    ],
)
def test_top_level_that_is_not_a_mapping_is_refused(top_level: Any) -> None:
    problems = refusal(top_level)

    assert any("mapping" in problem for problem in problems), problems


def test_top_level_list_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- bank: cspi\n- version: 1\n", encoding="utf-8")

    with pytest.raises(BankFileError) as caught:
        bank_file_read(path)

    assert any("mapping" in problem for problem in caught.value.problems)


# --- several problems at once --------------------------------------------------------------------


def test_several_problems_are_all_reported_at_once(document: Document) -> None:
    unknown_pillar(document)
    points_above_three(document)

    problems = refusal(document)

    assert naming(problems, "Question 15", "pillar"), problems
    assert naming(problems, "Question 24", "points"), problems


def test_field_typo_and_rule_break_are_reported_together(document: Document) -> None:
    field_typo(document)
    points_above_three(document)

    problems = refusal(document)

    assert naming(problems, "Question 15", "pilar"), problems
    assert naming(problems, "Question 24", "points"), problems


# --- the default bank, read exactly --------------------------------------------------------------


def test_default_bank_has_35_questions_21_scored_on_8_pillars() -> None:
    spec = bank_file_read(DEFAULT_BANK_FILE)

    assert [q.number for q in spec.questions] == list(range(1, 36))
    scored = [q.number for q in spec.questions if q.is_scored]
    assert scored == list(range(15, 36))
    assert len(spec.pillars) == 8
    assert {q.pillar for q in spec.questions if q.is_scored} == {p.key for p in spec.pillars}


def test_default_bank_option_codes_are_number_times_100_plus_position() -> None:
    spec = bank_file_read(DEFAULT_BANK_FILE)

    q15 = spec.question(15)
    assert q15 is not None
    assert q15.options[0].code == 1501
    assert q15.options[0].text == "No manager, just front-line CSMs"
    for q in spec.questions:
        assert [o.code for o in q.options] == [
            q.number * 100 + position for position in range(1, len(q.options) + 1)
        ], f"Question {q.number}"


def test_default_bank_points_are_kept_exactly_as_decimals() -> None:
    spec = bank_file_read(DEFAULT_BANK_FILE)

    q26 = spec.question(26)
    assert q26 is not None
    points = q26.options[1].points
    assert isinstance(points, Decimal)
    assert str(points) == "0.75"
    assert points == Decimal("0.75")
    q15 = spec.question(15)
    assert q15 is not None
    assert q15.options[2].points == Decimal("1.5")
    assert all(
        isinstance(o.points, Decimal) for q in spec.questions if q.is_scored for o in q.options
    )


def test_default_bank_matches_the_shared_spec() -> None:
    if not SHARED_SPEC_FILE.exists():
        pytest.skip(f"the shared spec {SHARED_SPEC_FILE} is not checked out next to this repo")

    assert bank_file_read(DEFAULT_BANK_FILE) == bank_file_read(SHARED_SPEC_FILE)
