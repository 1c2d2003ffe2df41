"""JSON columns read in bulk: as text from the database, parsed with orjson.

The ORM parses a JSON column with the standard library, value by value; reading many rows (a
rescore, the impact of a draft on the whole pool) spends most of its time there. The same
text parsed by orjson gives the same Python values in about a third of the time. A value orjson
refuses (a whole number beyond 64 bits, say) is parsed by the standard library instead.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast


def json_parsed(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def values_with_json(
    rows: QuerySet[Any], *fields: str, json_fields: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """`rows.values_list(*fields)`, where each field in `json_fields` is read as text and parsed
    here rather than by the ORM."""
    as_text = {f"{name}_as_text": Cast(F(name), output_field=TextField()) for name in json_fields}
    names = [f"{name}_as_text" if name in json_fields else name for name in fields]
    json_at = [index for index, name in enumerate(fields) if name in json_fields]
    parsed = []
    for row in rows.annotate(**as_text).values_list(*names):
        values = list(row)
        for index in json_at:
            values[index] = json_parsed(values[index])
        parsed.append(tuple(values))
    return parsed
