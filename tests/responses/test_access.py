"""Who may read a response: the rule as the ORM runs it and as the API's one-query read writes it
in SQL agree on every (reader, response) pair, and both say what the rule says."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection

from responses.access import response_visible_sql, responses_visible_to
from responses.models import Campaign, QuestionBank, Response


def _sql_says_visible(user: User, response: Response) -> bool:
    sql = (
        f'SELECT 1 FROM "{Response._meta.db_table}" r JOIN "{User._meta.db_table}" u '
        f"ON u.id = %s WHERE r.id = %s AND {response_visible_sql(response='r', user='u')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, response.pk])
        return cursor.fetchone() is not None


@pytest.mark.django_db
def test_the_orm_and_sql_forms_of_who_may_read_a_response_agree(bank: QuestionBank) -> None:
    # Given an administrator, two consultants with a campaign each, and an API user
    admin = User.objects.create_superuser("admin", "admin@example.com", "x")
    owner = User.objects.create_user("owner", "owner@example.com", "x")
    other = User.objects.create_user("other", "other@example.com", "x")
    submitter = User.objects.create_user("api", "api@example.com", "x")
    mine = Campaign.objects.create(owner=owner, client_name="Mine", bank=bank)
    theirs = Campaign.objects.create(owner=other, client_name="Theirs", bank=bank)
    completed = Response.Status.COMPLETED
    responses = {
        "own campaign": Response.objects.create(bank=bank, campaign=mine, status=completed),
        "own campaign, unfinished": Response.objects.create(bank=bank, campaign=mine),
        "other campaign": Response.objects.create(bank=bank, campaign=theirs, status=completed),
        "submitted": Response.objects.create(bank=bank, submitted_by=submitter, status=completed),
        "public survey": Response.objects.create(bank=bank, status=completed),
    }
    expected = {
        admin: {"own campaign", "other campaign", "submitted", "public survey"},
        owner: {"own campaign"},
        other: {"other campaign"},
        submitter: {"submitted"},
    }

    for reader, readable in expected.items():
        # When each reader asks for each response, through both forms
        orm = {
            name
            for name, r in responses.items()
            if responses_visible_to(reader).filter(pk=r.pk).exists()
        }
        sql = {name for name, r in responses.items() if _sql_says_visible(reader, r)}

        # Then both give exactly what the rule gives
        assert orm == readable, reader.username
        assert sql == readable, reader.username
