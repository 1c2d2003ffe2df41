"""Restore an archive of backup_create: the database, then the stored files, then check both
against the archive's manifest (docs/backups.md). Stop the web and worker processes first."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from cspi.backups import BackupError
from cspi.backups.archive import backup_check, backup_restore
from cspi.backups.manifest import Manifest


class Command(BaseCommand):
    help = (
        "Restore a backup_create archive into this database and storage, then check every "
        "table's row count and every file's SHA-256 against its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz archive; '-' reads it from stdin.")
        parser.add_argument(
            "--yes", action="store_true", help="Replace a database that already holds data."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the archive is whole and matches its manifest; change nothing.",
        )

    def handle(self, *args: Any, archive: str, yes: bool, check: bool, **options: Any) -> None:
        started = time.perf_counter()
        try:
            with archive_file(archive) as path:
                if check:
                    manifest = backup_check(path=path)
                else:
                    manifest = backup_restore(path=path, replace=yes)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"The restore stopped at the database: {error}") from None
        except OSError as error:  # an archive it may not read, a full temporary folder
            raise CommandError(f"The restore stopped: {error}.") from None
        seconds = time.perf_counter() - started
        source = "the archive on standard input" if archive == "-" else archive
        if check:
            self.stdout.write(
                f"Checked {source} in {seconds:.1f} s: every member is there with the SHA-256 "
                f"its manifest gives. It holds {manifest.describe()}."
            )
            return
        self.stdout.write(
            f"Restored {source} in {seconds:.1f} s: {manifest.describe()}. Checked against its "
            "manifest: every table has its row count and every file its SHA-256."
        )
        if options["verbosity"] > 1:
            for table, rows in sorted(manifest.tables.items()):
                self.stdout.write(f"  {table}: {rows:,} rows")
        self.stdout.write(after_restore(manifest))


@contextmanager
def archive_file(argument: str) -> Iterator[Path]:
    """The archive as a file: the restore reads it twice, so standard input is spooled."""
    if argument != "-":
        yield Path(argument)
        return
    with tempfile.TemporaryDirectory(prefix="cspi-restore-") as folder:
        path = Path(folder) / "archive.tar.gz"
        with path.open("wb") as spooled:
            shutil.copyfileobj(sys.stdin.buffer, spooled)
        yield path


def after_restore(manifest: Manifest) -> str:
    lines = ["Start the web and worker processes again: they must not keep what they cached."]
    if manifest.missing_media:
        lines.append(
            f"{len(manifest.missing_media)} file(s) named by rows were already missing when the "
            f"backup was made: {', '.join(manifest.missing_media[:10])}"
        )
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        lines.append(
            f"This code has {len(unapplied)} migration(s) the restored database has not: "
            "run manage.py migrate."
        )
    return "\n".join(lines)
