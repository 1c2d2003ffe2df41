from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from reports.erasure import reports_erasure_step
        from responses.erasure import erasure_step

        erasure_step("reports", reports_erasure_step)
