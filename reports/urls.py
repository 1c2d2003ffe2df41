from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("survey/<str:token>/report/", views.status, name="status"),
    path("survey/<str:token>/report/new/", views.request_report, name="request"),
    path("survey/<str:token>/report/<str:report_token>.pdf", views.download, name="download"),
]
