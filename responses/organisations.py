"""Which organisation an e-mail address belongs to (SCORING.md §4): the rule, on its own.

An organisation is the address's domain, in any case; a public mailbox domain (gmail.com, …)
says nothing about an employer, so there the whole address is an organisation of one. An admin
may join domains into one organisation (acme.co.uk into acme.com). Domains are compared in one
form: without trailing dots, lower case, internationalised names as IDNA A-labels (bücher.de
and xn--bcher-kva.de are one domain).

Pure Python, so the pool's rule and its tests (against pandas on random crowds) share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Self

import idna

# SCORING.md §4 names the first eighteen at least; the rest are other large providers (their
# country domains too). The setting PUBLIC_MAILBOX_DOMAINS_EXTRA may add more. A subdomain of
# one (mail.gmail.com) is one too.
PUBLIC_MAILBOX_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "126.com",
        "aim.com",
        "fastmail.com",
        "free.fr",
        "gmx.at",
        "gmx.ch",
        "gmx.com",
        "hey.com",
        "hotmail.co.uk",
        "hotmail.de",
        "hotmail.es",
        "hotmail.fr",
        "hotmail.it",
        "laposte.net",
        "libero.it",
        "live.co.uk",
        "live.de",
        "live.fr",
        "mail.com",
        "msn.com",
        "naver.com",
        "orange.fr",
        "outlook.de",
        "outlook.es",
        "outlook.fr",
        "pm.me",
        "rocketmail.com",
        "t-online.de",
        "tutanota.com",
        "yahoo.co.uk",
        "yahoo.de",
        "yahoo.es",
        "yahoo.fr",
        "yahoo.it",
        "yandex.com",
        "ymail.com",
        "zoho.com",
    }
)


class NotADomain(ValueError):
    """The text cannot be a mail domain; the message says why, for the person who typed it."""


def domain_normalised(domain: str) -> str:
    """The one form a domain is compared in: "Acme.COM." → "acme.com", "Bücher.de" →
    "xn--bcher-kva.de"."""
    text = domain.strip().rstrip(".").lower()
    if not text:
        raise NotADomain("An e-mail address needs a domain after the @.")
    try:
        # Stripped again after the mapping: IDNA turns an ideographic full stop (。) into "."
        return idna.encode(text, uts46=True).decode("ascii").rstrip(".")
    except idna.IDNAError as error:
        raise NotADomain(f"“{domain.strip()}” is not a valid mail domain.") from error


def email_domain(email: str) -> str:
    local, at, domain = email.strip().rpartition("@")
    if not at or not local:
        raise NotADomain("An e-mail address needs a name, an @ and a domain.")
    return domain_normalised(domain)


def organisation_key(
    email: str,
    *,
    public_domains: Iterable[str] = PUBLIC_MAILBOX_DOMAINS,
    joined: Mapping[str, str] | None = None,
) -> str:
    """The organisation an address belongs to: its domain (after joins), or for a public mailbox
    the whole address, so that two people with gmail.com addresses are never colleagues.
    `joined`: domain → the domain it is joined into (already followed to the end, as
    `joins_resolved` gives it)."""
    public = frozenset(domain_normalised(name) for name in public_domains)
    return OrganisationRules(public, joined or {}).key(email)


@dataclass(frozen=True, slots=True)
class OrganisationRules:
    """The rule as configured: the public mailbox domains and the admins' joins (resolved), both
    in compared form. `as_json` is what the pool remembers to know when it must be rebuilt."""

    public_domains: frozenset[str]
    joined: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, public_domains: Iterable[str], joins: Mapping[str, str]) -> Self:
        return cls(
            frozenset(domain_normalised(name) for name in public_domains), joins_resolved(joins)
        )

    def key(self, email: str) -> str:
        """The organisation of an address; raises NotADomain for one that has no valid domain."""
        return self._key_in(email, email_domain(email))

    def stored_form(self, email: str) -> tuple[str, str]:
        """(mail domain, organisation key) as a response keeps them; ("", "") without an
        address. An address the survey took but IDNA refuses keeps its domain as typed (lower
        case), so its respondent is still an organisation rather than silently nobody."""
        if not email.strip():
            return "", ""
        try:
            domain = email_domain(email)
        except NotADomain:
            domain = email.strip().rpartition("@")[2].rstrip(".").lower()
            if not domain:
                return "", ""
        return domain, self._key_in(email, domain)

    def is_personal(self, domain: str) -> bool:
        """Whether an address at `domain` is an organisation of its own: a public mailbox
        domain or a subdomain of one, or a domain that names no organisation (no dot:
        "localhost"; an address literal: "[192.0.2.1]")."""
        if "." not in domain or domain.startswith("["):
            return True
        labels = domain.split(".")
        return any(".".join(labels[i:]) in self.public_domains for i in range(len(labels) - 1))

    def _key_in(self, email: str, domain: str) -> str:
        if self.is_personal(domain):
            return f"{email.strip().rpartition('@')[0].lower()}@{domain}"
        return self.joined.get(domain, domain)

    def as_json(self) -> dict[str, object]:
        return {"public": sorted(self.public_domains), "joined": dict(sorted(self.joined.items()))}


def joins_resolved(joins: Mapping[str, str]) -> dict[str, str]:
    """Each joined domain → the organisation it ends in, following chains (a → b → c gives
    a → c and b → c). Raises NotADomain for a domain joined to itself or a loop of joins,
    naming the domains, so the admin can see what to undo."""
    edges = {domain_normalised(source): domain_normalised(into) for source, into in joins.items()}
    for source, into in edges.items():
        if source == into:
            raise NotADomain(f"{source} cannot be joined to itself.")
    resolved: dict[str, str] = {}
    for start in edges:
        seen = [start]
        current = edges[start]
        while current in edges:
            if current in seen:
                loop = " → ".join([*seen[seen.index(current) :], current])
                raise NotADomain(f"These joins go round in a loop: {loop}.")
            seen.append(current)
            current = edges[current]
        resolved[start] = current
    return resolved
