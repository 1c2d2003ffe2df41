"""Who may read what: the one home of the access rules every page, download and API call uses.

- A campaign is its owner's; an administrator (superuser) sees every campaign; nobody else.
- A completed response may be read by an administrator, by the owner of the campaign it was
  taken through, and by the API user who submitted it. Its respondent reads it through their
  own private link (the response's token), which is not a rule about accounts.

Something not readable is simply not found, so a page or the API answers 404 for it exactly as
for something that does not exist.

`responses_visible_to` is the rule as the ORM runs it. The API's hottest read asks it inside one
hand-written query, so `response_visible_sql` writes the same rule as SQL; a test walks every
(user, response) pair through both and finds them equal.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from responses.models import Campaign, Response

Account = AbstractBaseUser | AnonymousUser


def _is_administrator(user: Account) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))


def campaigns_visible_to(user: Account) -> QuerySet[Campaign]:
    """A consultant's own campaigns; every campaign for an administrator; none otherwise."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    if _is_administrator(user):
        return Campaign.objects.all()
    return Campaign.objects.filter(owner_id=user.pk)


def responses_visible_to(user: Account) -> QuerySet[Response]:
    """Completed responses the user may read (see the module's rule)."""
    completed = Response.objects.filter(status=Response.Status.COMPLETED)
    if not user.is_authenticated:
        return completed.none()
    if _is_administrator(user):
        return completed
    return completed.filter(Q(campaign__owner_id=user.pk) | Q(submitted_by_id=user.pk))


def response_visible_sql(*, response: str, user: str) -> str:
    """The same rule as a SQL condition on a response row aliased `response` and a user row
    aliased `user` (an active account, as found by its API token). No parameters."""
    campaigns = Campaign._meta.db_table
    return (
        f"{response}.status = '{Response.Status.COMPLETED.value}' AND ("
        f"{user}.is_superuser OR {response}.submitted_by_id = {user}.id "
        f'OR {response}.campaign_id IN (SELECT c.id FROM "{campaigns}" c '
        f"WHERE c.owner_id = {user}.id))"
    )
