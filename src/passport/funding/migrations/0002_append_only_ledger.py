"""Make the database refuse UPDATE and DELETE of ledger entries and postings (guard.py)."""

from django.db import migrations

from passport.funding import guard


def install(apps, schema_editor):
    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
