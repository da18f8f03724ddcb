"""``ProgramDesign`` now lives in ``indicators`` (see indicators 0003). State only: the
foreign keys of the design's parts point at the same table, ``design_programdesign``."""

import django.db.models.deletion
from django.db import migrations, models


def _design(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="indicators.programdesign",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("design", "0003_schedule_action_months_simulated"),
        ("indicators", "0003_programdesign_from_design"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("alternative", "design", _design("alternatives")),
                migrations.AlterField("populationfigure", "design", _design("population_figures")),
                migrations.AlterField("risk", "design", _design("risks")),
                migrations.AlterField("scheduleaction", "design", _design("schedule_actions")),
                migrations.AlterField("stakeholder", "design", _design("stakeholders")),
                migrations.AlterField("treenode", "design", _design("tree_nodes")),
                migrations.DeleteModel("ProgramDesign"),
            ],
            database_operations=[],
        ),
    ]
