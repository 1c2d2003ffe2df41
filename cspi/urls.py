from django.contrib import admin
from django.urls import include, path

from cspi.api import api

admin.site.site_header = "CSPI Benchmark administration"
admin.site.site_title = "CSPI Benchmark admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("cspi.accounts")),
    path("workspace/tokens/", include("cspi.tokens")),
    path("", include("survey.urls")),
    path("", include("reports.urls")),
]
