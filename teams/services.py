"""Writes for team assessments: creating a team, answering through its link, joining (or not)
on completion, leaving, a campaign's team of one organisation, and the team PDF."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from reports.storage import file_store_atomically
from responses.models import Campaign, QuestionBank, Response
from responses.organisation_keys import organisation_rules
from responses.services import response_start
from responses.task_queue import task_send
from teams.access import Audience, team_organisation
from teams.models import Team, TeamMember, TeamReport

logger = logging.getLogger(__name__)

# Read in the language of the page that shows them (str() at use).
PUBLIC_MAILBOX_REFUSAL = gettext_lazy(
    "A team assessment brings together colleagues of one organisation, told apart by the domain "
    "of their e-mail addresses. You answered with a personal mailbox address (%(domain)s), which "
    "stands for an organisation of one, so no colleague could join your team. Answer again with "
    "your work address to start a team."
)
NO_ADDRESS_REFUSAL = gettext_lazy(
    "A team needs your organisation: this assessment has no e-mail address."
)
OTHER_ORGANISATION = gettext_lazy(
    "This team belongs to another organisation: your answers are kept as your own assessment."
)
# A render's deadline: past it, a worker that died mid-render has let the report go.
TEAM_REPORT_LEASE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class TeamCreated:
    team: Team | None
    problem: str = ""


def team_create(*, response: Response, shows_name: bool = False) -> TeamCreated:
    """A team of the respondent's organisation, with them as its first member. A respondent
    already in a team gets that team back (one team per response); a public mailbox (an
    organisation of one) or a response without an address gets the reason instead."""
    if not response.is_completed or not response.organisation_key:
        return TeamCreated(None, str(NO_ADDRESS_REFUSAL))
    if response.mail_domain in organisation_rules().public_domains:
        return TeamCreated(None, str(PUBLIC_MAILBOX_REFUSAL) % {"domain": response.mail_domain})
    with transaction.atomic():
        Response.objects.select_for_update().filter(pk=response.pk).first()  # one at a time
        existing = TeamMember.objects.filter(response=response).select_related("team").first()
        if existing is not None and existing.status == TeamMember.Status.JOINED:
            return TeamCreated(existing.team)
        if existing is not None:  # left a team, or refused by one: this response starts anew
            existing.delete()
        team = Team.objects.create(organisation_key=response.organisation_key, created_by=response)
        TeamMember.objects.create(
            team=team,
            response=response,
            status=TeamMember.Status.JOINED,
            shows_name=shows_name,
            joined_at=timezone.now(),
        )
    return TeamCreated(team)


def team_response_start(
    *, team: Team, bank: QuestionBank, shows_name: bool, consented: bool = False
) -> Response:
    """A new response answering through the team's link: a pending member until it completes."""
    with transaction.atomic():
        response = response_start(bank=bank, consented=consented)
        TeamMember.objects.create(team=team, response=response, shows_name=shows_name)
    return response


def team_membership_settle(*, response: Response) -> TeamMember | None:
    """Decide a pending membership once its response has completed: it joins when its
    organisation is the team's, and is refused otherwise (the answers stay the respondent's
    own assessment either way). Safe to call again: only a pending row changes."""
    member = TeamMember.objects.select_related("team").filter(response=response).first()
    if member is None or member.status != TeamMember.Status.PENDING or not response.is_completed:
        return member
    joins = bool(response.organisation_key) and (
        response.organisation_key == team_organisation(member.team)
    )
    status = TeamMember.Status.JOINED if joins else TeamMember.Status.REFUSED
    with transaction.atomic():
        settled = TeamMember.objects.filter(pk=member.pk, status=TeamMember.Status.PENDING).update(
            status=status, joined_at=timezone.now() if joins else None
        )
        if settled and joins:
            # One person, one member: answering again through the link (same address, any
            # case) replaces their earlier answers, so no one counts twice towards the three
            # a team needs before its members see it.
            member.team.members.filter(
                status=TeamMember.Status.JOINED,
                response__email__iexact=response.email.strip(),
            ).exclude(pk=member.pk).update(status=TeamMember.Status.LEFT)
    member.refresh_from_db()
    return member


def team_members_settle(*, team: Team) -> None:
    """Settle every pending member of the team whose response has completed since."""
    completed = team.members.filter(
        status=TeamMember.Status.PENDING, response__status=Response.Status.COMPLETED
    ).select_related("response")
    for member in completed:
        team_membership_settle(response=member.response)


def team_leave(*, member: TeamMember) -> None:
    """The member leaves: their answers stay their own assessment, out of the team's numbers,
    and out of the team PDFs the members can still download."""
    TeamMember.objects.filter(pk=member.pk).exclude(status=TeamMember.Status.LEFT).update(
        status=TeamMember.Status.LEFT, left_at=timezone.now()
    )
    _member_pdfs_discard(member.team)


def team_name_consent_set(*, member: TeamMember, shows_name: bool) -> None:
    """A member shows or hides their name; a withdrawn name also leaves the members' PDFs."""
    TeamMember.objects.filter(pk=member.pk).update(shows_name=shows_name)
    if not shows_name:
        _member_pdfs_discard(member.team)


def _member_pdfs_discard(team: Team) -> None:
    """Forget the members' team PDFs (rows and files): they print who was in the team and whose
    names were shown, which no longer holds. A new one can be made at once."""
    for report in team.reports.filter(audience=Audience.MEMBERS):
        if report.file:
            report.file.delete(save=False)
        report.delete()


def campaign_team_for(*, campaign: Campaign, organisation_key: str) -> Team:
    """The team of one organisation's responses in a campaign, made the first time it is asked
    for (two requests at once find the one row)."""
    try:
        with transaction.atomic():
            team, _ = Team.objects.get_or_create(
                campaign=campaign, organisation_key=organisation_key
            )
    except IntegrityError:
        team = Team.objects.get(campaign=campaign, organisation_key=organisation_key)
    return team


def team_report_request(*, team: Team, audience: Audience) -> TeamReport:
    """A team PDF for the audience, queued for a worker once this transaction commits; one
    already queued or being written is returned instead of a second."""
    with transaction.atomic():
        Team.objects.select_for_update().filter(pk=team.pk).first()
        waiting = team.reports.filter(
            audience=audience,
            status__in=(TeamReport.Status.PENDING, TeamReport.Status.RENDERING),
        ).first()
        if waiting is not None:
            return waiting
        report = TeamReport.objects.create(team=team, audience=audience)
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from teams.tasks import render_team_report

    task_send(render_team_report, report_id, what=f"team report {report_id}")


def team_report_render(*, report_id: int) -> bool:
    """Render the team PDF if it is this worker's to render. True when this call finished it."""
    now = timezone.now()
    taken = (
        TeamReport.objects.filter(pk=report_id, status=TeamReport.Status.PENDING)
        | TeamReport.objects.filter(
            pk=report_id,
            status=TeamReport.Status.RENDERING,
            started_at__lt=now - TEAM_REPORT_LEASE,
        )
    ).update(status=TeamReport.Status.RENDERING, started_at=now, attempts=F("attempts") + 1)
    if not taken:
        return False
    from teams.pdf import team_report_pdf  # WeasyPrint: only workers that render import it

    report = TeamReport.objects.select_related("team").get(pk=report_id)
    team_members_settle(team=report.team)  # a colleague who completed since is counted
    try:
        pdf = team_report_pdf(team=report.team, audience=Audience(report.audience))
        name = file_store_atomically(f"team-reports/{report.token}.pdf", pdf)
    except Exception:
        # Let go of the claim, so that a retry (or the reconciler) can take it again.
        TeamReport.objects.filter(pk=report_id, started_at=now).update(
            status=TeamReport.Status.PENDING
        )
        raise
    finished = TeamReport.objects.filter(
        pk=report_id, status=TeamReport.Status.RENDERING, started_at=now
    ).update(status=TeamReport.Status.READY, file=name, error="", finished_at=timezone.now())
    if not finished:  # discarded meanwhile (a member left or hid their name): keep no copy
        default_storage.delete(name)
    return bool(finished)


def team_report_failed(*, report_id: int, error: str) -> None:
    TeamReport.objects.filter(pk=report_id).exclude(status=TeamReport.Status.READY).update(
        status=TeamReport.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    logger.error("Team report %s failed: %s", report_id, error[:500])


def team_reports_reconcile() -> list[int]:
    """Team PDFs the queue lost (broker down) or a dead worker left: queued again, unless
    they have had REPORT_MAX_ATTEMPTS renders already (a PDF that kills its worker is not
    tried for ever): those fail, for staff to see."""
    now = timezone.now()
    waiting = TeamReport.objects.filter(
        status=TeamReport.Status.PENDING, requested_at__lt=now - timedelta(minutes=1)
    ) | TeamReport.objects.filter(
        status=TeamReport.Status.RENDERING, started_at__lt=now - TEAM_REPORT_LEASE
    )
    waiting.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS).update(
        status=TeamReport.Status.FAILED,
        error="Stopped after too many attempts.",
        finished_at=now,
    )
    lost = list(
        waiting.filter(attempts__lt=settings.REPORT_MAX_ATTEMPTS).values_list("pk", flat=True)[:200]
    )
    for report_id in lost:
        _enqueue(report_id)
    return lost
