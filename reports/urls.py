from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("survey/<token:token>/report/", views.status, name="status"),
    path("survey/<token:token>/report/new/", views.request_report, name="request"),
    path("survey/<token:token>/report/<token:report_token>.pdf", views.download, name="download"),
]
