"""The consultant's profile and branding page: their name and firm, a logo and an accent colour,
shown to the respondents of their campaigns (survey pages, PDF cover). The checks are
`responses.branding`'s; a refused value keeps everything else typed and saves nothing."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from responses.branding import BrandingRefused, accent_checked, logo_checked
from responses.models import ConsultantBrand, new_brand_token

logger = logging.getLogger(__name__)


class BrandForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Your name, as respondents see it"), max_length=120, required=False
    )
    firm_name = forms.CharField(label=gettext_lazy("Firm"), max_length=120, required=False)
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy(
            "A PNG, JPEG or SVG of at most 256 KiB, shown on your campaigns' pages and on the "
            "cover of their PDFs."
        ),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the current logo"), required=False)
    accent = forms.CharField(
        label=gettext_lazy("Accent colour"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "#1F6FEB", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "As #RRGGBB, for the buttons on your campaigns' pages and the PDF cover; white text "
            "must be readable on it. Empty: ours."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "remove_logo":
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = "form-control"

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        try:
            return logo_checked(upload.read(MAX_READ))
        except BrandingRefused as refused:
            raise forms.ValidationError(
                # Translators: %(problem)s is what is wrong with the file, a whole sentence.
                _("%(problem)s Choose the file again once it is fixed.") % {"problem": refused}
            ) from refused

    def clean_accent(self) -> str:
        try:
            return accent_checked(self.cleaned_data.get("accent", ""))
        except BrandingRefused as refused:
            raise forms.ValidationError(str(refused)) from refused


MAX_READ = 2 * 1024 * 1024  # more than any logo allowed: a bigger file is refused by its size


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    brand = ConsultantBrand.objects.filter(owner=user).first()
    initial = {
        "display_name": brand.display_name if brand else user.get_full_name(),
        "firm_name": brand.firm_name if brand else "",
        "accent": brand.accent if brand else "",
    }
    form = BrandForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        brand_save(owner=user, **form.cleaned_data)
        messages.success(request, _("Your profile and branding are saved."))
        return redirect("workspace:profile")
    return render(request, "workspace/profile.html", {"form": form, "brand": brand})


def brand_save(
    *,
    owner: Any,
    display_name: str,
    firm_name: str,
    logo: Any,
    remove_logo: bool,
    accent: str,
) -> ConsultantBrand:
    """Keep the checked values; a new logo (or its removal) replaces the stored file."""
    with transaction.atomic():
        brand, _ = ConsultantBrand.objects.select_for_update().get_or_create(owner=owner)
        old_logo = brand.logo.name if brand.logo else ""
        brand.display_name, brand.firm_name, brand.accent = display_name, firm_name, accent
        if logo is not None:
            brand.token = new_brand_token()
            name = default_storage.save(
                f"branding/{brand.token}.{logo.extension}", ContentFile(logo.data)
            )
            brand.logo, brand.logo_type = name, logo.content_type
        elif remove_logo:
            brand.logo, brand.logo_type = "", ""
            brand.token = new_brand_token()
        brand.save()
    if old_logo and old_logo != (brand.logo.name if brand.logo else ""):
        try:
            default_storage.delete(old_logo)
        except Exception as error:  # a stale logo file is harmless; it is logged
            logger.warning("Could not remove a replaced logo %s: %s", old_logo, error)
    return brand
