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
from rumbo.core.text import whole_number


class JobParamsError(ValueError):
    """The parameters of a requested export are not valid; ``str()`` is for the user."""


@dataclass(frozen=True)
class ExportKind:
    name: str
    builder: str  # "package.module:function"
    describe: Callable[[dict[str, Any]], str]
    params: tuple[str, ...]  # accepted parameter names (besides institution)
    fixed: tuple[tuple[str, Any], ...] = ()  # arguments the kind always passes
    title: str = ""  # what it is, for people (the bitácora's «Tipo»)

    def load(self) -> Callable[..., ExportFile]:
        module, _, attr = self.builder.partition(":")
        return getattr(import_module(module), attr)


def _fmt(p: dict[str, Any]) -> str:
    return f"({str(p.get('fmt', '')).upper()})"


def _month(p: dict[str, Any]) -> str:
    month = whole_number(p.get("month"))
    return f"{month:02d}/{p.get('year')}" if month is not None else f"{p.get('year')}"


def _report(kind: str, title: str, params: tuple[str, ...], period: Callable) -> ExportKind:
    return ExportKind(
        name=f"report-{kind}",
        builder="rumbo.reports.builders:build_report",
        describe=lambda p: f"{title} {period(p)} {_fmt(p)}",
        params=params,
        fixed=(("kind", kind),),
        title=title,
    )


def _sipot_label(p: dict[str, Any]) -> str:
    quarter = f" T{p['quarter']}" if p.get("quarter") else ""
    return f"Formato de transparencia {p.get('format_id')} {p.get('year')}{quarter} {_fmt(p)}"


KINDS: dict[str, ExportKind] = {
    kind.name: kind
    for kind in [
        ExportKind(
            name="program",
            builder="rumbo.programs.exports:build_program_export",
            describe=lambda p: f"Programa anual {p.get('year')} {_fmt(p)}",
            params=("year", "fmt"),
            title="Programa anual",
        ),
        _report(
            "monthly",
            "Informe mensual de avance",
            ("year", "month", "area", "fmt"),
            lambda p: _month(p) + (f" · {p['area']}" if p.get("area") else ""),
        ),
        _report(
            "quarterly",
            "Informe trimestral de indicadores",
            ("year", "quarter", "fmt"),
            lambda p: f"T{p.get('quarter')} {p.get('year')}",
        ),
        _report("program", "Programa anual (documento)", ("year", "fmt"), lambda p: p.get("year")),
        _report(
            "fisico-financiero",
            "Informe de avance físico-financiero",
            ("year", "month", "fmt"),
            _month,
        ),
        _report(
            "mir",
            "MIR y fichas técnicas",
            ("year", "mir", "fmt"),
            lambda p: f"{p.get('year')}" + (f" · MIR {p['mir']}" if p.get("mir") else ""),
        ),
        ExportKind(
            name="sipot",
            builder="rumbo.transparency.generate:build_sipot",
            describe=_sipot_label,
            params=("format_id", "year", "quarter", "fmt"),
            title="Formato de transparencia",
        ),
    ]
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
