"""Test settings: faster password hashing, mail kept in memory, static files served unhashed.

Everything else, the database and broker included, comes from the same environment variables
as production, so CI runs these tests once on SQLite and once on PostgreSQL and Redis.
"""

import os

from cspi.settings import *  # noqa: F403
from cspi.settings import DATABASES, STORAGES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Served straight from static/ by WhiteNoise's finders, with no collectstatic step.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True

# A real worker process (tests/worker.py) reads the same test database: for SQLite that means a
# file, not the in-memory database pytest-django would otherwise use.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per test run, so that two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
