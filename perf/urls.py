"""The product's URLs, plus the floor view the load test compares the survey pages with.

The floor comes last so the survey URLs resolve exactly as they do in production.
"""

from django.urls import include, path

from perf.api_floor import api_floor
from perf.floor import floor
from perf.floor_database import floor_read, floor_write

urlpatterns = [
    path("", include("cspi.urls")),
    path("perf/floor/", floor, name="perf-floor"),
    path("perf/floor/read/<str:token>/", floor_read, name="perf-floor-read"),
    path("perf/floor/write/<str:token>/", floor_write, name="perf-floor-write"),
    path("perf/api-floor/<int:size>/", api_floor, name="perf-api-floor"),
]
