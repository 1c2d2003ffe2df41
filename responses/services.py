"""Writes of the survey's data: importing and publishing banks, starting responses, saving
pages, purging old drafts. Scores are kept by `responses.kept_scores`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from responses.answers import AnswerValue
from responses.bank_file import BankFileError, bank_spec_problems
from responses.bank_history import COMMAND_LINE, bank_event_record, version_label
from responses.languages import language_active
from responses.models import (
    BankEvent,
    Bucket,
    Campaign,
    Option,
    Pillar,
    Question,
    QuestionBank,
    Response,
)
from responses.selectors import bank_spec_for, draft_cutoff
from scoring.bank import BankSpec
from scoring.bank_diff import BankDiff, bank_diff


class BankImportOutcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REPLACED_DRAFT = "replaced draft"


@transaction.atomic
def bank_import(
    *, spec: BankSpec, publish: bool, actor: Any = None, actor_text: str = COMMAND_LINE
) -> tuple[QuestionBank, BankImportOutcome]:
    """Store a validated bank. A published version is never rewritten: a change is a new version.

    `actor` is the admin user who uploaded the file; without one, `actor_text` names who did.
    """
    existing = (
        QuestionBank.objects.select_for_update().filter(key=spec.key, version=spec.version).first()
    )
    if existing is not None and not existing.is_editable:
        if bank_spec_for(bank=existing) != spec:
            raise BankFileError(
                [
                    f"Version {spec.version} of bank '{spec.key}' is already "
                    f"{existing.status} and differs from this file. "
                    "Give the file a new version number."
                ]
            )
        return existing, BankImportOutcome.UNCHANGED
    outcome = BankImportOutcome.CREATED
    compared = existing or _bank_compared_with_import(spec)
    compared_spec = bank_spec_for(bank=compared) if compared is not None else None
    compared_label = f"the draft it replaced, {compared}" if existing else str(compared)
    if existing is not None:
        # Questions first: a question's pillar is protected, so one delete() of the bank
        # would be refused.
        Question.objects.filter(bank=existing).delete()
        existing.delete()
        outcome = BankImportOutcome.REPLACED_DRAFT
    bank = QuestionBank.objects.create(
        key=spec.key, version=spec.version, title=spec.title, intro=spec.intro
    )
    _bank_contents_create(bank, spec)
    bank_event_record(
        bank=bank,
        action=BankEvent.Action.IMPORTED,
        headline=f"Imported v{bank.version} from a bank file"
        + (f", compared with {compared_label}" if compared else " (the bank's first version)"),
        actor=actor,
        actor_text=actor_text,
        diff=bank_diff(compared_spec, spec) if compared_spec is not None else None,
        columns=(
            "Replaced draft" if existing else version_label(compared) if compared else "",
            f"v{bank.version} (imported)",
        ),
    )
    if publish:
        bank_publish(bank=bank, actor=actor, actor_text=actor_text)
    return bank, outcome


def _bank_compared_with_import(spec: BankSpec) -> QuestionBank | None:
    """What an imported version is read against: the published version of its bank, else
    the newest other one."""
    others = QuestionBank.objects.filter(key=spec.key).exclude(version=spec.version)
    published = others.filter(status=QuestionBank.Status.PUBLISHED).first()
    return published or others.order_by("-version").first()


def _bank_contents_create(bank: QuestionBank, spec: BankSpec) -> None:
    pillars = {
        pillar.key: Pillar.objects.create(
            bank=bank,
            key=pillar.key,
            name=pillar.name,
            description=pillar.description,
            position=position,
        )
        for position, pillar in enumerate(spec.pillars)
    }
    Bucket.objects.bulk_create(
        Bucket(bank=bank, key=b.key, name=b.name, lower_bound=b.lower_bound) for b in spec.buckets
    )
    questions = Question.objects.bulk_create(
        Question(
            bank=bank,
            number=q.number,
            kind=q.kind.value,
            text=q.text,
            help=q.help,
            required=q.required,
            section=q.section,
            pillar=pillars[q.pillar] if q.pillar else None,
            scoring=q.scoring.value if q.scoring else "",
            weight=q.weight,
            min_value=q.min_value,
            max_value=q.max_value,
            max_length=q.max_length,
            unknown_allowed=q.unknown_allowed,
            role=q.role or "",
        )
        for q in spec.questions
    )
    Option.objects.bulk_create(
        Option(
            question=question,
            code=o.code,
            text=o.text,
            points=o.points,
            exclusive=o.exclusive,
            position=position,
        )
        for question, q in zip(questions, spec.questions, strict=True)
        for position, o in enumerate(q.options)
    )


@transaction.atomic
def bank_publish(*, bank: QuestionBank, actor: Any = None, actor_text: str = "") -> None:
    """Publish a draft after checking it as strictly as a bank file; the old version is archived.

    Both are recorded in the banks' histories with what the new version changes against the
    old one, and who did it: `actor` (the admin user), else `actor_text`.
    """
    spec = bank_spec_for(bank=bank)
    problems = bank_spec_problems(spec)
    if problems:
        raise BankFileError(problems)
    replaced = (
        QuestionBank.objects.select_for_update()
        .filter(key=bank.key, status=QuestionBank.Status.PUBLISHED)
        .exclude(pk=bank.pk)
        .first()
    )
    diff = bank_diff(bank_spec_for(bank=replaced), spec) if replaced is not None else None
    QuestionBank.objects.filter(key=bank.key, status=QuestionBank.Status.PUBLISHED).update(
        status=QuestionBank.Status.ARCHIVED
    )
    if replaced is not None:
        replaced.status = QuestionBank.Status.ARCHIVED
    bank.status = QuestionBank.Status.PUBLISHED
    bank.published_at = timezone.now()
    bank.save(update_fields=["status", "published_at"])
    _publish_record(bank, replaced, diff, actor=actor, actor_text=actor_text)


def _publish_record(
    bank: QuestionBank,
    replaced: QuestionBank | None,
    diff: BankDiff | None,
    *,
    actor: Any,
    actor_text: str,
) -> None:
    who = {"actor": actor, "actor_text": actor_text}
    if replaced is None:
        headline = f"Published v{bank.version} (the first published version)"
        bank_event_record(bank=bank, action=BankEvent.Action.PUBLISHED, headline=headline, **who)
        return
    columns = (f"v{replaced.version} (was published)", f"v{bank.version} (published)")
    bank_event_record(
        bank=bank,
        action=BankEvent.Action.PUBLISHED,
        headline=f"Published v{bank.version} (archived v{replaced.version})",
        diff=diff,
        columns=columns,
        **who,
    )
    bank_event_record(
        bank=replaced,
        action=BankEvent.Action.ARCHIVED,
        headline=f"Archived v{replaced.version} (replaced by v{bank.version})",
        diff=diff,
        columns=columns,
        **who,
    )


@transaction.atomic
def bank_new_version(
    *, bank: QuestionBank, actor: Any = None, actor_text: str = ""
) -> QuestionBank:
    """A draft copy of a bank under the next free version number, for an admin to edit; its
    history starts with the copy, compared with the version copied."""
    spec = bank_spec_for(bank=bank)
    latest = QuestionBank.objects.filter(key=bank.key).order_by("-version").first()
    version = (latest.version if latest else bank.version) + 1
    draft = QuestionBank.objects.create(
        key=bank.key, version=version, title=bank.title, intro=bank.intro
    )
    _bank_contents_create(draft, spec)
    bank_event_record(
        bank=draft,
        action=BankEvent.Action.CREATED,
        headline=f"Created draft v{draft.version} as a copy of v{bank.version}",
        actor=actor,
        actor_text=actor_text,
        diff=bank_diff(spec, bank_spec_for(bank=draft)),
        columns=(version_label(bank), f"v{draft.version} (draft)"),
    )
    return draft


def response_start(
    *, bank: QuestionBank, campaign: Campaign | None = None, consented: bool = False
) -> Response:
    """A new draft, in the language its start page spoke; `consented`: the respondent ticked the
    privacy notice's box to start it."""
    consented_at = timezone.now() if consented else None
    return Response.objects.create(
        bank=bank, campaign=campaign, consented_at=consented_at, language=language_active()
    )


MAX_SAVE_ATTEMPTS = 5


def response_save_answers(
    *, response: Response, answers: Mapping[str, AnswerValue], cleared: set[str]
) -> bool:
    """Merge one page's answers into the stored ones. False when the response is already final.

    The write applies only to the revision that was read (one UPDATE, no lock held across
    round trips). When another tab saved in between, the row is read again and the page merged
    into it, so both tabs keep their answers.
    """
    spec = bank_spec_for(bank=response.bank)
    email_question = spec.question_for_role("email")
    current = response
    for _ in range(MAX_SAVE_ATTEMPTS):
        if current.is_completed:
            return False
        merged = {k: v for k, v in current.answers.items() if k not in cleared}
        merged.update(answers)
        email = merged.get(str(email_question.number)) if email_question else None
        email = email if isinstance(email, str) else ""
        now = timezone.now()
        if _answers_write(current, merged, email, now):
            response.answers, response.email, response.updated_at = merged, email, now
            response.revision = current.revision + 1
            return True
        current = Response.objects.get(pk=response.pk)
    raise RuntimeError(f"Response {response.pk} kept changing; its page was not saved.")


# Every page save runs this statement; written out, it skips the ORM's update compilation.
_CONCRETE_FIELDS = {field.name: field for field in Response._meta.concrete_fields}
_SAVE_FIELDS = [_CONCRETE_FIELDS[name] for name in ("answers", "email", "revision", "updated_at")]
_SAVE_SQL = (
    "UPDATE {table} SET {columns} WHERE {pk} = %s AND {revision} = %s AND {status} = %s".format(
        table=Response._meta.db_table,
        columns=", ".join(f"{field.column} = %s" for field in _SAVE_FIELDS),
        pk=Response._meta.pk.column,
        revision=Response._meta.get_field("revision").column,
        status=Response._meta.get_field("status").column,
    )
)


def _answers_write(
    current: Response, answers: dict[str, AnswerValue], email: str, now: datetime
) -> bool:
    """Store the answers if the row is still at the revision read and in progress."""
    connection = connections[router.db_for_write(Response)]
    values = (answers, email, current.revision + 1, now)
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(_SAVE_FIELDS, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _SAVE_SQL, [*params, current.pk, current.revision, Response.Status.IN_PROGRESS.value]
        )
        return cursor.rowcount == 1


PEER_GROUP_ROLES = ("region", "industry", "arr_band")


def profile_for_peer_groups(spec: BankSpec, answers: Mapping[str, AnswerValue]) -> dict[str, str]:
    """The option texts of the profile answers that peer groups are formed by."""
    profile = {}
    for role in PEER_GROUP_ROLES:
        question = spec.question_for_role(role)
        value = answers.get(str(question.number)) if question else None
        option = question.option_by_code(value) if question and isinstance(value, int) else None
        profile[role] = option.text if option else ""
    return profile


def drafts_purge() -> int:
    """Delete unfinished responses untouched for longer than the draft lifetime."""
    deleted, _ = Response.objects.filter(
        status=Response.Status.IN_PROGRESS, updated_at__lt=draft_cutoff()
    ).delete()
    return deleted
