from django.urls import path

from survey import views, workspace

app_name = "survey"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("start/", views.start, name="start"),
    path("survey/<str:token>/", views.resume, name="resume"),
    path("survey/<str:token>/page/<int:page>/", views.page, name="page"),
    path("survey/<str:token>/saved/", views.saved, name="saved"),
    path("survey/<str:token>/results/", views.done, name="done"),
    path("c/<str:token>/", views.campaign_landing, name="campaign"),
    path("c/<str:token>/start/", views.campaign_start, name="campaign-start"),
    path("workspace/", workspace.campaign_list, name="workspace"),
    path("workspace/campaigns/new/", workspace.campaign_new, name="workspace-campaign-new"),
    path("workspace/campaigns/<str:token>/", workspace.campaign_detail, name="workspace-campaign"),
    path(
        "workspace/campaigns/<str:token>/responses.<str:extension>",
        workspace.campaign_export,
        name="workspace-campaign-csv",
    ),
    path(
        "workspace/campaigns/<str:token>/archive/",
        workspace.archive_new,
        name="workspace-archive-new",
    ),
    path(
        "workspace/campaigns/<str:token>/archive/status/",
        workspace.archive_status,
        name="workspace-archive-status",
    ),
    path(
        "workspace/archives/<str:archive_token>.zip",
        workspace.archive_download,
        name="workspace-archive",
    ),
    path(
        "workspace/reports/<str:report_token>.pdf",
        workspace.report_download,
        name="workspace-report",
    ),
]
