"""Give every provider an Open Referral UK organization id.

A unique field with a callable default would give every existing row the same value, so the
column is added without the constraint, filled row by row, then made unique.
"""

import uuid

from django.db import migrations, models


def give_each_provider_an_id(apps, schema_editor):
    Provider = apps.get_model("organisations", "Provider")
    for provider in Provider.objects.filter(oruk_id__isnull=True).only("pk"):
        provider.oruk_id = uuid.uuid4()
        provider.save(update_fields=["oruk_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_load_local_authorities"),
    ]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="oruk_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_provider_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="provider",
            name="oruk_id",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="The organization id this provider has in Open Referral UK directories",
                unique=True,
                verbose_name="Open Referral UK organization id",
            ),
        ),
    ]
