"""API tokens: a user's key to the JSON API, kept only as a hash of its secret."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responses.rows import RowReader

SECRET_PREFIX = "cspi_"
VISIBLE_PREFIX_LENGTH = 12  # "cspi_" and 7 characters: enough to tell tokens apart in a list
LAST_USED_GRANULARITY = timedelta(minutes=1)


def api_token_hash(secret: str) -> str:
    """The secrets carry 256 random bits, so a plain (unsalted, fast) hash cannot be reversed."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What it is for, e.g. “CRM import”.")
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("prefix"),
        max_length=VISIBLE_PREFIX_LENGTH,
        editable=False,
        help_text=_("The secret's first characters."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        db_table = "cspi_apitoken"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, user: models.Model, name: str) -> tuple[ApiToken, str]:
        """A new token and its secret, which is shown once and never stored."""
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=api_token_hash(secret),
            prefix=secret[:VISIBLE_PREFIX_LENGTH],
        )
        return token, secret

    @classmethod
    def for_secret(cls, secret: str) -> ApiToken | None:
        """The unrevoked token of an active user that this secret opens, with its user.

        Every API call asks this, so it is one written query (responses.rows), not the ORM's.
        """
        connection = connections[router.db_for_read(cls)]
        with connection.cursor() as cursor:
            cursor.execute(api_token_sql(), [api_token_hash(secret)])
            row = cursor.fetchone()
        return None if row is None else api_token_read(connection, row)

    def used_now(self) -> None:
        """Record use at most once a minute: a write on every request would cost more than
        the answer is worth."""
        now = timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_GRANULARITY:
            return
        ApiToken.objects.filter(pk=self.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
        ).update(last_used_at=now)
        self.last_used_at = now

    def revoke(self) -> None:
        ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.refresh_from_db(fields=["revoked_at"])


# What an API call reads of its token and user; anything else loads on first use.
@cache
def _token_rows() -> RowReader[ApiToken]:
    return RowReader(ApiToken, ["id", "user", "name", "last_used_at", "revoked_at"])


@cache
def _user_rows() -> RowReader[Any]:
    return RowReader(get_user_model(), ["id", "email", "is_active", "is_staff", "is_superuser"])


def api_token_read(connection: BaseDatabaseWrapper, row: Sequence[Any]) -> ApiToken:
    """The token and its user from the first columns of a row of `api_token_sql`."""
    tokens = _token_rows()
    token = tokens.read(connection, row)
    token.user = _user_rows().read(connection, row, start=tokens.width)
    return token


def api_token_width() -> int:
    """How many columns of a row of `api_token_sql` hold the token and its user."""
    return _token_rows().width + _user_rows().width


@cache
def api_token_sql(*, columns: str = "", joins: str = "") -> str:
    """The query finding the unrevoked token of an active user by its secret's hash (the last
    parameter). `t` is the token and `u` its user; a caller reading more in the same round trip
    gives its `columns` (after the token's, so starting with a comma) and `joins` (whose
    parameters come first). Both are fixed fragments written in the code, never values: the
    query is cached by them."""
    assert "%s" not in columns, "parameters go in the joins, which come before the WHERE"
    tokens, users = _token_rows(), _user_rows()
    return (
        f"SELECT {tokens.columns('t')}, {users.columns('u')}{columns} "
        f'FROM "{tokens.table}" t JOIN "{users.table}" u ON u."id" = t.{tokens.column("user")} '
        f"{joins} "
        f"WHERE t.{tokens.column('key_hash')} = %s AND t.{tokens.column('revoked_at')} IS NULL "
        f"AND u.{users.column('is_active')}"
    )
