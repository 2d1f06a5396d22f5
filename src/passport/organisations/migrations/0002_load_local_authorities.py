"""Load every English local authority from the DfE code list (data/english_la_codes.csv)."""

from django.db import migrations

from passport.organisations.reference import la_code_rows

CURRENT_YEAR_IN_LIST = "2025"


def load(apps, schema_editor):
    LocalAuthority = apps.get_model("organisations", "LocalAuthority")
    LocalAuthority.objects.bulk_create(
        [
            LocalAuthority(
                code=row["la_code"],
                ons_code=row["ons_code"],
                name=row["la_name"],
                region=row["region_name"],
                is_current=row["last_year"] == CURRENT_YEAR_IN_LIST,
            )
            for row in la_code_rows()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
