"""The replies kept for Idempotency-Keys of POST /api/v1/responses."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("consultants", "0001_initial"),
        ("responses", "0002_resume_link_claim"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotentReply",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200)),
                (
                    "request_hash",
                    models.CharField(
                        help_text="SHA-256 of the request body as canonical JSON.", max_length=64
                    ),
                ),
                ("status", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("body", models.JSONField(blank=True, null=True)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="responses.response",
                    ),
                ),
                (
                    "token",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="consultants.apitoken",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("token", "key"), name="api_reply_one_per_token_key"
                    )
                ],
            },
        ),
    ]
