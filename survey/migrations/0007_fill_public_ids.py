import secrets

from django.db import migrations


def fill_public_ids(apps, schema_editor):
    Response = apps.get_model("survey", "Response")
    for response in Response.objects.filter(public_id__isnull=True).only("pk").iterator():
        Response.objects.filter(pk=response.pk).update(public_id=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [("survey", "0006_campaigns_and_public_ids")]

    operations = [migrations.RunPython(fill_public_ids, migrations.RunPython.noop)]
