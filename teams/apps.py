from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teams"
    verbose_name = _("Team assessments")

    def ready(self) -> None:
        from responses.erasure import erasure_step
        from teams.erasure import team_reports_erasure_step

        erasure_step("team reports", team_reports_erasure_step)
