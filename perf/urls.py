"""The product's URLs, plus the floor view the load test compares the survey pages with.

The floor comes last so the survey URLs resolve exactly as they do in production.
"""

from django.urls import include, path

from perf.floor import floor

urlpatterns = [
    path("", include("cspi.urls")),
    path("perf/floor/", floor, name="perf-floor"),
]
