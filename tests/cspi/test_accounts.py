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
