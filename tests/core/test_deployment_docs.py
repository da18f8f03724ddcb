"""Every ``rumbo …`` command docs/deployment.md gives — in its shell blocks, its systemd
units and its cron lines — exists and accepts the options written there (parsed by the
command's own parser, not run)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

from rumbo.cli import COMMANDS

DOC = Path(settings.BASE_DIR) / "docs" / "deployment.md"
RUMBO = re.compile(r"(?:^rumbo|/opt/rumbo/\.venv/bin/rumbo)\s+(.+)$")


def documented_commands() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```(?:sh|ini|cron)\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.lstrip().startswith("#"):
                continue
            found = RUMBO.search(line)
            if found:
                lines.append(found.group(1).strip())
    return lines


def test_the_doc_gives_the_commands_it_promises():
    given = {line.split()[0] for line in documented_commands()}
    assert {"init", "manage", "user", "serve", "worker", "backup", "maintenance"} <= given


@pytest.mark.parametrize("line", documented_commands())
def test_each_documented_command_parses(line):
    line = line.replace(r"$(date +\%F)", "2026-12-07")
    argv = shlex.split(line)
    name, rest = argv[0], argv[1:]
    if name == "manage":
        name, rest = rest[0], rest[1:]
    else:
        assert name in COMMANDS, f"rumbo {name}: no such command"
        name = COMMANDS[name][0]
    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("rumbo", name)
    parser.parse_args(rest)  # a CommandError on an unknown option or a missing argument
