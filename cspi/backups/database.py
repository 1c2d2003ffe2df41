"""Copying the whole database to one file and back: pg_dump / pg_restore on PostgreSQL, the
online backup API on SQLite. The connection is the one Django uses (settings.DATABASES)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from cspi.backups import BackupError

ENGINES = ("postgresql", "sqlite")
DUMP_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# Tables `migrate` fills by itself: rows there do not make a database "hold data".
FILLED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission"})


def _connection() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def database_engine() -> str:
    vendor = _connection().vendor
    if vendor not in ENGINES:
        raise BackupError(f"Backups cover PostgreSQL and SQLite; this database is {vendor}.")
    return vendor


def database_dump(*, into: Path) -> dict[str, int]:
    """Copy the whole database into the file `into`; returns the rows per table of that copy."""
    connection = _connection()
    if connection.in_atomic_block:
        raise BackupError("A backup must run outside any transaction.")
    if database_engine() == "postgresql":
        return _pg_dump(connection, into)
    return _sqlite_copy(connection, into)


def database_restore(*, dump: Path) -> None:
    """Replace the database's tables with those of `dump` (made by `database_dump`)."""
    connection = _connection()
    if connection.in_atomic_block:
        raise BackupError("A restore must run outside any transaction.")
    if database_engine() == "postgresql":
        _pg_restore(connection, dump)
    else:
        _sqlite_restore(connection, dump)


def database_row_counts() -> dict[str, int]:
    connection = _connection()
    with connection.cursor() as cursor:
        return _row_counts(cursor, _table_names(connection, cursor))


def database_tables_with_rows() -> dict[str, int]:
    """The tables holding rows of their own (not merely what `migrate` writes)."""
    return {
        table: rows
        for table, rows in database_row_counts().items()
        if rows and table not in FILLED_BY_MIGRATE
    }


def _table_names(connection: BaseDatabaseWrapper, cursor: Any) -> list[str]:
    if connection.vendor == "postgresql":
        return sorted(connection.introspection.table_names(cursor))
    return _sqlite_table_names(cursor)


def _sqlite_table_names(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite^_%' "
        "ESCAPE '^' ORDER BY name"
    )
    return [name for (name,) in cursor.fetchall()]


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_copy(connection: BaseDatabaseWrapper, into: Path) -> dict[str, int]:
    """The online backup API copies a consistent state even while the app writes."""
    connection.ensure_connection()
    with closing(sqlite3.connect(into)) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        return _row_counts(cursor, _sqlite_table_names(cursor))


def _sqlite_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Copy the file back page by page through the backup API, which takes SQLite's own locks
    (a plain file copy would race with the write-ahead log of a running app)."""
    connection.ensure_connection()
    with closing(sqlite3.connect(dump)) as source:
        try:
            source.backup(connection.connection)
        except sqlite3.Error as error:
            raise BackupError(f"SQLite could not restore the database: {error}.") from None


# PostgreSQL -----------------------------------------------------------------------------------


def _pg_dump(connection: BaseDatabaseWrapper, into: Path) -> dict[str, int]:
    """pg_dump reads the snapshot this transaction exported, so the row counts written to the
    manifest are exactly those of the dump even while the app goes on writing."""
    _pg_tool_check(connection, "pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _row_counts(cursor, _table_names(connection, cursor))
        _run(
            connection,
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={into}"],
        )
    return counts


def _pg_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """One transaction: a restore that fails leaves the database as it was. Owners and grants
    name roles of the server the dump came from, which the target may not have."""
    _pg_tool_check(connection, "pg_restore")
    connection.close()  # holds no lock or session state across the tables' replacement
    _run(
        connection,
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME'] or ''}",
            str(dump),
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore brings no planner statistics


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for Django's connection: the password never shows on a command line.
    Variables the process already has stay, as they do for Django's own connection."""
    settings_dict = connection.settings_dict
    options = settings_dict.get("OPTIONS") or {}
    wanted = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    return {**os.environ, **{name: str(value) for name, value in wanted.items() if value}}


def _run(connection: BaseDatabaseWrapper, command: list[str]) -> None:
    try:
        finished = subprocess.run(
            [command[0], "--no-password", *command[1:]],
            env=_pg_environment(connection),
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise BackupError(_tool_missing(command[0], connection)) from None
    if finished.returncode != 0:
        raise BackupError(
            f"{command[0]} failed (exit status {finished.returncode}): "
            f"{finished.stderr.strip()[-2000:] or 'no message'}"
        )


def _pg_tool_check(connection: BaseDatabaseWrapper, tool: str) -> None:
    """pg_dump refuses a server newer than itself; say so before it starts, and how to fix it."""
    try:
        version = subprocess.run(
            [tool, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (FileNotFoundError, subprocess.CalledProcessError):
        raise BackupError(_tool_missing(tool, connection)) from None
    found = re.search(r"(\d+)(?:\.\d+)?", version)
    tool_major = int(found.group(1)) if found else 0
    connection.ensure_connection()
    server_major = _server_major(connection)
    if tool_major < server_major:
        raise BackupError(
            f"{tool} {tool_major} cannot work with this PostgreSQL {server_major} server: "
            f"install the client tools of version {server_major} or newer "
            f"(Debian: postgresql-client-{server_major}, from apt.postgresql.org)."
        )


def _server_major(connection: BaseDatabaseWrapper) -> int:
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _tool_missing(tool: str, connection: BaseDatabaseWrapper) -> str:
    connection.ensure_connection()
    major = _server_major(connection)
    return (
        f"{tool} is not installed here: install PostgreSQL's client tools of version {major} "
        f"or newer (Debian: apt-get install postgresql-client, or postgresql-client-{major})."
    )
