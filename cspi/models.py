from django.db import models


class WorkerHeartbeat(models.Model):
    """When a worker last ran the heartbeat task that beat sends every 30 seconds (one row).

    Kept in the database because it is the one store every process shares, even on the
    embedded defaults; the readiness probe of every web process reads it (cspi/health.py).
    """

    SINGLE_ROW_ID = 1

    beat_at = models.DateTimeField()
    worker = models.CharField(max_length=255, help_text="The node name of the worker.")

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
