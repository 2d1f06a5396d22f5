"""Make the database itself refuse UPDATE, DELETE and TRUNCATE of audit events (guard.py)."""

from django.db import migrations

from passport.audit import guard


def install(apps, schema_editor):
    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
