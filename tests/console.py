"""The `rumbo` console script in a subprocess, on a SQLite file of the test's own.

Migrating a fresh database takes seconds of CPU, so `rumbo init` migrates one file per
test run (the ``cli_database`` fixture) and each CLI test module starts from a copy.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

RUMBO = str(Path(sys.executable).with_name("rumbo"))


def cli_environment(folder: Path, database: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a `rumbo` subprocess whose data live in ``folder``; its database
    starts as a copy of ``database`` (a migrated file) when one is given."""
    if database is not None:
        shutil.copyfile(database, folder / "cli.sqlite3")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{folder}/cli.sqlite3",
        RUMBO_DATA_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        **extra,
    )
    return env


def prepare(env: dict[str, str], *args: str, **run: Any) -> subprocess.CompletedProcess[str]:
    """Run `rumbo ARGS` to set a module's database up; it must succeed."""
    result = subprocess.run(
        [RUMBO, *args], env=env, capture_output=True, text=True, **{"timeout": 300, **run}
    )
    assert result.returncode == 0, result.stderr
    return result


def migrate(folder: Path) -> Path:
    """`rumbo init` on a new SQLite file in ``folder``; returns the file."""
    result = prepare(cli_environment(folder), "init")
    assert "Base de datos lista (sqlite)" in result.stdout, result.stdout
    return folder / "cli.sqlite3"


def migrate_once(shared: Path) -> Path:
    """``migrate`` in ``shared``, done by the first process that gets there (xdist workers
    of one run share the folder); the others wait for it and reuse the file."""
    folder = shared / "cli-template"
    folder.mkdir(exist_ok=True)
    done = folder / "template.sqlite3"
    with open(shared / "cli-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            migrated = migrate(folder)
            migrated.rename(done)
    return done
