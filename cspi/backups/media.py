"""The stored files (PDF reports, campaign ZIPs), read and written through Django's default
storage: a folder on disk (MEDIA_ROOT) or a bucket (MEDIA_BUCKET) are backed up alike."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models

from cspi.backups import BackupError
from cspi.backups.manifest import stream_sha256
from reports.storage import file_store_from_path


def media_names(storage: Storage = default_storage) -> tuple[list[str], list[str]]:
    """The files to back up (everything the storage lists, and every file a row names), and
    the files rows name that the storage no longer has."""
    listed = set(_listed(storage, ""))
    named = set(_named_by_rows())
    missing = sorted(name for name in named - listed if not storage.exists(name))
    return sorted((listed | named) - set(missing)), missing


def media_open(name: str, storage: Storage = default_storage) -> tuple[IO[bytes], int]:
    """The file opened for reading and its size (FileNotFoundError when it has gone).

    The size comes from the open handle, not the name: a file replaced meanwhile is read
    whole, as it was when opened."""
    handle: Any = storage.open(name, "rb")
    try:
        handle.seek(0, os.SEEK_END)
        size = int(handle.tell())
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle, size


def media_write(name: str, source: Path, storage: Storage = default_storage) -> None:
    """Store the file under exactly `name`, replacing a copy already there in one step."""
    stored = file_store_from_path(name, source, storage)
    if stored != name:
        raise BackupError(f"The storage kept {name} as {stored}; the rows name {name}.")


def media_sha256(name: str, storage: Storage = default_storage) -> tuple[int, str] | None:
    """Size and SHA-256 of the stored file, or None when the storage does not have it."""
    try:
        handle, _ = media_open(name, storage)
    except FileNotFoundError:
        return None
    with handle:
        return stream_sha256(handle)


def _listed(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever stored
        return
    for name in files:
        if not name.startswith("."):  # a writer's temporary file (reports/storage.py)
            yield posixpath.join(folder, name)
    for inner in folders:
        yield from _listed(storage, posixpath.join(folder, inner))


def _named_by_rows() -> Iterator[str]:
    """Every file name a FileField of any model holds."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names = model._default_manager.exclude(**{field.attname: ""}).values_list(
                    field.attname, flat=True
                )
                yield from names.iterator()
