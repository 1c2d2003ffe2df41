import socket

from celery import shared_task

from cspi.health import worker_heartbeat_record


@shared_task(bind=True)
def record_worker_heartbeat(self) -> None:  # type: ignore[no-untyped-def]
    """Beat sends this every 30 seconds; /health/ready reads when a worker last ran it."""
    worker_heartbeat_record(worker=self.request.hostname or socket.gethostname())
