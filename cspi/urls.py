from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from api.root import api

handler500 = "cspi.outages.server_error"

admin.site.site_header = "CSPI Benchmark administration"
admin.site.site_title = "CSPI Benchmark admin"


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (Django admin's among them)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("admin-tools/banks/", include("survey.bank_publish_views")),
    path("api/v1/", api.urls),
    # The language picker posts here (Django's set_language: CSRF-checked, keeps it in a cookie).
    path("language/", set_language, name="set_language"),
    path("accounts/", include("consultants.accounts")),
    path("workspace/", include("consultants.urls")),
    path("", include("survey.urls")),
    path("", include("reports.urls")),
]
