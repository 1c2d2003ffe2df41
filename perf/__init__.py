"""Load tests for the survey pages; run ``python perf/survey_load.py`` from the repo root."""
