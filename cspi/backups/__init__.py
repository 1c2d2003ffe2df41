"""Backups of the whole product in one archive: the database, the stored files (PDF reports,
campaign ZIPs) and a manifest to check a restore against. See docs/backups.md."""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""
