"""``ProgramDesign`` moves from ``design`` to ``indicators`` (the MIR belongs to it and
``indicators`` sits below ``design``). State only: the table ``design_programdesign``,
its rows and its foreign keys stay as they are; the content type is renamed so that
the audit trail and findings of every design keep pointing at it."""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="design", model="programdesign")
    if not ContentType.objects.filter(app_label="indicators", model="programdesign").exists():
        old.update(app_label="indicators")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    new = ContentType.objects.filter(app_label="indicators", model="programdesign")
    if not ContentType.objects.filter(app_label="design", model="programdesign").exists():
        new.update(app_label="design")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("design", "0003_schedule_action_months_simulated"),
        ("indicators", "0002_mir_measurements_simulated"),
        ("programs", "0002_activity_annual_target_nullable"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProgramDesign",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "title",
                            models.CharField(
                                help_text="p. ej. «Programa Específico de Vinculación 2024».",
                                max_length=255,
                                verbose_name="título",
                            ),
                        ),
                        (
                            "problem_statement",
                            models.TextField(blank=True, verbose_name="problema central"),
                        ),
                        ("diagnosis", models.TextField(blank=True, verbose_name="diagnóstico")),
                        (
                            "selection_rationale",
                            models.TextField(
                                blank=True, verbose_name="justificación de la alternativa elegida"
                            ),
                        ),
                        (
                            "population_description",
                            models.TextField(blank=True, verbose_name="población objetivo"),
                        ),
                        (
                            "source_note",
                            models.TextField(
                                blank=True,
                                help_text=(
                                    "De dónde salen los datos y qué no se pudo leer del documento."
                                ),
                                verbose_name="nota sobre la fuente",
                            ),
                        ),
                        (
                            "node",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="design",
                                to="programs.programnode",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "diseño de programa",
                        "verbose_name_plural": "diseños de programas",
                        "db_table": "design_programdesign",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("title", ""), _negated=True),
                                name="design_title",
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="mir",
                    name="design",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mir",
                        to="indicators.programdesign",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
