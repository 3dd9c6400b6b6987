"""Load the offence catalogue (offence_codes.csv, version 2026.1) - see iomhub.justice.catalogue."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from iomhub.justice import catalogue

    catalogue.sync(apps.get_model("justice", "OffenceCode"))


class Migration(migrations.Migration):
    dependencies = [("justice", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
