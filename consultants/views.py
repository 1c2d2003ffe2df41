"""The consultants' workspace: their campaigns, the responses taken through each, downloads.

Every lookup goes through `responses.access` (`campaigns_visible_to`, `responses_visible_to`),
so another consultant's campaign, response, report or ZIP answers 404, exactly like one that does
not exist.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, OrderBy, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultants.campaigns import (
    CampaignChangeRefused,
    banks_for_campaigns,
    campaign_archive,
    campaign_close,
    campaign_create,
    campaign_csv,
    campaign_delete,
    campaign_reopen,
    campaign_responses,
    campaign_summary,
    campaign_unarchive,
    campaign_update,
    campaign_xlsx,
)
from consultants.invitations import invitation_counts, invitations_add
from reports.archives import archive_reports, archive_request
from reports.downloads import attachment, report_pdf_download
from reports.models import CampaignArchive, Report
from responses.access import campaigns_visible_to, responses_visible_to
from responses.bank_texts import bank_spec_shown
from responses.languages import (
    DEFAULT_LANGUAGE,
    language_active,
    language_choices,
    language_known,
)
from responses.models import Campaign, QuestionBank
from teams.selectors import campaign_organisations

Ready = TypeVar("Ready", Report, CampaignArchive)

# Newest or best first; responses without the value (in progress) last on every database.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "completed": (F("completed_at").desc(nulls_last=True), "-created_at"),
    "score": (F("score__overall").desc(nulls_last=True), "-created_at"),
    "started": ("-created_at",),
}


class CampaignForm(forms.Form):
    client_name = forms.CharField(label=gettext_lazy("Client name"), max_length=200)
    note = forms.CharField(
        label=gettext_lazy("Note (only you see it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    bank = forms.ModelChoiceField(
        label=gettext_lazy("Question bank version"),
        queryset=QuestionBank.objects.none(),
        empty_label=None,
    )
    # The languages by their own names ("Deutsch"), as settings.LANGUAGES writes them.
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=language_choices,
        required=False,
        help_text=gettext_lazy(
            "Invitations are written in it, and its survey opens in it; each respondent may "
            "still choose another."
        ),
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closing date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The link takes no new answers after this day."),
    )

    reminder_days = forms.IntegerField(
        # Translators: the number of days is typed in the field below this label.
        label=gettext_lazy("Remind invited people who have not finished every … days"),
        min_value=0,
        max_value=60,
        initial=0,
        required=False,
        help_text=gettext_lazy("0 or empty: no reminders."),
    )
    reminder_limit = forms.IntegerField(
        # Translators: the number of reminders is typed in the field below this label.
        label=gettext_lazy("At most … reminders to each"),
        min_value=0,
        max_value=10,
        initial=2,
        required=False,
        help_text=gettext_lazy("Empty: 2."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        banks = banks_for_campaigns()
        field = self.fields["bank"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = banks
        published = banks.filter(status=QuestionBank.Status.PUBLISHED).first()
        if published is not None:
            field.initial = published.pk
        # A new campaign speaks the consultant's language unless they pick another.
        self.fields["language"].initial = language_active()
        for name, bound in self.fields.items():
            css = "form-select" if name in {"bank", "language"} else "form-control"
            bound.widget.attrs.setdefault("class", css)

    def clean_language(self) -> str:
        """A form sent without it (an older page, a script) keeps English."""
        return language_known(self.cleaned_data.get("language") or DEFAULT_LANGUAGE)

    def clean_reminder_days(self) -> int:
        return self.cleaned_data.get("reminder_days") or 0

    def clean_reminder_limit(self) -> int:
        limit = self.cleaned_data.get("reminder_limit")
        return 2 if limit is None else limit

    def clean_closes_on(self) -> date | None:
        closes_on: date | None = self.cleaned_data.get("closes_on")
        if closes_on is not None and closes_on < timezone.localdate():
            raise forms.ValidationError(_("The closing date is in the past; pick today or later."))
        return closes_on


class CampaignEditForm(CampaignForm):
    """The same fields; a closing date already past may stay as it is (nothing reopens)."""

    def __init__(self, *args: object, campaign: Campaign, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.stored_closes_on = campaign.closes_on
        self.stored_language = campaign.language

    def clean_language(self) -> str:
        """A form sent without it keeps the campaign's language as it is."""
        return language_known(self.cleaned_data.get("language") or self.stored_language)

    def clean_closes_on(self) -> date | None:
        closes_on: date | None = self.cleaned_data.get("closes_on")
        if closes_on is not None and closes_on == self.stored_closes_on:
            return closes_on
        return super().clean_closes_on()


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    visible = campaigns_visible_to(request.user).select_related("bank")
    archived = request.GET.get("show") == "archived"
    campaigns = visible.filter(archived_at__isnull=not archived)
    return render(
        request,
        "workspace/campaigns.html",
        {
            "campaigns": campaigns,
            "showing_archived": archived,
            "archived_count": 0 if archived else visible.filter(archived_at__isnull=False).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _campaign_or_404(request, token)
    initial = {
        "client_name": campaign.client_name,
        "note": campaign.note,
        "bank": campaign.bank_id,
        "closes_on": campaign.closes_on,
        "language": campaign.language,
        "reminder_days": campaign.reminder_days,
        "reminder_limit": campaign.reminder_limit,
    }
    form = CampaignEditForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update(campaign=campaign, **form.cleaned_data)
        except CampaignChangeRefused as refused:
            form.add_error("bank", str(refused))
        else:
            messages.success(request, _("The campaign's details are saved."))
            return redirect("workspace:campaign", token=campaign.token)
    return render(request, "workspace/campaign_edit.html", {"form": form, "campaign": campaign})


INVITE_LEFTOVER = "invite_leftover"  # the pasted addresses not invited, for the form again


@login_required
@require_POST
def invitations_new(request: HttpRequest, token: str) -> HttpResponse:
    """Invite the pasted addresses; each one not invited is named, and put back in the box."""
    campaign = _campaign_or_404(request, token)
    if not campaign.is_open():
        messages.error(request, _("The campaign is closed: reopen it to invite anyone."))
        request.session[INVITE_LEFTOVER] = request.POST.get("addresses", "")[:20_000]
        return redirect("workspace:campaign", token=campaign.token)
    outcome = invitations_add(campaign=campaign, pasted=request.POST.get("addresses", ""))
    if outcome.invited:
        count = len(outcome.invited)
        messages.success(
            request,
            ngettext(
                "Invited %(count)d address: the e-mails are on their way.",
                "Invited %(count)d addresses: the e-mails are on their way.",
                count,
            )
            % {"count": count},
        )
    named = [
        # Translators: %(addresses)s: the addresses, separated by commas.
        (_("Not e-mail addresses: %(addresses)s."), outcome.malformed),
        (_("In the list twice (invited once): %(addresses)s."), outcome.repeated),
        (_("Invited already: %(addresses)s."), outcome.already),
        (_("Asked you for no more e-mails, so not invited: %(addresses)s."), outcome.opted_out),
    ]
    for said, addresses in named:
        if addresses:
            messages.warning(request, said % {"addresses": ", ".join(addresses)})
    if not any(addresses for _said, addresses in named) and not outcome.invited:
        messages.error(request, _("Paste one or more e-mail addresses to invite."))
    request.session[INVITE_LEFTOVER] = "\n".join(outcome.malformed)
    return redirect(f"{reverse('workspace:campaign', args=[campaign.token])}#invitations")


@login_required
@require_POST
def campaign_state(request: HttpRequest, token: str) -> HttpResponse:
    """Close now, reopen, archive or take out of the archive (the buttons on its page)."""
    campaign = _campaign_or_404(request, token)
    change = request.POST.get("change", "")
    if change == "close":
        campaign_close(campaign=campaign)
        messages.success(request, _("Closed: the link takes no new answers. Answers given stay."))
    elif change == "reopen":
        messages.success(request, campaign_reopen(campaign=campaign))
    elif change == "archive":
        campaign_archive(campaign=campaign)
        messages.success(
            request,
            _(
                "Archived: the link is closed and the campaign is listed under Archived, with all "
                "its responses."
            ),
        )
    elif change == "unarchive":
        campaign_unarchive(campaign=campaign)
        messages.success(
            request, _("Back among your campaigns; the link stays closed until reopened.")
        )
    else:
        messages.error(request, _("That change is not one a campaign knows; nothing changed."))
    return redirect("workspace:campaign", token=campaign.token)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_delete_view(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _campaign_or_404(request, token)
    has_responses = campaign.responses.exists()
    if request.method == "POST":
        try:
            campaign_delete(campaign=campaign)
        except CampaignChangeRefused as refused:
            messages.error(request, str(refused))
            return redirect("workspace:campaign", token=campaign.token)
        messages.success(
            request, _("Deleted the campaign for %(client)s.") % {"client": campaign.client_name}
        )
        return redirect("workspace:campaigns")
    return render(
        request,
        "workspace/campaign_delete.html",
        {"campaign": campaign, "has_responses": has_responses},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_create(owner=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        return redirect("workspace:campaign", token=campaign.token)
    return render(request, "workspace/campaign_new.html", {"form": form})


@login_required
@require_GET
def campaign_detail(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _campaign_or_404(request, token)
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "completed")
    responses = campaign_responses(campaign=campaign).order_by(*SORTS.get(sort, SORTS["completed"]))
    if status in {"in_progress", "completed"}:
        responses = responses.filter(status=status)
    link = request.build_absolute_uri(reverse("survey:campaign", args=[campaign.token]))
    return render(
        request,
        "workspace/campaign_detail.html",
        {
            "campaign": campaign,
            "responses": responses,
            "link": link,
            "status": status,
            "sort": sort,
            "is_open": campaign.is_open(),
            "bucket_name": bank_spec_shown(bank=campaign.bank).bucket_name,
            "summary": campaign_summary(campaign=campaign),
            "archive": (archive := campaign.archives.first()),
            "archive_text": archive_progress_text(archive),
            "organisations": campaign_organisations(campaign=campaign),
            "invitations": campaign.invitations.select_related("response"),
            "invitation_counts": invitation_counts(campaign=campaign),
            "invite_leftover": request.session.pop(INVITE_LEFTOVER, ""),
        },
    )


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", campaign_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", campaign_xlsx),
}


@login_required
@require_GET
def campaign_export(request: HttpRequest, token: str, extension: str) -> HttpResponse:
    campaign = _campaign_or_404(request, token)
    if extension not in EXPORTS:
        raise Http404("No such export.")
    content_type, export = EXPORTS[extension]
    reply = HttpResponse(export(campaign=campaign), content_type=content_type)
    filename = f"cspi-campaign-{campaign.created_at:%Y%m%d}-{campaign.pk}.{extension}"
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply


@login_required
@require_GET
def report_download(request: HttpRequest, report_token: str) -> FileResponse:
    readable = Report.objects.filter(response__in=responses_visible_to(request.user))
    return report_pdf_download(_ready_or_404(readable, report_token))


def _ready_or_404(files: QuerySet[Ready], token: str) -> Ready:
    """A ready report or ZIP among those the user may see: any other answers 404, exactly like
    one that does not exist."""
    found = files.filter(token=token).first()
    if found is None or not found.is_downloadable:
        raise Http404("No such file.")
    return found


def _campaign_or_404(request: HttpRequest, token: str) -> Campaign:
    return get_object_or_404(campaigns_visible_to(request.user).select_related("bank"), token=token)


@login_required
@require_POST
def archive_new(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _campaign_or_404(request, token)
    page = reverse("workspace:campaign", args=[token])
    if not archive_reports(campaign=campaign):
        messages.info(request, _("No PDF of this campaign is ready yet: there is nothing to zip."))
        return redirect(page)  # the top of the page, where the message is
    archive_request(campaign=campaign)
    return redirect(page + "#archive")


@login_required
@require_GET
@never_cache
def archive_status(request: HttpRequest, token: str) -> JsonResponse:
    archive = _campaign_or_404(request, token).archives.first()
    if archive is None:
        return JsonResponse({"status": "none"})
    return JsonResponse(
        {
            "status": archive.status,
            "text": archive_progress_text(archive),
            "done": archive.done,
            "total": archive.total,
            "download_url": reverse("workspace:archive", args=[archive.token])
            if archive.status == CampaignArchive.Status.READY
            else None,
        }
    )


@login_required
@require_GET
def archive_download(request: HttpRequest, archive_token: str) -> FileResponse:
    visible = CampaignArchive.objects.filter(campaign__in=campaigns_visible_to(request.user))
    archive = _ready_or_404(visible.select_related("campaign"), archive_token)
    return attachment(
        archive.file,
        filename=f"cspi-reports-{slugify(archive.campaign.client_name) or 'campaign'}.zip",
        content_type="application/zip",
    )


def archive_progress_text(archive: CampaignArchive | None) -> str:
    if archive is None:
        return ""
    if archive.status == CampaignArchive.Status.READY:
        return ngettext(
            "The ZIP of %(count)d PDF is ready.",
            "The ZIP of %(count)d PDFs is ready.",
            archive.total,
        ) % {"count": archive.total}
    if archive.status == CampaignArchive.Status.FAILED:
        return _("The ZIP could not be built. Try again; our team has been told.")
    if archive.status == CampaignArchive.Status.BUILDING and archive.total:
        return _("Adding PDFs: %(done)s of %(total)s.") % {
            "done": archive.done,
            "total": archive.total,
        }
    return _("The ZIP is queued.")
