from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError

from reports.archives import archive_build, archive_failed, archives_expire, archives_reconcile
from reports.services import report_attempt_failed, report_render, reports_reconcile

# Errors worth another try (database blips, a render cut off by its time limit); others fail
# at once, with the reason kept for staff. Time limits: CELERY_TASK_ANNOTATIONS in settings.
TRANSIENT = (DatabaseError, InterfaceError, OSError, SoftTimeLimitExceeded)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def render_report(self, report_id: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        return report_render(report_id=report_id)
    except Exception as error:
        transient = isinstance(error, TRANSIENT)
        if report_attempt_failed(report_id=report_id, error=repr(error), transient=transient):
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task
def reconcile_reports() -> int:
    """Reports and campaign ZIPs the queue or a worker lost, and ZIPs past their time (every
    minute, by beat)."""
    archives_expire()
    return len(reports_reconcile()) + len(archives_reconcile())


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_archive(archive_id: int) -> bool:
    try:
        return archive_build(archive_id=archive_id)
    except Exception as error:
        archive_failed(archive_id=archive_id, error=repr(error))
        raise
