"""Model instances from rows of written SQL, for the few reads so hot that the ORM's query
compilation (about as costly as the database round trip itself) matters.

A `RowReader` names a model's columns for a SELECT and turns that part of a row back into an
instance, applying the same converters the ORM would (dates on SQLite, JSON, ...), looked up
once per connection.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col

ModelT = TypeVar("ModelT", bound=models.Model)
_Converters = tuple[int, Col, list[Callable[..., Any]]]


class RowReader(Generic[ModelT]):
    def __init__(self, model: type[ModelT], fields: Sequence[str] = ()) -> None:
        """Every concrete field, or just `fields` (the instances then load the others, deferred,
        on first use, as after the ORM's `only()`)."""
        self.model = model
        # In the model's order whatever the order of `fields`: from_db places values that way.
        self.fields: tuple[models.Field[Any, Any], ...] = tuple(
            field
            for field in model._meta.concrete_fields
            if not fields or field.name in fields or field.attname in fields
        )
        unknown = set(fields) - {f.name for f in self.fields} - {f.attname for f in self.fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no column for {sorted(unknown)}")
        self.width = len(self.fields)
        self._attnames = [field.attname for field in self.fields]
        self._converters: weakref.WeakKeyDictionary[BaseDatabaseWrapper, list[_Converters]] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def columns(self, alias: str = "") -> str:
        """The SELECT list of the fields, in the order `read` expects."""
        prefix = f"{alias}." if alias else ""
        return ", ".join(f'{prefix}"{field.column}"' for field in self.fields)

    def column(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        assert isinstance(field, models.Field)
        return f'"{field.column}"'

    def read(self, connection: BaseDatabaseWrapper, row: Sequence[Any], start: int = 0) -> ModelT:
        """The instance held by `row[start : start + width]`."""
        values = list(row[start : start + self.width])
        for index, column, converters in self._converters_for(connection):
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        return self.model.from_db(connection.alias, self._attnames, values)

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[_Converters]:
        found = self._converters.get(connection)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.table)
                converters = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                if converters:
                    found.append((index, column, converters))
            self._converters[connection] = found
        return found
