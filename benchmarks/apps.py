from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "benchmarks"
    verbose_name = _("Peer benchmarks")

    def ready(self) -> None:
        from benchmarks.erasure import pool_erasure_step
        from responses.erasure import erasure_step

        erasure_step("the peer pool", pool_erasure_step)
