"""Writing a finished PDF (or ZIP) so that nobody ever reads half of one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, default_storage


def file_store_atomically(name: str, data: bytes, storage: Storage = default_storage) -> str:
    """Store `data` under exactly `name`, replacing any earlier copy in one step.

    On local disk: write a temporary file in the same folder, flush it to disk, then rename it
    into place (a rename within one file system is atomic). Object stores (S3) publish an
    object only once its upload is complete, so there the storage's own save is already atomic.
    """
    if isinstance(storage, FileSystemStorage):
        _replace_on_disk(Path(storage.path(name)), lambda out: out.write(data))
        return name
    return _replace_in_store(storage, name, ContentFile(data))


def file_store_from_path(name: str, source: Path, storage: Storage = default_storage) -> str:
    """Like `file_store_atomically`, for a file built on disk (too big to hold in memory)."""
    if isinstance(storage, FileSystemStorage):
        with source.open("rb") as data:
            _replace_on_disk(Path(storage.path(name)), lambda out: shutil.copyfileobj(data, out))
        return name
    with source.open("rb") as data:
        return _replace_in_store(storage, name, File(data))


def _replace_on_disk(target: Path, write: Callable[[BinaryIO], object]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}.part-"
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for leftover in target.parent.glob(f"{prefix}*"):  # from a writer killed mid-write
        leftover.unlink(missing_ok=True)


def _replace_in_store(storage: Storage, name: str, content: File) -> str:
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, content)
