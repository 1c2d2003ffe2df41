"""A question bank as a bank file (YAML), the format `manage.py load_bank` and the admin import
read (responses.bank_file), so that an export loaded again is the same bank.

The file numbers options by position (code = question number × 100 + position), because stored
answers are option codes; a bank whose codes do not follow that numbering cannot be written
without changing what its answers mean, and `export_problems` names each such option.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from responses.bank_file import BankFileError, Problem, bank_spec_from_document
from responses.models import QuestionBank
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec, OptionSpec, QuestionSpec

# The admin import reads at most this much; a bank file of 100 questions is about 40 KiB.
MAX_BANK_FILE_BYTES = 512 * 1024


class _BankFileDumper(yaml.SafeDumper):
    """Decimals as plain numbers (1.5, not '1.500'), lists indented under their key as in the
    bank files people write, long texts folded at about 100 columns."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _decimal_represent(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", f"{value.normalize():f}")


_BankFileDumper.add_representer(Decimal, _decimal_represent)


def bank_export_for(*, bank: QuestionBank) -> str:
    """A stored bank as a bank file; BankFileError names what a file cannot carry."""
    return bank_spec_export(bank_spec_for(bank=bank))


def bank_spec_export(spec: BankSpec) -> str:
    problems = export_problems(spec)
    if problems:
        raise BankFileError(problems)
    header = (
        f"# {spec.title}, version {spec.version}: a question bank file.\n"
        "# Load it with `manage.py load_bank` or the import in Django admin.\n"
    )
    return header + yaml.dump(
        _document(spec),
        Dumper=_BankFileDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def export_problems(spec: BankSpec) -> list[Problem]:
    """Options whose codes the file's numbering would change (an admin edited them by hand)."""
    return [
        Problem(
            _(
                "Question %(number)s, option '%(option)s', code: %(code)s is not %(expected)s "
                "(question number × 100 + position); a bank file numbers options that way, so "
                "this bank cannot be exported without changing what its answers mean."
            )
            % {
                "number": question.number,
                "option": option.text,
                "code": option.code,
                "expected": question.number * 100 + position,
            },
            "question",
            "code",
        )
        for question in spec.questions
        for position, option in enumerate(question.options, start=1)
        if option.code != question.number * 100 + position
    ]


def bank_text_read(data: bytes) -> BankSpec:
    """An uploaded bank file, checked as `load_bank` checks one (responses.bank_file)."""
    if len(data) > MAX_BANK_FILE_BYTES:
        raise BankFileError(
            [
                _("The file has %(size)s KiB; the limit is %(limit)s KiB.")
                % {"size": kib_text(len(data)), "limit": MAX_BANK_FILE_BYTES // 1024}
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BankFileError(
            [
                _("The file is not UTF-8 text (byte %(byte)s); save it as UTF-8.")
                % {"byte": error.start}
            ]
        ) from error
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, yaml.SafeLoader)):
            # An alias repeats a part of the file without its size: a small file could unfold
            # into gigabytes when read. A bank file never needs one.
            raise BankFileError([_("The file uses YAML aliases (*name); write each value out.")])
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise BankFileError(
            [_("The file is not valid YAML: %(error)s") % {"error": error}]
        ) from error
    return bank_spec_from_document(document)


def kib_text(size: int) -> str:
    """A size in bytes as whole KiB, as a person reads it."""
    return number_format(round(size / 1024), use_l10n=True)


def _document(spec: BankSpec) -> dict[str, Any]:
    document: dict[str, Any] = {
        "bank": spec.key,
        "version": spec.version,
        "title": spec.title,
    }
    if spec.intro:
        document["intro"] = spec.intro
    document["pillars"] = [
        {"key": p.key, "name": p.name, **({"description": p.description} if p.description else {})}
        for p in spec.pillars
    ]
    document["buckets"] = [
        {"key": b.key, "name": b.name, "from": b.lower_bound} for b in spec.buckets
    ]
    document["questions"] = [_question(q) for q in spec.questions]
    return document


def _question(question: QuestionSpec) -> dict[str, Any]:
    """A question with only the fields that differ from what the reader assumes when absent."""
    item: dict[str, Any] = {"number": question.number, "kind": question.kind.value}
    if question.role is not None:
        item["role"] = question.role
    if question.pillar is not None:
        item["pillar"] = question.pillar
    if question.scoring is not None:
        item["scoring"] = question.scoring.value
    if question.weight != 1:
        item["weight"] = question.weight
    item["text"] = question.text
    if question.help:
        item["help"] = question.help
    if not question.required:
        item["required"] = False
    item["section"] = question.section  # always: the default the reader picks is its rule
    optional = {
        "min": question.min_value,
        "max": question.max_value,
        "max_length": question.max_length,
    }
    item.update({name: value for name, value in optional.items() if value is not None})
    if question.unknown_allowed:
        item["unknown_allowed"] = True
    if question.options:
        item["options"] = [_option(option) for option in question.options]
    return item


def _option(option: OptionSpec) -> str | dict[str, Any]:
    if option.points is None and not option.exclusive:
        return option.text
    item: dict[str, Any] = {"text": option.text}
    if option.points is not None:
        item["points"] = option.points
    if option.exclusive:
        item["exclusive"] = True
    return item
