"""The history of a question bank's versions: who created, edited, published and archived which
version, when, and what changed (scoring.bank_diff), for the bank's History page in admin.

The services that change a bank call `bank_event_record` in their own transaction, so a change
and its record are written together. Each record is also an admin LogEntry (when a user made
it; Django's log needs one), so Django's own log lists it with a readable message.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from responses.models import BankEvent, QuestionBank
from responses.selectors import bank_spec_for
from scoring.bank import BankSpec
from scoring.bank_diff import BankDiff, ChangeKind, bank_diff, value_text

# Kept as it is in a BankEvent (`actor_text`); the History page shows it in the reader's language.
COMMAND_LINE = "command line"
ITEMS_NAMED_IN_SUMMARY = 3
OPEN_ROWS_AT_MOST = 12
# Kept in the stored diff as they were; the pages label an item by its `kind`, in their language.
KIND_LABELS = {ChangeKind.ADDED: "Added", ChangeKind.REMOVED: "Removed", ChangeKind.CHANGED: ""}


def bank_event_record(
    *,
    bank: QuestionBank,
    action: BankEvent.Action,
    headline: str,
    actor: Any = None,
    actor_text: str = "",
    diff: BankDiff | None = None,
    columns: tuple[str, str] | None = None,
) -> BankEvent:
    """Store one change of `bank`: `headline` ("Published v2 (archived v1)") followed by what
    the diff changed, and the diff itself for the History page. `actor` is the admin user;
    without one, `actor_text` says who ("command line"). The texts are kept in the language
    they were written in: the admin's, or English from the command line."""
    if columns is None:
        columns = (_("Before"), _("After"))
    event = BankEvent.objects.create(
        bank=bank,
        action=action,
        actor=actor,
        actor_text=_actor_name(actor) or actor_text,
        summary=_("%(headline)s; %(changes)s")
        % {"headline": headline, "changes": changes_phrase(diff)}
        if diff is not None
        else headline,
        diff=diff_json(diff, columns) if diff is not None else None,
    )
    if actor is not None:
        LogEntry.objects.create(
            user=actor,
            content_type=ContentType.objects.get_for_model(QuestionBank),
            object_id=str(bank.pk),
            object_repr=str(bank)[:200],
            action_flag=ADDITION if action in _ADDING else CHANGE,
            change_message=event.summary,
        )
    return event


_ADDING = (BankEvent.Action.CREATED, BankEvent.Action.IMPORTED)


def bank_edit_record(*, bank: QuestionBank, actor: Any, before: BankSpec) -> BankEvent | None:
    """An admin's edit of a draft, `before` being its spec before the save; nothing when the
    save changed nothing a bank file holds."""
    diff = bank_diff(before, bank_spec_for(bank=bank))
    if diff.is_empty:
        return None
    return bank_event_record(
        bank=bank,
        action=BankEvent.Action.EDITED,
        headline=_("Edited v%(version)s") % {"version": bank.version},
        actor=actor,
        diff=diff,
    )


def bank_events_for(*, bank: QuestionBank) -> QuerySet[BankEvent]:
    return BankEvent.objects.filter(bank=bank).select_related("actor").order_by("-at", "-pk")


def bank_history_shown(*, bank: QuestionBank) -> dict[str, Any]:
    """The History page's events, newest first; a short diff is shown open, a long one folded."""
    events = []
    for event in bank_events_for(bank=bank):
        diff = event.diff or {}
        rows = sum(
            len(item["rows"]) for section in diff.get("sections", ()) for item in section["items"]
        )
        events.append(
            {"event": event, "diff": diff, "rows": rows, "open": 0 < rows <= OPEN_ROWS_AT_MOST}
        )
    return {"bank_events": events}


def changes_phrase(diff: BankDiff) -> str:
    """ "no changes", or "2 changes (Question 15)": the field changes, and the items they are
    in, the first few by name."""
    items = [item for section in diff.sections for item in section.items]
    count = sum(len(item.changes) or 1 for item in items)
    if not count:
        return _("no changes")
    named = ", ".join(item.label for item in items[:ITEMS_NAMED_IN_SUMMARY])
    extra = len(items) - ITEMS_NAMED_IN_SUMMARY
    if extra > 0:
        text = ngettext(
            "%(count)s change (%(named)s and %(extra)s more)",
            "%(count)s changes (%(named)s and %(extra)s more)",
            count,
        )
    else:
        text = ngettext("%(count)s change (%(named)s)", "%(count)s changes (%(named)s)", count)
    return text % {"count": count, "named": named, "extra": extra}


def diff_json(diff: BankDiff, columns: tuple[str, str]) -> dict[str, Any]:
    """The diff as stored and shown: the compare page's sections, items and rows, as text.

    Stored as text rather than specs because the versions it was computed from change (an
    edited draft) or go (a replaced draft); the record must read as it was.
    """
    option_texts = {
        option.code: option.text
        for spec in (diff.old, diff.new)
        for question in spec.questions
        for option in question.options
    }
    return {
        "columns": list(columns),
        "counts": {kind.value: count for kind, count in diff.counts().items()},
        "sections": [
            {
                "title": section.title,
                "items": [
                    {
                        "kind": item.kind.value,
                        "kind_label": KIND_LABELS[item.kind],
                        "label": item.label,
                        "title": item.title,
                        "rows": [
                            {
                                "kind": change.kind.value,
                                "field": change.field,
                                "option": change.option,
                                # an option added or removed as a whole (not one of its fields)
                                "whole_option": change.option is not None
                                and change.kind != ChangeKind.CHANGED,
                                "option_text": option_texts.get(change.option or 0, ""),
                                "old": value_text(change.old),
                                "new": value_text(change.new),
                            }
                            for change in item.changes
                        ],
                    }
                    for item in section.items
                ],
            }
            for section in diff.sections
        ],
    }


def version_label(bank: QuestionBank) -> str:
    return f"v{bank.version} ({bank.get_status_display().lower()})"


def _actor_name(actor: Any) -> str:
    return actor.get_username() if actor is not None else ""
