"""Responses now belong to the responses app; no table changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0003_kept_api_answer"),
        ("responses", "0001_initial"),
    ]

    operations = [
        # The tables stay where they are: only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="poolentry",
                    name="response",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="responses.response",
                    ),
                ),
                migrations.AlterField(
                    model_name="responsebenchmark",
                    name="response",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="benchmarks",
                        to="responses.response",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
