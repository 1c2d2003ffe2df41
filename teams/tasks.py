from celery import shared_task

from teams.services import team_report_failed, team_report_render, team_reports_reconcile


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def render_team_report(self, report_id: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        return team_report_render(report_id=report_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            team_report_failed(report_id=report_id, error=repr(error))
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task
def reconcile_team_reports() -> int:
    """Team PDFs the queue or a worker lost (every minute, by beat)."""
    return len(team_reports_reconcile())
