from django.urls import path

from survey import views

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
]
