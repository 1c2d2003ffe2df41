"""Every kept API answer says when its comparison was made: `as_of`, after `k` (API.md).

Answers kept before `as_of` existed get it from their row's `computed_at`, written as
`benchmarks.payload.api_timestamp` writes it; the rest of each answer stays as it was, number
for number (JSON floats read and written again keep their digits). Comparisons kept without an
answer (`api_json` empty) are answered from `computed_at` when read. Data only; reversible.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.db import migrations

BATCH = 1000


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _with_as_of(answer: dict[str, Any], moment: datetime) -> dict[str, Any]:
    rest = {key: value for key, value in answer.items() if key not in ("k", "as_of")}
    return {"k": answer["k"], "as_of": _stamp(moment), **rest}


def _without_as_of(answer: dict[str, Any], moment: datetime) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "as_of"}


def _rewrite(apps: Any, change: Any) -> None:
    kept = apps.get_model("benchmarks", "ResponseBenchmark")
    answered = kept.objects.exclude(api_json="").only("pk", "computed_at", "api_json")
    last = 0
    while rows := list(answered.filter(pk__gt=last).order_by("pk")[:BATCH]):
        # A page at a time by primary key: no cursor stays open on the rows being written.
        changed = []
        for row in rows:
            answer = json.dumps(change(json.loads(row.api_json), row.computed_at))
            if answer != row.api_json:
                row.api_json = answer
                changed.append(row)
        kept.objects.bulk_update(changed, ["api_json"])
        last = rows[-1].pk


def add_as_of(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _with_as_of)


def remove_as_of(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _without_as_of)


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0004_response_moved_to_responses"),
    ]

    operations = [migrations.RunPython(add_as_of, remove_as_of)]
