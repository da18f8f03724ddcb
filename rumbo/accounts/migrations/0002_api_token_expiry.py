"""API tokens expire: a new ``expires_at``; tokens issued before it expire 90 days after
their creation (docs/security.md)."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F

EXISTING_TOKEN_DAYS = 90


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=F("created_at") + timedelta(days=EXISTING_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_api_tokens_and_login_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="vence"),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="vence"),
        ),
    ]
