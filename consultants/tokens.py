"""API tokens in the workspace: a consultant issues one (its secret shown once) and revokes it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from consultants.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What the token is for"),
        max_length=100,
        widget=forms.TextInput(
            # Translators: an example of what a token is for, in the empty box.
            attrs={"class": "form-control", "placeholder": gettext_lazy("CRM import")}
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _, secret = ApiToken.issue(user=user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "workspace/tokens.html",
        {"tokens": ApiToken.objects.filter(user=user), "form": form, "secret": secret},
        status=201 if secret else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk).revoke()
    return redirect("workspace:tokens")


urlpatterns = [
    path("", tokens, name="tokens"),
    path("<int:pk>/revoke/", token_revoke, name="token-revoke"),
]
