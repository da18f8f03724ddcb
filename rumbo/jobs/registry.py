"""The exports that may run as jobs: a kind names one builder function returning an
``ExportFile`` and says how to describe and validate its parameters.

Builders are plain functions with keyword-only, JSON-serialisable arguments (pages and the
CLI call the same ones), imported lazily by dotted path so that this module does not pull
every app in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from rumbo.core.exportfile import ExportFile


class JobParamsError(ValueError):
    """The parameters of a requested export are not valid; ``str()`` is for the user."""


@dataclass(frozen=True)
class ExportKind:
    name: str
    builder: str  # "package.module:function"
    describe: Callable[[dict[str, Any]], str]
    params: tuple[str, ...]  # accepted parameter names (besides institution)

    def load(self) -> Callable[..., ExportFile]:
        module, _, attr = self.builder.partition(":")
        return getattr(import_module(module), attr)  # type: ignore[no-any-return]


def _program_label(p: dict[str, Any]) -> str:
    return f"Programa anual {p.get('year')} ({str(p.get('fmt', '')).upper()})"


KINDS: dict[str, ExportKind] = {
    "program": ExportKind(
        name="program",
        builder="rumbo.programs.exports:build_program_export",
        describe=_program_label,
        params=("year", "fmt"),
    ),
}


def kind_get(name: str) -> ExportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise JobParamsError(f"Tipo de exportación desconocido: «{name}».") from None


def clean_params(kind: ExportKind, params: dict[str, Any]) -> dict[str, Any]:
    """Only the parameters the kind accepts; unknown ones are refused, not dropped."""
    unknown = sorted(set(params) - set(kind.params))
    if unknown:
        raise JobParamsError(f"Parámetros no admitidos para «{kind.name}»: {', '.join(unknown)}.")
    return {k: v for k, v in params.items() if v is not None and v != ""}
