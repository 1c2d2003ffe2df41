"""Consultants' accounts: sign in with an e-mail address, sign out, reset a forgotten password.

Consultants are ordinary (non-staff) users whose username is their e-mail address, so Django
admin, which needs staff status, never lets them in; administrators are staff.

Guessing is limited. django-axes counts wrong passwords per account name and client address,
here and in Django admin, and pauses that pair's sign-in after AXES_FAILURE_LIMIT of them for
AXES_COOLOFF_TIME (`sign_in_locked_out` answers meanwhile). Password links go out at most
PASSWORD_RESET_LIMIT_PER_ADDRESS times to one address and PASSWORD_RESET_LIMIT_PER_CLIENT times
for one client address (`PasswordResetLimitedView`).
"""

from __future__ import annotations

import logging
import math
import secrets
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy

from responses.page_limits import limit_wait

logger = logging.getLogger(__name__)


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=gettext_lazy("E-mail address"),
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


def sign_in_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name the lockout counts a sign-in under (AXES_USERNAME_CALLABLE): as typed, in lower
    case, since the backend takes any case ("Jane@" and "jane@" are one account's guesses)."""
    typed = request.POST.get("username") or (credentials or {}).get("username") or ""
    return str(typed).strip().lower()


def sign_in_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The answer to a sign-in while its account name and client address are paused
    (AXES_LOCKOUT_CALLABLE), on our pages and in Django admin alike: 429 with Retry-After, and
    the form again with everything but the password as it was sent."""
    wait = _lockout_seconds_left(request, credentials)
    in_admin = request.path.startswith(reverse("admin:index"))
    context = {
        "username": request.POST.get("username", ""),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "action": request.get_full_path(),
        "minutes": math.ceil(wait / 60) if wait else None,
        "in_admin": in_admin,
    }
    reply = render(request, "registration/locked_out.html", context, status=429)
    if wait:
        reply["Retry-After"] = str(wait)
    return reply


def _lockout_seconds_left(request: HttpRequest, credentials: dict[str, Any] | None) -> int | None:
    """Seconds until the pause ends: the cool-off counts from the failure that started it."""
    cool_off = get_cool_off(request)
    handler = AxesProxyHandler.get_implementation()
    if cool_off is None or not isinstance(handler, AxesDatabaseHandler):
        return None
    found = handler.filter_user_attempts(request, credentials)
    times = [attempts.aggregate(last=Max("attempt_time"))["last"] for attempts in found]
    latest = max((time for time in times if time is not None), default=None)
    if latest is None:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((latest + cool_off - timezone.now()).total_seconds()))


class PasswordResetLimitedView(auth_views.PasswordResetView):
    """Django's reset form, sending at most so many links to one address and for one client.

    Over either limit the page answers exactly as if the link had gone out, and sends nothing.
    Counts are kept whether or not an account uses the address, so nothing here tells accounts
    apart; a different answer over the per-address limit would still tell whoever asks for an
    address that others asked for it lately, that is, that it is probably in use.
    """

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address = form.cleaned_data["email"].strip().lower()
        over_address = limit_wait(
            self.request,
            group="password-reset-address",
            rate_setting="PASSWORD_RESET_LIMIT_PER_ADDRESS",
            key=lambda group, request: address,
        )
        over_client = limit_wait(
            self.request,
            group="password-reset-client",
            rate_setting="PASSWORD_RESET_LIMIT_PER_CLIENT",
        )
        if over_address is None and over_client is None:
            return super().form_valid(form)
        limit = "per address" if over_address is not None else "per client address"
        logger.warning("A password link was not sent: over the limit %s", limit)
        return HttpResponseRedirect(self.get_success_url())


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
        PasswordResetLimitedView.as_view(
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
