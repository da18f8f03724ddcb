"""0002: tokens issued before expiry existed expire 90 days after their creation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_api_tokens_and_login_attempts")]
AFTER = [("accounts", "0002_api_token_expiry")]


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_get_created_plus_ninety_days():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        user = old.get_model("auth", "User").objects.create(username="ana")
        token = old.get_model("accounts", "ApiToken").objects.create(
            user=user, prefix="rumbo_abcdef", key_hash="a" * 64
        )
        created = datetime(2024, 2, 10, 8, 15, tzinfo=UTC)
        type(token).objects.filter(pk=token.pk).update(created_at=created)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        migrated = new.get_model("accounts", "ApiToken").objects.get(pk=token.pk)
        assert migrated.expires_at == datetime(2024, 5, 10, 8, 15, tzinfo=UTC)
        assert migrated.expires_at - created == timedelta(days=90)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
