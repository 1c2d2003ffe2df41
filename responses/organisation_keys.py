"""Each response's organisation as stored (`Response.mail_domain`, `Response.organisation_key`),
kept in line with the rule as configured: the public mailbox domains of the settings and the
admins' joins (`OrganisationJoin`). The rule itself is `responses.organisations`; this module
only reads its configuration and writes its results."""

from __future__ import annotations

import functools
import logging
from collections import defaultdict

from django.conf import settings
from django.db.models import F, QuerySet

from responses.models import OrganisationJoin, Response
from responses.organisations import (
    NotADomain,
    OrganisationRules,
    domain_normalised,
    joins_resolved,
)

logger = logging.getLogger(__name__)

REKEY_BATCH = 2000


def organisation_rules() -> OrganisationRules:
    """The rule as it stands now (one small query for the joins). Admin refuses a loop of
    joins; should one be stored anyway, the joins are set aside (and logged) rather than fail
    every completion."""
    joins = dict(OrganisationJoin.objects.values_list("domain", "joined_into"))
    public = _public_domains_normalised(tuple(settings.PUBLIC_MAILBOX_DOMAINS))
    try:
        return OrganisationRules(public, joins_resolved(joins))
    except NotADomain:
        logger.exception("Organisation joins set aside until an admin mends them")
        return OrganisationRules(public, {})


@functools.lru_cache(maxsize=4)
def _public_domains_normalised(domains: tuple[str, ...]) -> frozenset[str]:
    """The setting's domains in their compared form, once per process: this is read on every
    completion and comparison, and IDNA for some sixty names cost most of a millisecond."""
    return frozenset(domain_normalised(name) for name in domains)


def organisation_fields(email: str, rules: OrganisationRules | None = None) -> dict[str, str]:
    """The stored organisation fields of an address, for an update() or a create()."""
    mail_domain, key = (rules or organisation_rules()).stored_form(email)
    return {"mail_domain": mail_domain, "organisation_key": key}


def organisation_keys_refresh(rules: OrganisationRules) -> int:
    """Bring every response's organisation key in line with `rules`, touching only the rows
    that are out of line: a few UPDATE statements, plus a pass in Python over public-mailbox
    rows (whose key is their own address) and rows never keyed. Returns rows changed."""
    changed = _never_keyed_fill(rules)
    keyed = Response.objects.exclude(mail_domain="")
    # Domains whose addresses are each an organisation of one (public mailboxes, their
    # subdomains, "localhost"): decided in Python over the distinct domains stored.
    public = sorted(
        domain
        for domain in keyed.values_list("mail_domain", flat=True).distinct().order_by()
        if rules.is_personal(domain)
    )
    joined = sorted(rules.joined)
    changed += (
        keyed.exclude(mail_domain__in=public)
        .exclude(mail_domain__in=joined)
        .exclude(organisation_key=F("mail_domain"))
        .update(organisation_key=F("mail_domain"))
    )
    sources_by_target: dict[str, list[str]] = defaultdict(list)
    for source, target in rules.joined.items():
        if not rules.is_personal(source):
            sources_by_target[target].append(source)
    for target, sources in sorted(sources_by_target.items()):
        changed += (
            keyed.filter(mail_domain__in=sources)
            .exclude(organisation_key=target)
            .update(organisation_key=target)
        )
    mailbox_rows = keyed.filter(mail_domain__in=public).exclude(organisation_key__contains="@")
    changed += _rekey(mailbox_rows, rules)
    return changed


def _never_keyed_fill(rules: OrganisationRules) -> int:
    """Responses stored with an address but no organisation (written before organisations, or
    by a path that did not set them)."""
    return _rekey(Response.objects.filter(mail_domain="").exclude(email=""), rules)


def _rekey(responses: QuerySet[Response], rules: OrganisationRules) -> int:
    changed = 0
    batch: list[Response] = []
    for response in responses.only("pk", "email").iterator(REKEY_BATCH):
        response.mail_domain, response.organisation_key = rules.stored_form(response.email)
        batch.append(response)
        if len(batch) >= REKEY_BATCH:
            changed += Response.objects.bulk_update(batch, ["mail_domain", "organisation_key"])
            batch = []
    if batch:
        changed += Response.objects.bulk_update(batch, ["mail_domain", "organisation_key"])
    return changed
