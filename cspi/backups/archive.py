"""One archive file (a gzipped tar): the database copy first, then every stored file under
`media/`, and last the manifest, written once the files' checksums are known.

Nothing is held in memory whole: files go through in chunks, once to write the archive; a
restore reads the archive twice (checking it all before it touches anything, then restoring)
and each stored file once more to check what the storage now holds.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO

from cspi.backups import BackupError
from cspi.backups.database import (
    DUMP_MEMBER,
    database_dump,
    database_engine,
    database_restore,
    database_row_counts,
    database_tables_with_rows,
)
from cspi.backups.manifest import (
    ENGINE_NAMES,
    MANIFEST_MEMBER,
    MEDIA_PREFIX,
    HashingReader,
    Manifest,
    MemberEntry,
    media_member,
    stream_sha256,
)
from cspi.backups.media import media_names, media_open, media_sha256, media_write

# gzip's default. The dump and the PDFs are compressed already, so levels 1 to 9 differ by 2 %
# in size and little in time (docs/backups.md); SQLite's file gains the most.
COMPRESS_LEVEL = 6
PROBLEMS_SHOWN = 20


def backup_create(*, out: BinaryIO) -> Manifest:
    """Write the whole archive to `out`, which need not be seekable (a pipe will do)."""
    engine = database_engine()
    with tempfile.TemporaryDirectory(prefix="cspi-backup-") as folder:
        dump = Path(folder) / DUMP_MEMBER[engine]
        tables = database_dump(into=dump)
        with (
            gzip.GzipFile(filename="", fileobj=out, mode="wb", compresslevel=COMPRESS_LEVEL) as gz,
            tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
        ):
            with dump.open("rb") as source:
                database = _add(tar, dump.name, source, dump.stat().st_size)
            media, missing = _add_media(tar)
            manifest = Manifest(
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                engine=engine,
                database=database,
                tables=tables,
                media=media,
                missing_media=missing,
            )
            raw = manifest.to_json()
            _add(tar, MANIFEST_MEMBER, io.BytesIO(raw), len(raw))
    return manifest


def backup_create_file(*, path: Path) -> Manifest:
    """The archive at `path`, readable by its owner only (it holds personal data and password
    hashes). It appears there complete or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            manifest = backup_create(out=out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def backup_check(*, path: Path) -> Manifest:
    """Read the whole archive: every member must be there with the size and SHA-256 its
    manifest gives, and nothing else may be. Changes nothing."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    found: dict[str, tuple[int, str]] = {}
    raw = None
    with _readable(path):
        for member, handle in _members(path):
            if member.name == MANIFEST_MEMBER:
                raw = handle.read()
            else:
                found[member.name] = stream_sha256(handle)
    if raw is None:
        raise BackupError(
            f"{path} holds no manifest: it is not a CSPI Benchmark backup, or it was cut short."
        )
    try:
        manifest = Manifest.from_json(raw)
    except BackupError as error:
        raise BackupError(f"{path}: {error}") from None
    problems = _archive_differences(manifest, found)
    if problems:
        raise BackupError(
            f"{path} does not match its manifest: it was changed or damaged after it was made. "
            "Nothing was restored.\n" + _listed(problems)
        )
    return manifest


def backup_restore(*, path: Path, replace: bool) -> Manifest:
    """Check the archive, then restore the database, then the stored files, then check what
    the database and the storage now hold against the manifest."""
    if not replace:
        occupied = database_tables_with_rows()
        if occupied:
            shown = ", ".join(f"{table}: {rows}" for table, rows in sorted(occupied.items())[:5])
            raise BackupError(
                f"The database already holds data ({shown}{', …' if len(occupied) > 5 else ''} "
                "rows). A restore replaces all of it: run again with --yes to go ahead."
            )
    manifest = backup_check(path=path)
    engine = database_engine()
    if manifest.engine != engine:
        raise BackupError(
            f"{path} holds a {ENGINE_NAMES.get(manifest.engine, manifest.engine)} database; "
            f"this one is {ENGINE_NAMES[engine]}. Restore it into the kind it came from."
        )
    _restore_members(path, manifest)
    problems = restored_differences(manifest)
    if problems:
        raise BackupError(
            "The restore does not match the archive's manifest:\n" + _listed(problems)
        )
    return manifest


def restored_differences(manifest: Manifest) -> list[str]:
    """What the database and the storage hold that differs from the manifest."""
    problems = []
    counts = database_row_counts()
    for table, rows in sorted(manifest.tables.items()):
        if table not in counts:
            problems.append(f"table {table}: missing")
        elif counts[table] != rows:
            problems.append(f"table {table}: {counts[table]} rows, the manifest says {rows}")
    for entry in manifest.media:
        stored = media_sha256(entry.name)
        if stored is None:
            problems.append(f"file {entry.name}: not in the storage")
        elif stored != (entry.size, entry.sha256):
            problems.append(f"file {entry.name}: its content differs from the archive's")
    return problems


def _add(tar: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> MemberEntry:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    reader = HashingReader(source)
    tar.addfile(info, reader)
    return reader.entry(name)


def _add_media(tar: tarfile.TarFile) -> tuple[list[MemberEntry], list[str]]:
    """Every stored file, one at a time; returns their entries and the names not found."""
    names, missing = media_names()
    entries = []
    for name in names:
        member = media_member(name)
        try:
            handle, size = media_open(name)
        except FileNotFoundError:  # deleted since it was listed (an expired ZIP)
            missing.append(name)
            continue
        with handle:
            added = _add(tar, member, handle, size)
        entries.append(MemberEntry(name=name, size=added.size, sha256=added.sha256))
    return entries, sorted(missing)


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """A damaged, cut or foreign file fails with one clear message, wherever it is noticed."""
    try:
        yield
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(
            f"{path} is not a readable backup archive: it is damaged, cut short or of another "
            f"kind ({error or type(error).__name__}). Nothing was restored from it."
        ) from None


def _members(path: Path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    with tarfile.open(path, mode="r|gz") as tar:
        for member in tar:
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is None:
                raise BackupError(f"{path}: {member.name} is not a file; this is no CSPI backup.")
            yield member, handle


def _archive_differences(manifest: Manifest, found: dict[str, tuple[int, str]]) -> list[str]:
    problems = []
    for name, entry in sorted(manifest.members().items()):
        if name not in found:
            problems.append(f"{name}: missing")
        elif found[name][0] != entry.size:
            problems.append(f"{name}: {found[name][0]} bytes, the manifest says {entry.size}")
        elif found[name][1] != entry.sha256:
            problems.append(f"{name}: its SHA-256 differs from the manifest's")
    extra = sorted(set(found) - set(manifest.members()))
    problems += [f"{name}: not in the manifest" for name in extra]
    return problems


def _restore_members(path: Path, manifest: Manifest) -> None:
    with tempfile.TemporaryDirectory(prefix="cspi-restore-") as folder, _readable(path):
        spool = Path(folder) / "member"
        for member, handle in _members(path):
            if member.name == MANIFEST_MEMBER:
                continue
            with spool.open("wb") as out:
                shutil.copyfileobj(handle, out)
            if member.name == manifest.database.name:
                database_restore(dump=spool)
            else:
                _restore_file(member.name.removeprefix(MEDIA_PREFIX), spool)


def _restore_file(name: str, source: Path) -> None:
    media_member(name)  # a name that would climb out of the storage is refused
    try:
        media_write(name, source)
    except OSError as error:
        raise BackupError(
            f"Could not write {name} back to the storage ({error}). The database is restored "
            "already: run the restore again, with --yes, once the storage can be written."
        ) from None


def _listed(problems: list[str]) -> str:
    shown = "\n".join(f"  {problem}" for problem in problems[:PROBLEMS_SHOWN])
    more = len(problems) - PROBLEMS_SHOWN
    return shown + (f"\n  … and {more} more" if more > 0 else "")
