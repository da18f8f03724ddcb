"""`rumbo token create|list|revoke` (in process; tests/cli runs the console script)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rumbo.accounts.models import ApiToken
from rumbo.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rumbo_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_keeps_its_shape_and_takes_days():
    UserFactory(username="ana")
    out, _ = run("create", "ana", "--name", "carga")
    assert out.startswith("rumbo_") and out.count("\n") == 1
    out, _ = run("create", "ana", "--days", "10")
    token = ApiToken.objects.get(prefix=out.strip()[:12])
    assert timedelta(days=9, hours=23) < token.expires_at - timezone.now() <= timedelta(days=10)
    with pytest.raises(CommandError, match="entre 1 y 730"):
        run("create", "ana", "--days", "0")
    with pytest.raises(CommandError, match="falta el nombre de usuario"):
        run("create")


def test_list_shows_each_token_and_its_state():
    ana = UserFactory(username="ana")
    UserFactory(username="beto")
    out, _ = run("create", "ana", "--name", "carga")
    run("create", "beto")
    ApiToken.objects.filter(user=ana).update(
        expires_at=timezone.make_aware(timezone.datetime(2024, 1, 31, 9, 30))
    )
    listed, _ = run("list")
    lines = listed.splitlines()
    assert lines[0] == "usuario\tprefijo\tnombre\tcreado\túltimo uso\tvence\testado"
    assert len(lines) == 3
    assert lines[1].split("\t")[0:3] == ["ana", out.strip()[:12], "carga"]
    assert lines[1].split("\t")[4:] == ["—", "31/01/2024 09:30", "vencido"]
    assert lines[2].startswith("beto\t") and lines[2].endswith("\tvigente")
    only, _ = run("list", "beto")
    assert len(only.splitlines()) == 2
    with pytest.raises(CommandError, match="no existe el usuario 'nadie'"):
        run("list", "nadie")


def test_revoke_by_prefix_and_all_of_a_user():
    UserFactory(username="ana")
    first = run("create", "ana")[0].strip()
    second = run("create", "ana")[0].strip()
    out, _ = run("revoke", first[:12])
    assert out == f"Revocado el token {first[:12]} de ana.\n"
    assert ApiToken.objects.get(prefix=first[:12]).revoked_at is not None
    out, _ = run("revoke", first[:12])
    assert "ya estaba revocado" in out
    out, _ = run("revoke", "--user", "ana", "--all")
    assert out == f"Revocados 1 tokens de ana: {second[:12]}\n"
    assert AuditEvent.objects.filter(action="token.revoke").count() == 2
    listed, _ = run("list", "ana")
    assert listed.count("\trevocado el ") == 2


def test_revoke_refuses_what_it_cannot_pin_down():
    UserFactory(username="ana")
    raw = run("create", "ana")[0].strip()
    with pytest.raises(CommandError, match="indica el prefijo"):
        run("revoke", "abc")
    with pytest.raises(CommandError, match="--user USUARIO --all"):
        run("revoke", "--user", "ana")
    with pytest.raises(CommandError, match="no hay ningún token"):
        run("revoke", "rumbo_zzzzzz")
    twin = ApiToken.objects.get()
    ApiToken.objects.create(
        user=twin.user, prefix=twin.prefix, key_hash="0" * 64, expires_at=twin.expires_at
    )
    with pytest.raises(CommandError, match="2 tokens tienen el prefijo"):
        run("revoke", raw[:12])
    out, _ = run("revoke", raw)  # the whole secret pins it down
    assert out.startswith("Revocado el token")
    assert ApiToken.objects.filter(revoked_at__isnull=False).get().key_hash == twin.key_hash
