import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from scoring.bank import Kind, Scoring


def new_response_token() -> str:
    """192 random bits, URL-safe: the only key to a respondent's answers."""
    return secrets.token_urlsafe(24)


class QuestionBank(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    key = models.SlugField(_("key"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("intro"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        db_table = "survey_questionbank"
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="bank_key_version_unique"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(status="published"), name="one_published_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Pillar(models.Model):
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("bank")
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        db_table = "survey_pillar"
        ordering = ["bank", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "key"], name="pillar_key_unique_in_bank")
        ]

    def __str__(self) -> str:
        return self.name


class Bucket(models.Model):
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="buckets", verbose_name=_("bank")
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    lower_bound = models.DecimalField(
        _("lower bound"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Lowest pillar score in this bucket (inclusive)."),
    )

    class Meta:
        verbose_name = _("bucket")
        verbose_name_plural = _("buckets")
        db_table = "survey_bucket"
        ordering = ["bank", "lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "key"], name="bucket_key_unique_in_bank")
        ]

    def __str__(self) -> str:
        return gettext("%(name)s (from %(bound)s)") % {
            "name": self.name,
            "bound": number_format(self.lower_bound, use_l10n=True),
        }


class Question(models.Model):
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="questions", verbose_name=_("bank")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=[(k.value, k.value) for k in Kind])
    text = models.TextField(_("text"))
    # Translators: a question's help text shown below it (a field label).
    help = models.TextField(_("help"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    section = models.CharField(
        _("section"),
        max_length=80,
        help_text=_("Page heading; consecutive questions with one section share a page."),
    )
    pillar = models.ForeignKey(
        Pillar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("pillar"),
    )
    scoring = models.CharField(
        _("scoring"), max_length=10, blank=True, choices=[(s.value, s.value) for s in Scoring]
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=1)
    min_value = models.DecimalField(
        _("min value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("max value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_length = models.PositiveIntegerField(_("max length"), null=True, blank=True)
    unknown_allowed = models.BooleanField(_("unknown allowed"), default=False)
    role = models.SlugField(_("role"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        db_table = "survey_question"
        ordering = ["bank", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "number"], name="question_number_unique")
        ]

    def __str__(self) -> str:
        # Translators: a question in admin lists: "Q12. How many customers…" (Q for question).
        return gettext("Q%(number)s. %(text)s") % {"number": self.number, "text": self.text[:70]}


class Option(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    code = models.PositiveIntegerField(
        _("code"), help_text=_("Stable id within the bank version; answers store it.")
    )
    text = models.CharField(_("text"), max_length=300)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=3, null=True, blank=True)
    exclusive = models.BooleanField(_("exclusive"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        db_table = "survey_option"
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique")
        ]

    def __str__(self) -> str:
        return self.text


class BankEvent(models.Model):
    """Who created, edited, published or archived a bank version, when, and what changed.

    Written by responses.bank_history with each change (never by a signal); `diff` is the
    change as the admin's compare page shows it (responses.bank_history.diff_json).
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        IMPORTED = "imported", _("Imported")
        EDITED = "edited", _("Edited")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="events", verbose_name=_("bank")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("actor"),
    )
    actor_text = models.CharField(
        _("actor text"),
        max_length=150,
        blank=True,
        help_text=_("Who, as shown: the user's name or “command line”."),
    )
    # Translators: when it happened (a field label: date and time).
    at = models.DateTimeField(_("at"), default=timezone.now)
    summary = models.TextField(_("summary"))
    diff = models.JSONField(_("diff"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank event")
        verbose_name_plural = _("bank events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["bank", "-at"], name="bankevent_bank_at")]

    def __str__(self) -> str:
        return gettext("%(action)s by %(actor)s: %(summary)s") % {
            "action": self.get_action_display(),
            "actor": self.actor_text or gettext("unknown"),
            "summary": self.summary,
        }


class BankTranslation(models.Model):
    """A bank version's texts in one language (scoring.bank_translation says what it holds and
    how it is checked): edited in admin beside the English, or imported as a file. Texts only:
    what is scored never changes with it, so a published bank may still be translated."""

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="translations", verbose_name=_("bank")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("bank translation")
        verbose_name_plural = _("bank translations")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "language"], name="banktranslation_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank} ({self.get_language_display()})"


def new_campaign_token() -> str:
    """192 random bits: the shareable survey link of a campaign."""
    return secrets.token_urlsafe(24)


class Campaign(models.Model):
    """A consultant's round of the assessment for one client: a survey link of its own."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("owner"),
    )
    client_name = models.CharField(_("client name"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("bank")
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_campaign_token, editable=False
    )
    closes_on = models.DateField(
        _("closes on"),
        null=True,
        blank=True,
        help_text=_("After this day the link takes no new answers."),
    )
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        help_text=_("Closed by hand: the link takes no new answers."),
    )
    archived_at = models.DateTimeField(
        _("archived at"),
        null=True,
        blank=True,
        help_text=_("Put away: closed, and listed apart. Never deleted."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days"),
        default=0,
        help_text=_("Remind invited people who have not finished every this many days."),
    )
    reminder_limit = models.PositiveSmallIntegerField(
        _("reminder limit"), default=2, help_text=_("At most this many reminders to each.")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "Invitations are written in it and its start page opens in it; each "
            "respondent may still choose another."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        db_table = "survey_campaign"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client_name} ({self.owner})"

    def is_open(self, today: date | None = None) -> bool:
        """The link takes answers up to and including its closing day, unless the consultant
        closed or archived the campaign."""
        if self.closed_at is not None or self.archived_at is not None:
            return False
        today = today or timezone.localdate()
        return self.closes_on is None or today <= self.closes_on


class Response(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_response_token, editable=False
    )
    # The response's id in the API and the consultants' workspace: unguessable, and not the
    # respondent's own link (`token`), which must stay private to them.
    public_id = models.CharField(
        _("public ID"), max_length=64, unique=True, default=new_response_token, editable=False
    )
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.PROTECT, related_name="responses", verbose_name=_("bank")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("campaign"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_responses",
        help_text=_("The API user who submitted it, if it came through the API."),
        verbose_name=_("submitted by"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
        db_index=True,
    )
    answers = models.JSONField(
        _("answers"),
        default=dict,
        blank=True,
        help_text=_("Answers by question number: option codes, numbers, text; null = unknown."),
    )
    email = models.EmailField(_("email"), blank=True, db_index=True)
    # Which organisation the address belongs to (SCORING.md §4, `responses.organisations`),
    # written when the response completes and again whenever the rule changes (a public mailbox
    # domain added, domains joined): peers, colleagues and teams are told apart by it.
    mail_domain = models.CharField(
        _("mail domain"),
        max_length=255,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("IDNA form."),
    )
    organisation_key = models.CharField(
        _("organisation key"),
        max_length=320,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("The domain (after joins), or the whole address for a public mailbox."),
    )
    revision = models.PositiveIntegerField(
        _("revision"),
        default=0,
        help_text=_("Counts saves; a save applies only on the revision it read."),
    )
    resume_link_sent_to = models.EmailField(_("resume link sent to"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "The language it was answered in; its pages, e-mails and PDF speak it. "
            "Scores never depend on it."
        ),
    )
    # A worker holds the resume-link e-mail until then while it sends it; past it, a worker
    # that died mid-send has let go and the reconciler sends the link again.
    resume_link_claimed_until = models.DateTimeField(
        _("resume link claimed until"), null=True, blank=True
    )
    # The profile answers peer groups are formed by, copied when the response completes.
    region = models.CharField(_("region"), max_length=300, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=300, blank=True, db_index=True)
    arr_band = models.CharField(_("ARR band"), max_length=300, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    consented_at = models.DateTimeField(
        _("consented at"),
        null=True,
        blank=True,
        help_text=_(
            "When the respondent agreed to the privacy notice, starting the survey; empty "
            "for responses submitted through the API or made before the question was asked."
        ),
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        db_index=True,
        help_text=_("Generated by seed_demo; in peer groups only if BENCHMARK_INCLUDE_DEMO is on."),
    )
    excluded_from_benchmarks = models.BooleanField(
        _("excluded from benchmarks"),
        default=False,
        db_index=True,
        help_text=_("An admin took this response out of every peer group."),
    )
    # The assessment this one was taken again from, through that one's private link
    # (responses/history.py): the proof that both belong to the same respondent, since a typed
    # e-mail address proves nothing. Following it gives every assessment of theirs.
    previous_assessment = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="next_assessments",
        verbose_name=_("previous assessment"),
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        db_table = "survey_response"
        ordering = ["-created_at"]
        # Peer pools find a person's responses by e-mail, whatever its case.
        indexes = [models.Index(Lower("email"), name="response_email_lower_idx")]

    def __str__(self) -> str:
        return f"{self.email or gettext('anonymous')} ({self.get_status_display()})"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class OrganisationJoin(models.Model):
    """An admin's statement that one mail domain belongs to another's organisation (acme.co.uk
    into acme.com). Domains are stored in their compared form (`domain_normalised`); a domain
    joined to itself or a loop of joins is refused (`responses.organisations.joins_resolved`)."""

    domain = models.CharField(
        _("domain"), max_length=255, unique=True, help_text=_("For example acme.co.uk.")
    )
    joined_into = models.CharField(
        _("joined into"),
        max_length=255,
        help_text=_("The organisation's main domain, for example acme.com."),
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("Why, for the next admin.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation join")
        verbose_name_plural = _("organisation joins")
        ordering = ["joined_into", "domain"]

    def __str__(self) -> str:
        return f"{self.domain} → {self.joined_into}"


class ResponseScore(models.Model):
    """A completed response's scores and KPIs, as kept (rounded), against one bank version.

    Peer benchmarks read these columns for many responses at once.
    """

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="score", verbose_name=_("response")
    )
    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Scored against."),
        verbose_name=_("bank"),
    )
    overall = models.DecimalField(_("overall"), max_digits=5, decimal_places=2, db_index=True)
    overall_bucket = models.SlugField(_("overall bucket"), max_length=40)
    nrr = models.DecimalField(_("NRR"), max_digits=7, decimal_places=2, null=True, blank=True)
    retention = models.DecimalField(
        _("retention"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    nps = models.DecimalField(_("NPS"), max_digits=7, decimal_places=2, null=True, blank=True)
    customers_per_csm = models.DecimalField(
        _("customers per CSM"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    scored_at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("response score")
        verbose_name_plural = _("response scores")
        db_table = "survey_responsescore"
        ordering = ["-scored_at"]

    def __str__(self) -> str:
        return f"{self.overall} ({self.overall_bucket})"


class PillarScore(models.Model):
    response_score = models.ForeignKey(
        ResponseScore,
        on_delete=models.CASCADE,
        related_name="pillars",
        verbose_name=_("response score"),
    )
    pillar_key = models.SlugField(_("pillar key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    bucket = models.SlugField(_("bucket"), max_length=40)

    class Meta:
        verbose_name = _("pillar score")
        verbose_name_plural = _("pillar scores")
        db_table = "survey_pillarscore"
        ordering = ["response_score", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["response_score", "pillar_key"], name="one_score_per_pillar"
            )
        ]
        indexes = [models.Index(fields=["pillar_key", "score"], name="pillar_score_idx")]

    def __str__(self) -> str:
        return f"{self.pillar_key}: {self.score}"


class Erasure(models.Model):
    """That respondents' data was erased, and why: a record that keeps no personal data (no
    address, name, answer or id a URL could hold), only when, why, who asked and how much."""

    class Reason(models.TextChoices):
        RESPONDENT = "respondent", _("Asked by the respondent")
        ADMIN = "admin", _("Deleted by an admin")
        RETENTION = "retention", _("Older than the retention period")

    # Translators: when it happened (a field label: date and time).
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    actor_text = models.CharField(
        _("actor text"),
        max_length=150,
        blank=True,
        help_text=_("The admin's user name; empty otherwise."),
    )
    responses = models.PositiveIntegerField(_("responses"), help_text=_("Responses erased."))
    files = models.PositiveIntegerField(
        _("files"), default=0, help_text=_("Stored files (PDFs, ZIPs) removed.")
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return ngettext(
            "%(count)s response(s) erased on %(at)s (%(reason)s)",
            "%(count)s response(s) erased on %(at)s (%(reason)s)",
            self.responses,
        ) % {"count": self.responses, "at": f"{self.at:%Y-%m-%d %H:%M}", "reason": self.reason}


class FileToErase(models.Model):
    """A stored file of erased data that the storage could not remove at once (it was down):
    removed by the next `erased_files_remove` run, never forgotten."""

    name = models.CharField(_("name"), max_length=500, unique=True)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("file to erase")
        verbose_name_plural = _("files to erase")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


def new_brand_token() -> str:
    """Names a brand's logo and style sheet in URLs; a new logo gets a new one (caches)."""
    return secrets.token_urlsafe(16)


class ConsultantBrand(models.Model):
    """How a consultant's campaigns present themselves to respondents, on the survey pages and
    the PDF's cover: the consultant's name, the firm, a logo and an accent colour. Checked on
    the way in by `responses.branding`."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="brand",
        verbose_name=_("owner"),
    )
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    firm_name = models.CharField(_("firm name"), max_length=120, blank=True)
    logo = models.FileField(_("logo"), upload_to="branding/", blank=True)
    logo_type = models.CharField(_("logo type"), max_length=20, blank=True)
    accent = models.CharField(
        _("accent"), max_length=7, blank=True, help_text=_("#RRGGBB, or empty.")
    )
    token = models.CharField(_("token"), max_length=32, unique=True, default=new_brand_token)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultant brand")
        verbose_name_plural = _("consultant brands")

    def __str__(self) -> str:
        return (
            self.firm_name
            or self.display_name
            or gettext("brand of %(owner)s") % {"owner": self.owner_id}
        )

    @property
    def shows_anything(self) -> bool:
        return bool(self.firm_name or self.display_name or self.logo or self.accent)


class Invitation(models.Model):
    """A personal link to a campaign's survey, e-mailed to one address, with its reminders.
    Sent by a worker (consultants.invitations); a send the mail server refused is kept with
    its error and tried again."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campaign")
    )
    email = models.EmailField(_("email"))
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_campaign_token)
    response = models.OneToOneField(
        "Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("response"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email"], name="one_invitation_per_address")
        ]

    def __str__(self) -> str:
        return gettext("invitation to %(email)s (%(campaign)s)") % {
            "email": self.email,
            "campaign": self.campaign_id,
        }


class MailOptOut(models.Model):
    """An address that asked a consultant to send it no more invitations or reminders."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    email = models.EmailField(_("email"))
    # Translators: when it happened (a field label: date and time).
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("mail opt out")
        verbose_name_plural = _("mail opt outs")
        constraints = [
            models.UniqueConstraint(fields=["owner", "email"], name="one_opt_out_per_address")
        ]

    def __str__(self) -> str:
        return gettext("%(email)s opted out of %(owner)s's mail") % {
            "email": self.email,
            "owner": self.owner_id,
        }
