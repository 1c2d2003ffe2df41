"""Question banks, campaigns, responses and their scores, taken over from the survey app with
their tables (still named survey_*) and every row."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import responses.models

MOVED = (
    "questionbank",
    "pillar",
    "bucket",
    "question",
    "option",
    "campaign",
    "response",
    "responsescore",
    "pillarscore",
)


def forwards(apps, schema_editor):
    """Permissions and admin history hang on content types: they follow the models."""
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="survey", model__in=MOVED).update(app_label="responses")


def backwards(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="responses", model__in=MOVED).update(app_label="survey")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("survey", "0008_public_id_unique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Pillar",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.SlugField(max_length=40)),
                        ("name", models.CharField(max_length=80)),
                        ("description", models.TextField(blank=True)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "survey_pillar",
                        "ordering": ["bank", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="QuestionBank",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.SlugField(max_length=40)),
                        ("version", models.PositiveIntegerField()),
                        ("title", models.CharField(max_length=200)),
                        ("intro", models.TextField(blank=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("published", "Published"),
                                    ("archived", "Archived"),
                                ],
                                default="draft",
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "survey_questionbank",
                        "ordering": ["key", "-version"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("key", "version"), name="bank_key_version_unique"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("status", "published")),
                                fields=("key",),
                                name="one_published_per_key",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Question",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("text", "text"),
                                    ("email", "email"),
                                    ("integer", "integer"),
                                    ("percent", "percent"),
                                    ("single", "single"),
                                    ("multi", "multi"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("text", models.TextField()),
                        ("help", models.TextField(blank=True)),
                        ("required", models.BooleanField(default=True)),
                        (
                            "section",
                            models.CharField(
                                help_text="Page heading; consecutive questions with one section share a page.",
                                max_length=80,
                            ),
                        ),
                        (
                            "scoring",
                            models.CharField(
                                blank=True,
                                choices=[("single", "single"), ("max", "max"), ("sum", "sum")],
                                max_length=10,
                            ),
                        ),
                        ("weight", models.DecimalField(decimal_places=3, default=1, max_digits=6)),
                        (
                            "min_value",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=14, null=True
                            ),
                        ),
                        (
                            "max_value",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=14, null=True
                            ),
                        ),
                        ("max_length", models.PositiveIntegerField(blank=True, null=True)),
                        ("unknown_allowed", models.BooleanField(default=False)),
                        ("role", models.SlugField(blank=True, max_length=40)),
                        (
                            "pillar",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="questions",
                                to="responses.pillar",
                            ),
                        ),
                        (
                            "bank",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="questions",
                                to="responses.questionbank",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "survey_question",
                        "ordering": ["bank", "number"],
                    },
                ),
                migrations.AddField(
                    model_name="pillar",
                    name="bank",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pillars",
                        to="responses.questionbank",
                    ),
                ),
                migrations.CreateModel(
                    name="Campaign",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("client_name", models.CharField(max_length=200)),
                        ("note", models.TextField(blank=True)),
                        (
                            "token",
                            models.CharField(
                                default=responses.models.new_campaign_token,
                                editable=False,
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        (
                            "closes_on",
                            models.DateField(
                                blank=True,
                                help_text="After this day the link takes no new answers.",
                                null=True,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="campaigns",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "bank",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="campaigns",
                                to="responses.questionbank",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "survey_campaign",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Bucket",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.SlugField(max_length=40)),
                        ("name", models.CharField(max_length=80)),
                        (
                            "lower_bound",
                            models.DecimalField(
                                decimal_places=2,
                                help_text="Lowest pillar score in this bucket (inclusive).",
                                max_digits=6,
                            ),
                        ),
                        (
                            "bank",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="buckets",
                                to="responses.questionbank",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "survey_bucket",
                        "ordering": ["bank", "lower_bound"],
                    },
                ),
                migrations.CreateModel(
                    name="Response",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "token",
                            models.CharField(
                                default=responses.models.new_response_token,
                                editable=False,
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        (
                            "public_id",
                            models.CharField(
                                default=responses.models.new_response_token,
                                editable=False,
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                ],
                                db_index=True,
                                default="in_progress",
                                max_length=12,
                            ),
                        ),
                        (
                            "answers",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Answers by question number: option codes, numbers, text; null = unknown.",
                            ),
                        ),
                        ("email", models.EmailField(blank=True, db_index=True, max_length=254)),
                        (
                            "revision",
                            models.PositiveIntegerField(
                                default=0,
                                help_text="Counts saves; a save applies only on the revision it read.",
                            ),
                        ),
                        ("resume_link_sent_to", models.EmailField(blank=True, max_length=254)),
                        ("region", models.CharField(blank=True, db_index=True, max_length=300)),
                        ("industry", models.CharField(blank=True, db_index=True, max_length=300)),
                        ("arr_band", models.CharField(blank=True, db_index=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        (
                            "completed_at",
                            models.DateTimeField(blank=True, db_index=True, null=True),
                        ),
                        (
                            "is_demo",
                            models.BooleanField(
                                db_index=True,
                                default=False,
                                help_text="Generated by seed_demo; in peer groups only if BENCHMARK_INCLUDE_DEMO is on.",
                                verbose_name="demo data",
                            ),
                        ),
                        (
                            "excluded_from_benchmarks",
                            models.BooleanField(
                                db_index=True,
                                default=False,
                                help_text="An admin took this response out of every peer group.",
                            ),
                        ),
                        (
                            "bank",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="responses",
                                to="responses.questionbank",
                            ),
                        ),
                        (
                            "campaign",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="responses",
                                to="responses.campaign",
                            ),
                        ),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="The API user who submitted it, if it came through the API.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="submitted_responses",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "survey_response",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="ResponseScore",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "overall",
                            models.DecimalField(db_index=True, decimal_places=2, max_digits=5),
                        ),
                        ("overall_bucket", models.SlugField(max_length=40)),
                        (
                            "nrr",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=7, null=True
                            ),
                        ),
                        (
                            "retention",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=7, null=True
                            ),
                        ),
                        (
                            "nps",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=7, null=True
                            ),
                        ),
                        (
                            "customers_per_csm",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=14, null=True
                            ),
                        ),
                        ("scored_at", models.DateTimeField()),
                        (
                            "bank",
                            models.ForeignKey(
                                help_text="Scored against.",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="responses.questionbank",
                            ),
                        ),
                        (
                            "response",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="score",
                                to="responses.response",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "survey_responsescore",
                        "ordering": ["-scored_at"],
                    },
                ),
                migrations.CreateModel(
                    name="PillarScore",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("pillar_key", models.SlugField(max_length=40)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        ("score", models.DecimalField(decimal_places=2, max_digits=5)),
                        ("bucket", models.SlugField(max_length=40)),
                        (
                            "response_score",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pillars",
                                to="responses.responsescore",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "survey_pillarscore",
                        "ordering": ["response_score", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="Option",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "code",
                            models.PositiveIntegerField(
                                help_text="Stable id within the bank version; answers store it."
                            ),
                        ),
                        ("text", models.CharField(max_length=300)),
                        (
                            "points",
                            models.DecimalField(
                                blank=True, decimal_places=3, max_digits=5, null=True
                            ),
                        ),
                        ("exclusive", models.BooleanField(default=False)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        (
                            "question",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="options",
                                to="responses.question",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "survey_option",
                        "ordering": ["question", "position"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("question", "code"), name="option_code_unique"
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="question",
                    constraint=models.UniqueConstraint(
                        fields=("bank", "number"), name="question_number_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="pillar",
                    constraint=models.UniqueConstraint(
                        fields=("bank", "key"), name="pillar_key_unique_in_bank"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="bucket",
                    constraint=models.UniqueConstraint(
                        fields=("bank", "key"), name="bucket_key_unique_in_bank"
                    ),
                ),
                migrations.AddIndex(
                    model_name="response",
                    index=models.Index(
                        django.db.models.functions.text.Lower("email"),
                        name="response_email_lower_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="pillarscore",
                    index=models.Index(fields=["pillar_key", "score"], name="pillar_score_idx"),
                ),
                migrations.AddConstraint(
                    model_name="pillarscore",
                    constraint=models.UniqueConstraint(
                        fields=("response_score", "pillar_key"), name="one_score_per_pillar"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
