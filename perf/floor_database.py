"""Two references beside the floor, to tell the database's share of a survey request from the page
code's: the same static page plus exactly the database work a survey request cannot avoid.

``perf/survey_load.py`` prints them for context; its targets are still measured against the bare
floor (``perf/floor.py``).
"""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from perf.floor import FLOOR_CONTEXT, FLOOR_TEMPLATE
from responses.models import Response
from responses.selectors import response_by_token

_TOUCH_SQL = "UPDATE {} SET {} = {} + 1 WHERE {} = %s".format(
    Response._meta.db_table,
    Response._meta.get_field("revision").column,
    Response._meta.get_field("revision").column,
    Response._meta.pk.column,
)


def floor_read(request: HttpRequest, token: str) -> HttpResponse:
    """The floor plus the survey GET's one query: the respondent's row by token."""
    if response_by_token(token=token) is None:
        raise Http404
    return render(request, FLOOR_TEMPLATE, FLOOR_CONTEXT)


def floor_write(request: HttpRequest, token: str) -> HttpResponse:
    """The floor plus a save's database work: the row by token, one UPDATE of it, a commit."""
    response = response_by_token(token=token)
    if response is None:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute(_TOUCH_SQL, [response.pk])
    return render(request, FLOOR_TEMPLATE, FLOOR_CONTEXT)
