from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class CspiConfig(AppConfig):
    name = "cspi"
    verbose_name = _("CSPI Benchmark")

    def ready(self) -> None:
        from cspi.request_ids import request_id_forget
        from responses.languages import translations_install

        translations_install()

        request_finished.connect(request_id_forget, dispatch_uid="cspi.request_id_forget")
