"""`rumbo notify` through the real console script, its mail received by a real SMTP
server: run twice, each reminder is sent once (safe hourly from cron).

The demo (tests/factories.py) in the CLI's own database: in November 2024 only SE has
activities programmed; its window is 01/12/2024–10/12/2024."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.console import cli_environment, prepare
from tests.smtp import body_text

RUMBO = str(Path(sys.executable).with_name("rumbo"))
ROOT = str(Path(__file__).resolve().parents[2])


def rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def cli_env(tmp_path: Path, cli_database: Path, smtp_server) -> dict[str, str]:
    env = cli_environment(
        tmp_path,
        cli_database,
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
        RUMBO_BASE_URL="https://rumbo.ejemplo.mx",
    )
    env["PYTHONPATH"] = ROOT  # tests.factories, for the demo
    prepare(
        env, "manage", "shell", "--no-imports", "-c", "import tests.factories as f; f.build_demo()"
    )
    return env


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def test_run_twice_each_reminder_is_sent_once(cli_env, smtp_server) -> None:
    dry = rumbo(cli_env, "notify", "--date", "02/12/2024", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[:2] == [
        "Recordatorios del 02/12/2024: Se enviarían 1 de ventana abierta y 0 de cierre próximo.",
        "  IEEM · Captura de noviembre de 2024: ventana abierta hasta el 10/12/2024 → enlace_se",
    ]
    assert smtp_server.messages == []

    first = rumbo(cli_env, "notify", "--date", "02/12/2024")
    assert first.returncode == 0, first.stderr
    assert "Se enviaron 1 de ventana abierta y 0 de cierre próximo." in first.stdout
    assert "Correos: 1 de estos avisos enviados" in first.stdout
    (opened,) = smtp_server.to("enlace_se@ejemplo.mx")
    assert subject(opened) == (
        "Rumbo: Captura de noviembre de 2024: ventana abierta hasta el 10/12/2024"
    )
    assert "https://rumbo.ejemplo.mx/i/IEEM/programa/2024/captura/SE/11/" in body_text(opened)

    second = rumbo(cli_env, "notify", "--date", "02/12/2024")
    assert second.returncode == 0, second.stderr
    assert "Se enviaron 0 de ventana abierta y 0 de cierre próximo." in second.stdout
    assert len(smtp_server.messages) == 1

    for _ in range(2):  # three days before the close, run twice
        closing = rumbo(cli_env, "notify", "--date", "07/12/2024")
        assert closing.returncode == 0, closing.stderr
    subjects = [subject(m) for m in smtp_server.to("enlace_se@ejemplo.mx")]
    assert subjects == [
        "Rumbo: Captura de noviembre de 2024: ventana abierta hasta el 10/12/2024",
        "Rumbo: La captura de noviembre de 2024 cierra en 3 días (10/12/2024)",
    ]
    assert len(smtp_server.messages) == 2


def test_a_bad_date_is_one_line(tmp_path: Path, cli_database: Path) -> None:
    result = rumbo(cli_environment(tmp_path, cli_database), "notify", "--date", "2024-12-07")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "rumbo: error: fecha inválida: '2024-12-07' (se esperaba dd/mm/aaaa)"
    )
