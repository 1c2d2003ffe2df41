from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """When a worker last ran the heartbeat task that beat sends every 30 seconds (one row).

    Kept in the database because it is the one store every process shares, even on the
    embedded defaults; the readiness probe of every web process reads it (cspi/health.py).
    """

    SINGLE_ROW_ID = 1

    beat_at = models.DateTimeField(_("beat at"))
    worker = models.CharField(
        _("worker"), max_length=255, help_text=_("The node name of the worker.")
    )

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return gettext("%(worker)s at %(at)s") % {
            "worker": self.worker,
            "at": f"{self.beat_at:%Y-%m-%d %H:%M:%S}",
        }
