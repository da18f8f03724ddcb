"""Each MIR gets its own life cycle (state, acuerdo, date). A MIR whose program is already
approved or closed was approved with it: it takes the program's state, acuerdo and date,
so its targets stay frozen as they were. The others start en formulación."""

from django.db import migrations, models

FROZEN = ("aprobado", "cerrado")


def mirs_follow_their_program(apps, schema_editor):
    Mir = apps.get_model("indicators", "Mir")
    for mir in Mir.objects.filter(design__node__program__state__in=FROZEN).select_related(
        "design__node__program"
    ):
        program = mir.design.node.program
        mir.state = program.state
        mir.agreement = program.agreement
        mir.approved_on = program.approved_on
        mir.save(update_fields=["state", "agreement", "approved_on"])


def mirs_back_to_formulacion(apps, schema_editor):
    Mir = apps.get_model("indicators", "Mir")
    Mir.objects.update(state="formulacion", agreement="", approved_on=None)


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0003_programdesign_from_design'),
        ('programs', '0005_program_life_cycle'),
    ]

    operations = [
        migrations.AddField(
            model_name='mir',
            name='agreement',
            field=models.CharField(blank=True, max_length=120, verbose_name='acuerdo de aprobación'),
        ),
        migrations.AddField(
            model_name='mir',
            name='approved_on',
            field=models.DateField(blank=True, null=True, verbose_name='fecha del acuerdo'),
        ),
        migrations.AddField(
            model_name='mir',
            name='state',
            field=models.CharField(choices=[('formulacion', 'En formulación'), ('revision', 'En revisión'), ('aprobado', 'Aprobado'), ('cerrado', 'Cerrado')], default='formulacion', max_length=12, verbose_name='estado'),
        ),
        migrations.AddConstraint(
            model_name='mir',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['formulacion', 'revision', 'aprobado', 'cerrado'])), name='mir_state_valid'),
        ),
        migrations.RunPython(mirs_follow_their_program, mirs_back_to_formulacion),
    ]
