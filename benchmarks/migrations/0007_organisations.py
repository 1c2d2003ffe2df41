"""Peers are organisations: the pool's key is an organisation, not an e-mail address. The rows
kept under e-mail keys stay until the pool notices that it was built under no organisation rule
(`PoolState.organisation_rules` empty) and rebuilds itself, on its next use."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0006_pool_snapshot"),
        ("responses", "0003_organisations"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="poolentry", name="one_active_pool_entry_per_email"),
        migrations.RemoveIndex(model_name="poolentry", name="pool_entry_email_idx"),
        migrations.RenameField(
            model_name="poolentry", old_name="email_key", new_name="organisation_key"
        ),
        migrations.AlterField(
            model_name="poolentry",
            name="organisation_key",
            field=models.CharField(max_length=320),
        ),
        migrations.AddConstraint(
            model_name="poolentry",
            constraint=models.UniqueConstraint(
                condition=Q(removed_seq__isnull=True),
                fields=("organisation_key",),
                name="one_active_pool_entry_per_organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="poolentry",
            index=models.Index(
                fields=["organisation_key", "added_seq"], name="pool_entry_organisation_idx"
            ),
        ),
        migrations.AddField(
            model_name="poolstate",
            name="organisation_rules",
            field=models.JSONField(
                default=dict,
                help_text="Public mailbox domains and joins the pool was built under.",
            ),
        ),
    ]
