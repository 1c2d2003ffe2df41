"""Settings for load tests: exactly the production settings, plus the floor view's URL.

Everything comes from ``cspi.settings`` (so the same middleware, DEBUG, database and static
storage apply to the survey pages and to the floor). ROOT_URLCONF adds the floor view; the only
other difference is one extra template directory at the END of the search path, holding the
floor template that ``perf/survey_load.py`` writes at startup (``PERF_TEMPLATE_DIR``). Every
template the app itself uses is still found first in the same place as in production.

A smoke run (``--smoke``, ``PERF_SMOKE=1``) also skips the static files' pre-compressed copies
(.gz, .br: half a minute of collectstatic on 2 cores); their hashed names and the manifest the
pages are rendered with stay the same, and no measured request fetches a static file.
"""

import os

from cspi.settings import *  # noqa: F403
from cspi.settings import STORAGES as _BASE_STORAGES
from cspi.settings import TEMPLATES as _BASE_TEMPLATES

ROOT_URLCONF = "perf.urls"

if os.environ.get("PERF_TEMPLATE_DIR"):
    TEMPLATES = [
        {
            **_BASE_TEMPLATES[0],
            "DIRS": [*_BASE_TEMPLATES[0]["DIRS"], os.environ["PERF_TEMPLATE_DIR"]],
        },
        *_BASE_TEMPLATES[1:],
    ]

if os.environ.get("PERF_SMOKE") == "1" and "whitenoise" in _BASE_STORAGES["staticfiles"]["BACKEND"]:
    STORAGES = {
        **_BASE_STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
