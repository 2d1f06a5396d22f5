"""Issue 16: a passport that said "EHC plan" (provision E, or the specialist layer) with no plan
record gets a recorded plan made before the reform, flagged "details to confirm", so the plan
runs its annual review clock, shows in SEN2 and gives the passport its provision."""

from django.db import migrations

from passport.core.dates import today
from passport.ehcp.services.existing_plans import convert_flag_only_plans

MODELS = (
    "passports.Passport",
    "passports.HistoricalPassport",
    "ehcp.Plan",
    "ehcp.StatutoryClock",
    "children.Enrolment",
)


def record_flag_only_plans(apps, schema_editor):
    convert_flag_only_plans({name: apps.get_model(*name.split(".")) for name in MODELS}, on=today())


class Migration(migrations.Migration):
    dependencies = [
        ("ehcp", "0004_recorded_existing_plans"),
        ("passports", "0007_passport_ehc_plan_since"),
    ]

    operations = [migrations.RunPython(record_flag_only_plans, migrations.RunPython.noop)]
