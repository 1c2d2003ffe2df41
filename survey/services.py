"""The survey's flows: completing a response (lock, score, keep the scores, update the peer
pool, compare, ask for the report), e-mailing the resume link, erasing responses.

This is the one place that calls the data (responses), the peer benchmarks and the reports in
one pass; none of those lower apps calls back up here.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benchmarks.models import ResponseBenchmark
from benchmarks.services import benchmark_compute, peer_pool_sync
from reports.services import report_queue, report_request
from responses.answers import answers_unanswered
from responses.bank_texts import bank_spec_shown
from responses.kept_scores import scores_keep
from responses.languages import language_override
from responses.links import link_base
from responses.models import Response
from responses.organisation_keys import organisation_fields
from responses.selectors import bank_spec_for
from responses.services import profile_for_peer_groups
from responses.task_queue import task_send
from scoring.scores import ScoringError, response_score
from teams.services import team_membership_settle

logger = logging.getLogger(__name__)
# Longer than a send can take (EMAIL_TIMEOUT and a margin): a worker holds the e-mail this long.
RESUME_LINK_CLAIM_SECONDS = 120
MAX_RESUME_LINKS_PER_RECONCILE = 200


@dataclass(frozen=True, slots=True)
class CompletionResult:
    completed_now: bool
    unanswered: list[int]
    problem: ScoringError | None = None


def response_complete(*, response: Response) -> CompletionResult:
    """Complete a response exactly once: a replayed submit finds it completed, changes nothing."""
    spec = bank_spec_for(bank=response.bank)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.is_completed:
            return CompletionResult(completed_now=False, unanswered=[])
        unanswered = answers_unanswered(spec, locked.answers)
        if unanswered:
            return CompletionResult(completed_now=False, unanswered=[q.number for q in unanswered])
        try:
            scores = response_score(spec=spec, answers=locked.answers)
        except ScoringError as error:
            return CompletionResult(completed_now=False, unanswered=[], problem=error)
        now = timezone.now()
        organisation = organisation_fields(locked.email)
        completed = Response.objects.filter(
            pk=locked.pk, status=Response.Status.IN_PROGRESS
        ).update(
            status=Response.Status.COMPLETED,
            completed_at=now,
            **profile_for_peer_groups(spec, locked.answers),
            **organisation,
        )
        if completed:
            scores_keep(bank=locked.bank, scored=[(locked.pk, scores, now)])
            peer_pool_sync(organisation_keys=[organisation["organisation_key"]])
            # Written with the completion: a process that dies after this commit leaves a
            # pending report, which the reconciler queues, never a completion without one.
            report = report_request(response=locked, queued=False)
    response.refresh_from_db()
    if completed:
        # A response started from a team link joins the team now (or is told why not); the
        # team's pages settle it too, should this step not have run.
        team_membership_settle(response=response)
        report_queue(report=report, benchmark=_benchmark_first(response))
    return CompletionResult(completed_now=completed == 1, unanswered=[])


def _benchmark_first(response: Response) -> ResponseBenchmark | None:
    """The comparison shown on the results page and printed in the report. Without it both say
    it is not ready; the completion itself must never fail because of it."""
    try:
        return benchmark_compute(response=response)
    except Exception:
        logger.exception("Peer comparison of response %s failed", response.pk)
        return None


def resume_url(*, response: Response, request_base_url: str) -> str:
    return link_base(request_base_url) + reverse("survey:resume", args=[response.token])


def resume_link_queue(*, response: Response, address_before: str, request_base_url: str) -> None:
    """Ask a worker to e-mail the resume link, once the save that gave (or changed) the address
    commits; later saves queue nothing more. A page never waits for the mail server; a link
    whose task was lost (broker down, worker gone) waits for the reconciler, and is on every
    page meanwhile."""
    if response.email == address_before or not response.email:
        return
    if response.resume_link_sent_to == response.email:
        return
    response_id = response.pk
    transaction.on_commit(lambda: _enqueue_resume_link(response_id, request_base_url))


def _enqueue_resume_link(response_id: int, request_base_url: str) -> None:
    from survey.tasks import send_resume_link

    task_send(send_resume_link, response_id, request_base_url, what=f"resume link of {response_id}")


class MailNotSent(Exception):
    """The mail server did not take the e-mail; it is tried again later."""


def resume_link_send(*, response_id: int, request_base_url: str = "") -> bool:
    """E-mail the resume link to the response's address, once per address. The worker claims
    the e-mail for a while before sending (two workers never both send it), marks it sent only
    once the mail server took it, and lets go at once if the server did not (MailNotSent)."""
    now = timezone.now()
    owed = _resume_link_owed(now).filter(pk=response_id)
    claimed_until = now + timedelta(seconds=RESUME_LINK_CLAIM_SECONDS)
    if not owed.update(resume_link_claimed_until=claimed_until):
        return False
    response = Response.objects.select_related("bank").get(pk=response_id)
    # Written in the language the response was started in, whatever the worker speaks.
    with language_override(response.language):
        spec = bank_spec_shown(bank=response.bank)
        body = render_to_string(
            "survey/email/resume_link.txt",
            {
                "title": spec.title,
                "url": resume_url(response=response, request_base_url=request_base_url),
                "days": settings.SURVEY_DRAFT_DAYS,
            },
        )
        # Translators: the resume-link e-mail's subject; %(title)s is the survey's title.
        subject = _("Your %(title)s link") % {"title": spec.title}
    try:
        send_mail(subject, body, None, [response.email])
    except (OSError, smtplib.SMTPException) as error:
        Response.objects.filter(pk=response_id).update(resume_link_claimed_until=None)
        raise MailNotSent(f"Resume link of response {response_id} not sent yet") from error
    Response.objects.filter(pk=response_id, email=response.email).update(
        resume_link_sent_to=response.email, resume_link_claimed_until=None
    )
    return True


def resume_links_reconcile() -> int:
    """Send the resume links a broker or mail outage (or a worker that died mid-send) left
    owed. Returns how many went out."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS)
    owed = _resume_link_owed(now).filter(updated_at__lt=grace).order_by("updated_at")
    sent = 0
    for response_id in owed.values_list("pk", flat=True)[:MAX_RESUME_LINKS_PER_RECONCILE]:
        try:
            sent += resume_link_send(response_id=response_id)
        except MailNotSent:
            logger.warning("Mail server still down; resume links wait for the next run")
            break
    return sent


def _resume_link_owed(now: datetime) -> QuerySet[Response]:
    return (
        Response.objects.filter(status=Response.Status.IN_PROGRESS)
        .exclude(email="")
        .exclude(resume_link_sent_to=F("email"))
        .filter(Q(resume_link_claimed_until__isnull=True) | Q(resume_link_claimed_until__lt=now))
    )
