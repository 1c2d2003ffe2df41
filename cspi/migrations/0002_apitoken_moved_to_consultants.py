"""API tokens moved to the consultants app (see consultants/migrations/0001); no table changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultants", "0001_initial"),
        ("cspi", "0001_initial"),
    ]

    operations = [
        # The tables stay where they are: only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="ApiToken",
                ),
            ],
            database_operations=[],
        ),
    ]
