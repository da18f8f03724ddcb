"""What `rumbo program` does besides ``copy``: actions the apps above programs register.

``rumbo program`` lives in this app (its management command ``rumbo_program``); an app
above it that acts on a program — ``design`` makes a program's activities from a design's
cronograma (``rumbo program from-design``) — registers the action here in its
``AppConfig.ready``, so the command offers it without importing that app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProgramAction:
    name: str  # the word after `rumbo program`
    help: str  # what `rumbo program --help` says of it (starting with its name)
    add_arguments: Callable[[Any], None]  # its options, on the command's parser
    run: Callable[[dict[str, Any]], str]  # the options → the text to print (CommandError)


_ACTIONS: dict[str, ProgramAction] = {}


def register_program_action(action: ProgramAction) -> None:
    """Called by an app above programs in its ``AppConfig.ready``."""
    _ACTIONS[action.name] = action


def program_actions() -> dict[str, ProgramAction]:
    return dict(_ACTIONS)
