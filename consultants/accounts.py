"""Consultants' accounts: sign in with an e-mail address, sign out, reset a forgotten password.

Consultants are ordinary (non-staff) users whose username is their e-mail address, so Django
admin, which needs staff status, never lets them in; administrators are staff.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q
from django.http import HttpRequest
from django.urls import path, reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self) -> dict[str, object]:
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = self.cleaned_data["username"].strip().lower()
        return super().clean()


class EmailBackend(ModelBackend):
    """Sign-in by e-mail address or username, in any letter case: an account made in Django
    admin as "Jane@Acme.com" signs in as jane@acme.com. An address two accounts share opens
    neither."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        found = list(
            User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username))[:2]
        )
        if len(found) != 1:
            User().set_password(password)  # the same time as a real check: no account probing
            return None
        user = found[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def consultant_create(*, email: str, first_name: str = "", last_name: str = "") -> User:
    """A consultant account whose password nobody knows: they choose one through a link."""
    address = email.strip().lower()
    return User.objects.create_user(
        username=address,
        email=address,
        password=secrets.token_urlsafe(32),
        first_name=first_name,
        last_name=last_name,
    )


def password_link(*, user: User, base_url: str) -> str:
    """A one-time link to choose a password (Django's reset token: it dies once used)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])


for form_class in (EmailAuthenticationForm, PasswordResetForm, SetPasswordForm):
    for field in form_class.base_fields.values():
        field.widget.attrs.setdefault("class", "form-control")

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
