"""The importers the CLI and the demo know, by the name users type."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from .base import ImportReport

IMPORTERS: dict[str, tuple[str, str, str]] = {
    # name: (module, function, description)
    "paa": ("rumbo.imports.paa", "import_paa", "Programa Anual de Actividades (IEEM)"),
    "pgd": ("rumbo.imports.pgd", "import_pgd", "Plan General de Desarrollo (texto o tabla)"),
    "sipot-objetivos": (
        "rumbo.imports.sipot_objectives",
        "import_sipot_objectives",
        "Objetivos y metas institucionales (art. 70/121 fr. IV)",
    ),
    "diseno": (
        "rumbo.design.loader",
        "import_design",
        "Diseño de programa con MIR (JSON, docs/design-data.md)",
    ),
}


def get_importer(name: str) -> Callable[..., ImportReport]:
    module, function, _ = IMPORTERS[name]
    fn: Callable[..., Any] = getattr(import_module(module), function)
    return fn
