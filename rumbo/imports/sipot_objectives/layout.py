"""The format's columns (found by header text) and the rows and findings a file parses into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..base import FindingDraft

KIND = "sipot-objetivos"
KIND_LABEL = "el formato «Objetivos y metas institucionales» (fr. IV)"
YEAR_MISMATCH_CODE = "year_mismatch"

# field, header pattern (on normalize()d text), column title for messages, required value
COLUMNS: list[tuple[str, str, str, bool]] = [
    ("year", r"^ejercicio", "Ejercicio", True),
    ("period_start", r"^fecha de inicio", "Fecha de inicio del periodo", True),
    ("period_end", r"^fecha de termino", "Fecha de término del periodo", True),
    ("area", r"^denominacion de(l| la)? (area|unidad)", "Denominación del área", True),
    ("objective", r"^(descripcion\b.*objetivo|objetivo)", "Objetivo", True),
    ("indicator", r"^indicador", "Indicadores asociados", True),
    ("goal", r"^metas?\b", "Meta(s) por cada indicador", True),
    ("unit", r"^unidad de medida", "Unidad de medida", True),
    ("hyperlink", r"^hipervinculo", "Hipervínculo", True),
    ("responsible", r"^areas?( s)? responsables?", "Área(s) responsable(s)", True),
    ("updated_on", r"^fecha de actualizacion", "Fecha de actualización", True),
    ("validated_on", r"^fecha de validacion", "Fecha de validación", False),
    ("note", r"^nota", "Nota", False),
]
HEADER_REQUIRED = {"year", "area", "objective", "indicator", "goal", "unit"}
HEADER_MIN_MATCHES = 5
DATE_FIELDS = ("period_start", "period_end", "updated_on", "validated_on")
TITLES = {name: title for name, _, title, _ in COLUMNS}
OPTIONAL = {name for name, _, _, needed in COLUMNS if not needed}
YEAR_RE = re.compile(r"^\d{4}$")


@dataclass
class ObjectiveRow:
    row_number: int
    line: int
    year_text: str = ""
    area: str = ""
    period_start_text: str = ""
    period_end_text: str = ""
    objective: str = ""
    indicator: str = ""
    goal: str = ""
    unit: str = ""
    hyperlink: str = ""
    responsible: str = ""
    updated_on_text: str = ""
    validated_on_text: str = ""
    note: str = ""
    period_start: date | None = None
    period_end: date | None = None
    updated_on: date | None = None
    validated_on: date | None = None

    @property
    def label(self) -> str:
        return f"Fila {self.row_number}"

    @property
    def target(self) -> tuple[str, str]:
        return ("row", str(self.row_number))


@dataclass
class ParsedObjectives:
    year: int
    rows: list[ObjectiveRow] = field(default_factory=list)
    findings: list[FindingDraft] = field(default_factory=list)

    def flag(
        self, code: str, row: ObjectiveRow | None, message: str, line: int | None = None
    ) -> None:
        self.findings.append(
            FindingDraft(
                code,
                row.line if row else line,
                message,
                row.label if row else "",
                row.target if row else None,
            )
        )


def _text_attr(name: str) -> str:
    return f"{name}_text" if name in DATE_FIELDS else ("year_text" if name == "year" else name)
