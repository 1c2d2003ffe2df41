"""The organisation of an e-mail address (SCORING.md §4), at its cheapest level: pure Python."""

from __future__ import annotations

import re

import pytest

from responses.organisations import (
    NotADomain,
    domain_normalised,
    joins_resolved,
    organisation_key,
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Acme.COM", "acme.com"),
        ("acme.com.", "acme.com"),
        ("  acme.com..  ", "acme.com"),
        ("Bücher.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_a_domain_is_compared_in_one_form(typed: str, kept: str) -> None:
    assert domain_normalised(typed) == kept


@pytest.mark.parametrize("typed", ["", " . ", "bad domain.com", "-acme.com"])
def test_what_cannot_be_a_domain_says_so(typed: str) -> None:
    with pytest.raises(NotADomain):
        domain_normalised(typed)


def test_colleagues_share_an_organisation_and_strangers_on_a_public_mailbox_do_not() -> None:
    assert organisation_key("Jane@Acme.com") == organisation_key("bob@acme.COM.") == "acme.com"
    assert organisation_key("jane@gmail.com") == "jane@gmail.com"
    assert organisation_key("JANE@GMail.com") == organisation_key("jane@gmail.com")
    assert organisation_key("bob@gmail.com") != organisation_key("jane@gmail.com")
    # The settings may add a public mailbox domain.
    assert organisation_key("a@corp-mail.example", public_domains={"corp-mail.example"}) == (
        "a@corp-mail.example"
    )


def test_joined_domains_are_one_organisation_and_chains_end_in_one_place() -> None:
    joined = joins_resolved({"acme.co.uk": "acme.com", "ACME.de": "acme.co.uk"})

    assert joined == {"acme.co.uk": "acme.com", "acme.de": "acme.com"}
    keys = {organisation_key(f"x@{domain}", joined=joined) for domain in joined}
    assert keys == {"acme.com"} == {organisation_key("y@acme.com", joined=joined)}


def test_a_domain_joined_to_itself_or_a_loop_of_joins_is_refused_by_name() -> None:
    with pytest.raises(NotADomain, match=re.escape("acme.com cannot be joined to itself")):
        joins_resolved({"Acme.com": "acme.com."})
    with pytest.raises(NotADomain, match=re.escape("loop: a.com → b.com → c.com → a.com")):
        joins_resolved({"a.com": "b.com", "b.com": "c.com", "c.com": "a.com"})


def test_an_address_without_a_name_or_domain_is_refused() -> None:
    for typed in ("acme.com", "@acme.com", "jane@"):
        with pytest.raises(NotADomain):
            organisation_key(typed)


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("x@gmail.com。", "x@gmail.com"),  # an ideographic full stop at the end
        ("Ann@Acme.com．", "acme.com"),
        ("x@mail.gmail.com", "x@mail.gmail.com"),  # a public mailbox's subdomain
        ("x@hotmail.co.uk", "x@hotmail.co.uk"),
        ("root@localhost", "root@localhost"),  # no organisation named
        ("ann@eu.acme.com", "eu.acme.com"),  # a company's subdomain is its own unless joined
    ],
)
def test_public_mailboxes_their_subdomains_and_nameless_domains_are_organisations_of_one(
    email: str, expected: str
) -> None:
    assert organisation_key(email) == expected
