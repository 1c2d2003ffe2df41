"""What an archive says it holds: rows per table, and the size and SHA-256 of every member."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from cspi.backups import BackupError

FORMAT = "cspi-backup"
VERSION = 1
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


@dataclass(frozen=True, slots=True)
class MemberEntry:
    name: str  # the member's path in the archive
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    created_at: str
    engine: str  # "postgresql" or "sqlite"
    database: MemberEntry
    tables: dict[str, int]
    media: list[MemberEntry]  # names without MEDIA_PREFIX, as the storage knows them
    missing_media: list[str]  # named by rows but absent from the storage when backed up

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "version": VERSION, **asdict(self)}
        return json.dumps(data, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise BackupError(f"Its manifest is not valid JSON ({error}).") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError("It is not a CSPI Benchmark backup (its manifest says otherwise).")
        if data.get("version") != VERSION:
            raise BackupError(
                f"It was written in backup format {data.get('version')!r}; this version of the "
                f"product reads format {VERSION}."
            )
        try:
            return cls(
                created_at=str(data["created_at"]),
                engine=str(data["engine"]),
                database=MemberEntry(**data["database"]),
                tables={str(table): int(rows) for table, rows in data["tables"].items()},
                media=[MemberEntry(**entry) for entry in data["media"]],
                missing_media=[str(name) for name in data["missing_media"]],
            )
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise BackupError(f"Its manifest is incomplete ({error!r}).") from None

    def describe(self) -> str:
        media_bytes = sum(entry.size for entry in self.media)
        return (
            f"the {ENGINE_NAMES.get(self.engine, self.engine)} database of {self.created_at} "
            f"({len(self.tables)} tables, {sum(self.tables.values()):,} rows) and "
            f"{len(self.media)} stored file{'' if len(self.media) == 1 else 's'} "
            f"({megabytes(media_bytes)})"
        )

    def members(self) -> dict[str, MemberEntry]:
        """Every member the archive must hold besides the manifest, by its path."""
        found = {self.database.name: self.database}
        for entry in self.media:
            found[media_member(entry.name)] = entry
        return found


def media_member(name: str) -> str:
    """The archive path of a stored file, refusing names that would climb out of the storage."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise BackupError(f"The file name {name!r} is not one the storage could hold.")
    return MEDIA_PREFIX + name


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class HashingReader:
    """Reads through to `source`, keeping the SHA-256 and size of what went by."""

    def __init__(self, source: BinaryIO | Any) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.source.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def entry(self, name: str) -> MemberEntry:
        return MemberEntry(name=name, size=self.size, sha256=self.digest.hexdigest())


def stream_sha256(source: BinaryIO | Any) -> tuple[int, str]:
    """Size and SHA-256 of what `source` has left to read, a chunk at a time."""
    reader = HashingReader(source)
    while reader.read(CHUNK):
        pass
    return reader.size, reader.digest.hexdigest()
