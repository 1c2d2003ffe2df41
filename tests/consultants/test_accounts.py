"""Consultants' accounts: e-mail sign-in, a one-time password link, no way into admin."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client


def created_consultant(email: str = "Consultant@Example.com") -> tuple[User, str]:
    out = StringIO()
    call_command("create_consultant", email, stdout=out)
    link = re.search(r"https?://\S+", out.getvalue())
    assert link is not None
    return User.objects.get(email=email.lower()), link.group(0)


@pytest.mark.django_db
def test_a_new_consultant_sets_a_password_through_the_link_then_signs_in_by_email():
    _, link = created_consultant()
    client = Client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert "Choose a new password" in form.content.decode()
    # The password rules read as a list, not as tags printed on the page.
    assert "<li>Your password must contain at least 8 characters.</li>" in form.content.decode()
    assert "&lt;li&gt;" not in form.content.decode()
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-pass-phrase-42", "new_password2": "a-long-pass-phrase-42"},
        follow=True,
    )
    assert "Your new password is saved" in saved.content.decode()

    signed_in = Client().post(
        "/accounts/login/",
        {"username": "CONSULTANT@example.com", "password": "a-long-pass-phrase-42"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == "/workspace/"
    assert "Your campaigns" in signed_in.content.decode()
    assert Client().get("/" + path, follow=True).content.decode().count("has already been used")


@pytest.mark.django_db
def test_a_wrong_password_says_so_and_keeps_the_address():
    created_consultant()
    page = (
        Client()
        .post("/accounts/login/", {"username": "consultant@example.com", "password": "nope"})
        .content.decode()
    )
    assert "Please enter a correct" in page and 'value="consultant@example.com"' in page


@pytest.mark.django_db
def test_a_consultant_never_reaches_django_admin():
    user, _ = created_consultant()
    client = Client()
    client.force_login(user)
    reply = client.get("/admin/")
    assert reply.status_code == 302 and "/admin/login/" in reply["Location"]


@pytest.mark.django_db
def test_the_command_refuses_a_bad_or_taken_address():
    with pytest.raises(CommandError, match="not an e-mail"):
        call_command("create_consultant", "not-an-address", stdout=StringIO())
    created_consultant("x@example.com")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_consultant", "X@example.com", stdout=StringIO())


@pytest.mark.django_db
def test_the_workspace_asks_anonymous_visitors_to_sign_in():
    reply = Client().get("/workspace/")
    assert reply.status_code == 302 and reply["Location"].startswith("/accounts/login/?next=")


def signs_in(email: str, password: str) -> bool:
    client = Client()
    reply = client.post("/accounts/login/", {"username": email, "password": password})
    return reply.status_code == 302 and client.get("/workspace/").status_code == 200


@pytest.mark.django_db
def test_an_account_made_in_django_admin_signs_in_by_its_address_in_any_case():
    User.objects.create_user("Jane@Acme.COM", email="Jane@Acme.COM", password="long-pass-123")
    assert signs_in("jane@acme.com", "long-pass-123")
    assert signs_in("JANE@acme.com", "long-pass-123")
    assert not signs_in("jane@acme.com", "wrong-pass-123")


@pytest.mark.django_db
def test_an_address_two_accounts_share_opens_neither():
    User.objects.create_user("one", email="Shared@Example.com", password="long-pass-123")
    User.objects.create_user("two", email="shared@example.com", password="long-pass-123")
    assert not signs_in("shared@example.com", "long-pass-123")


@pytest.mark.django_db
def test_an_administrator_still_signs_in_to_admin_by_username():
    User.objects.create_superuser("root", "root@example.com", "root-pass-123")
    client = Client()
    reply = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": "root-pass-123"}
    )
    assert reply.status_code == 302 and client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_signing_out_ends_the_session():
    user, _ = created_consultant()
    client = Client()
    client.force_login(user)
    assert client.get("/workspace/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/workspace/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_through_the_emailed_link():
    from django.core import mail

    created_consultant("sam@example.com")
    client = Client()
    sent = client.post("/accounts/password-reset/", {"email": "Sam@Example.com"}, follow=True)
    assert sent.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.com"]
    link = re.search(r"https?://\S+", str(mail.outbox[0].body))
    assert link is not None
    form = client.get("/" + link.group(0).split("://", 1)[1].split("/", 1)[1], follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-pass-9", "new_password2": "a-brand-new-pass-9"},
    )
    assert signs_in("sam@example.com", "a-brand-new-pass-9")

    # An address with no account sees the same page, and no e-mail goes out.
    other = Client().post("/accounts/password-reset/", {"email": "nobody@example.com"}, follow=True)
    assert other.content == sent.content.replace(b"Sam@Example.com", b"nobody@example.com")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_public_start_page_links_consultants_to_their_sign_in(bank):
    page = Client().get("/")

    assert '<a class="small" href="/workspace/">Consultants: sign in</a>' in page.content.decode()
    assert (
        Client()
        .get("/workspace/", follow=True)
        .redirect_chain[-1][0]
        .startswith("/accounts/login/")
    )
