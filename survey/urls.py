from django.urls import include, path

from survey import (
    branding_views,
    comparison_views,
    invitation_views,
    privacy_views,
    progress_views,
    roadmap_views,
    views,
)
from teams import views as team_views

app_name = "survey"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("start/", views.start, name="start"),
    path("survey/<token:token>/", views.resume, name="resume"),
    path("survey/<token:token>/page/<int:page>/", views.page, name="page"),
    path("survey/<token:token>/saved/", views.saved, name="saved"),
    path("survey/<token:token>/results/", views.done, name="done"),
    path(
        "survey/<token:token>/results/compare/",
        comparison_views.compare_again,
        name="compare-again",
    ),
    path("survey/<token:token>/results/again/", progress_views.take_again, name="take-again"),
    path("survey/<token:token>/data/", privacy_views.your_data, name="your-data"),
    path(
        "survey/<token:token>/data/download/",
        privacy_views.your_data_download,
        name="your-data-download",
    ),
    path("survey/<token:token>/data/erase/", privacy_views.your_data_erase, name="your-data-erase"),
    path("erased/", privacy_views.erased, name="erased"),
    path("privacy/", privacy_views.privacy_notice, name="privacy"),
    path("brand/<token:token>/logo", branding_views.brand_logo, name="brand-logo"),
    path("brand/<token:token>.css", branding_views.brand_css, name="brand-css"),
    path("survey/<token:token>/", include(roadmap_views.urlpatterns)),
    path("survey/<token:token>/team/", include(team_views.member_urlpatterns)),
    path("t/<token:token>/", include(team_views.invite_urlpatterns)),
    path("i/<token:token>/", invitation_views.invitation_landing, name="invitation"),
    path("i/<token:token>/start/", invitation_views.invitation_start, name="invitation-start"),
    path(
        "i/<token:token>/unsubscribe/",
        invitation_views.invitation_unsubscribe_view,
        name="invitation-unsubscribe",
    ),
    path("c/<token:token>/", views.campaign_landing, name="campaign"),
    path("c/<token:token>/start/", views.campaign_start, name="campaign-start"),
    path("admin-tools/banks/<int:bank_id>/preview/", include("survey.preview_views")),
]
