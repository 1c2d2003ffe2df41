"""Written queries read back into model instances: the right value in every attribute."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connections

from responses.rows import RowReader


@pytest.mark.django_db
def test_a_subset_named_in_any_order_lands_in_the_right_attributes() -> None:
    # Given: a staff member who is not a superuser, read by a subset of columns out of order.
    made = User.objects.create_user("ann", email="ann@example.com", is_staff=True)
    reader = RowReader(User, ["is_superuser", "email", "is_staff", "id"])
    database = connections["default"]

    with database.cursor() as cursor:
        cursor.execute(
            f'SELECT {reader.columns("u")} FROM "{reader.table}" u WHERE u.id = %s', [made.pk]
        )
        user = reader.read(database, cursor.fetchone())

    assert (user.pk, user.email, user.is_staff, user.is_superuser) == (
        made.pk,
        "ann@example.com",
        True,
        False,
    )
    # The columns left out load on first use, as after only().
    assert user.get_deferred_fields() >= {"username", "date_joined"}
    assert user.username == "ann"


@pytest.mark.django_db
def test_every_column_with_its_converters() -> None:
    made = User.objects.create_user("bo", email="bo@example.com")
    reader = RowReader(User)
    database = connections["default"]

    with database.cursor() as cursor:
        cursor.execute(f'SELECT {reader.columns()} FROM "{reader.table}" WHERE id = %s', [made.pk])
        user = reader.read(database, cursor.fetchone())

    assert user.date_joined == made.date_joined  # an aware datetime on SQLite too
    assert not user.get_deferred_fields()


def test_a_name_that_is_no_column_is_refused() -> None:
    with pytest.raises(ValueError, match="no column"):
        RowReader(User, ["id", "groups"])
