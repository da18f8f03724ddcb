"""`rumbo opendata` and what `rumbo demo` publishes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.opendata.demo import demo_publications_ensure
from rumbo.opendata.models import Publication, PublicationKind
from tests.factories import Demo

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rumbo_opendata", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_publish_list_export_withdraw(demo: Demo, tmp_path: Path) -> None:
    common = ["--institution", "IEEM", "--year", "2024", "--user", "planeacion"]
    assert run("publish", *common, "--reason", "Aprobado") == "IEEM programa 2024: publicado\n"
    run("publish", *common, "--mir", str(demo.design.mir.pk), "--reason", "MIR")
    assert run("list") == "IEEM 2024 · MIR: Programa de Seguimiento 2024\n"
    event = AuditEvent.objects.filter(action="opendata.publish").order_by("pk").first()
    assert event is not None and event.reason == "Aprobado"
    assert event.actor_label.startswith("cli:") and event.actor_label.endswith("como planeacion")
    target = tmp_path / "programa.csv"
    run(
        "export",
        "--institution",
        "IEEM",
        "--year",
        "2024",
        "--dataset",
        "programa",
        "-o",
        str(target),
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {r["actividad_clave"] for r in rows} >= {"010101", "020101"}
    run("withdraw", *common, "--reason", "Corrección")
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "publish",
                "--institution",
                "IEEM",
                "--year",
                "2024",
                "--user",
                "consulta",
                "--reason",
                "x",
            ],
            "--user: Solo Planeación",
        ),
        (
            ["publish", "--institution", "IEEM", "--year", "2024", "--user", "planeacion"],
            "--reason: falta",
        ),
        (
            [
                "publish",
                "--institution",
                "IEEM",
                "--year",
                "2031",
                "--user",
                "planeacion",
                "--reason",
                "x",
            ],
            "IEEM no tiene programa anual 2031",
        ),
        (
            [
                "publish",
                "--institution",
                "IEEM",
                "--year",
                "2024",
                "--user",
                "nadie",
                "--reason",
                "x",
            ],
            "--user: no existe el usuario nadie",
        ),
        (
            ["export", "--institution", "IEEM", "--year", "2024", "--dataset", "avance"],
            "IEEM no ha publicado datos abiertos del ejercicio 2024",
        ),
        (
            [
                "withdraw",
                "--institution",
                "IEEM",
                "--year",
                "2024",
                "--user",
                "planeacion",
                "--reason",
                "x",
            ],
            "No está publicado",
        ),
    ],
)
def test_clear_errors(demo: Demo, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Publication.objects.exists()


def test_demo_publications_are_idempotent(demo: Demo) -> None:
    actor = Actor.cli()
    assert demo_publications_ensure(actor=actor) == ["Datos abiertos: IEEM 2024 publicado"]
    assert demo_publications_ensure(actor=actor) == ["Datos abiertos: IEEM 2024 publicado"]
    assert list(Publication.objects.values_list("kind", flat=True)) == [PublicationKind.PROGRAM]
    assert AuditEvent.objects.filter(action="opendata.publish").count() == 1
