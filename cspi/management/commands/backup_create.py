"""Write one archive holding the whole database and every stored file (docs/backups.md)."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from cspi.backups import BackupError
from cspi.backups.archive import backup_create, backup_create_file
from cspi.backups.manifest import Manifest, megabytes


class Command(BaseCommand):
    help = (
        "Back up the database, the stored PDF reports and campaign ZIPs, and a manifest of row "
        "counts and checksums, into one .tar.gz archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help=(
                "The archive's file, or a folder to put it in; '-' writes it to standard "
                "output. Default: var/backups/cspi-YYYYmmdd-HHMMSS.tar.gz"
            ),
        )

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        started = time.perf_counter()
        # With the archive on standard output, everything said goes to standard error.
        say = self.stderr if output == "-" else self.stdout
        try:
            if output == "-":
                manifest = backup_create(out=sys.stdout.buffer)
                sys.stdout.buffer.flush()
                where, size = "standard output", None
            else:
                path = archive_path(output)
                manifest = backup_create_file(path=path)
                where, size = str(path), path.stat().st_size
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"The backup stopped at the database: {error}") from None
        except OSError as error:  # a full disk, a folder it may not write to, a closed pipe
            raise CommandError(f"The backup stopped: {error}.") from None
        say.write(summary(manifest, where, size, time.perf_counter() - started))
        if manifest.missing_media:
            say.write(
                f"Warning: {len(manifest.missing_media)} file(s) named by rows were not in the "
                f"storage: {', '.join(manifest.missing_media[:10])}"
            )


def archive_path(output: str | None) -> Path:
    name = f"cspi-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"
    if not output:
        return Path(settings.VAR_DIR) / "backups" / name
    path = Path(output)
    return path / name if path.is_dir() or output.endswith(("/", os.sep)) else path


def summary(manifest: Manifest, where: str, size: int | None, seconds: float) -> str:
    written = f" ({megabytes(size)})" if size is not None else ""
    return f"Backed up to {where}{written} in {seconds:.1f} s: {manifest.describe()}."
