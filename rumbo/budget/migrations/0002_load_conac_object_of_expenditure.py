"""Load CONAC's Clasificador por Objeto del Gasto (data/cog_conac.csv) into the database."""

from django.db import migrations


def load(apps, schema_editor):
    from rumbo.budget.catalog import cog_sync

    cog_sync(
        apps.get_model("budget", "Chapter"),
        apps.get_model("budget", "Concept"),
        apps.get_model("budget", "GenericItem"),
    )


def unload(apps, schema_editor):
    # Partidas específicas protect their genérica: only an empty classifier is removed.
    for name in ("GenericItem", "Concept", "Chapter"):
        model = apps.get_model("budget", name)
        model.objects.filter(**({"specifics__isnull": True} if name == "GenericItem" else {})).delete()


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_budget_classifiers_and_lines")]

    operations = [migrations.RunPython(load, unload)]
