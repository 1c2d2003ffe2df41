from django.urls import include, path

from consultants import profile, progress_views, roadmap_views, team_views, tokens, views

app_name = "workspace"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("profile/", profile.profile_edit, name="profile"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<token:token>/", views.campaign_detail, name="campaign"),
    path("campaigns/<token:token>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<token:token>/state/", views.campaign_state, name="campaign-state"),
    path("campaigns/<token:token>/invite/", views.invitations_new, name="invitations-new"),
    path("campaigns/<token:token>/delete/", views.campaign_delete_view, name="campaign-delete"),
    path(
        "campaigns/<token:token>/responses.<str:extension>",
        views.campaign_export,
        name="campaign-export",
    ),
    path("campaigns/<token:token>/archive/", views.archive_new, name="archive-new"),
    path("campaigns/<token:token>/archive/status/", views.archive_status, name="archive-status"),
    path("archives/<token:archive_token>.zip", views.archive_download, name="archive"),
    path("reports/<token:report_token>.pdf", views.report_download, name="report"),
    path(
        "campaigns/<token:token>/responses/<token:public_id>/",
        include(roadmap_views.urlpatterns),
    ),
    path(
        "campaigns/<token:token>/responses/<token:public_id>/progress/",
        progress_views.response_progress,
        name="response-progress",
    ),
    path("tokens/", include(tokens.urlpatterns)),
    path("", include(team_views.urlpatterns)),
]
