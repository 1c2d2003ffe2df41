"""The unguessable ids in URLs (response, report, campaign and ZIP tokens, public ids): what they
look like, so that anything else answers 404 before it reaches the database.

Every one is made by `secrets.token_urlsafe`: letters, digits, "-" and "_". PostgreSQL refuses a
NUL character in a query, so a URL holding one must never get as far as a lookup.
"""

from __future__ import annotations

import re

TOKEN_PATTERN = "[A-Za-z0-9_-]{1,100}"
_TOKEN = re.compile(TOKEN_PATTERN)


def is_token_shaped(value: str) -> bool:
    return _TOKEN.fullmatch(value) is not None


class TokenConverter:
    """`<token:name>` in a URL pattern: matches only what a token can be."""

    regex = TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
