"""Transparency format definitions: data, not code.

Each JSON file in ``definitions/`` is one format in one version (see docs/transparency.md):
its id, title, legal basis, version and valid-from date, the SIPOT layout (title rows,
header row, first data row) and its ordered columns (header text as published, a stable key,
a type, whether a value is required, whether the column may be absent in some versions, the
pattern its header matches, and the dataset field its value comes from). The generator and
the publication checker read these definitions, so a new version of the law is a new file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
TYPES = ("text", "date", "number", "url", "year")
# The fields each dataset provides to a definition's columns (``source``).
_COMMON = ("year", "period_start", "period_end", "responsible", "updated_on", "note")
_OBJECTIVES = ("area", "objective", "indicator", "goal", "unit", "hyperlink", "validated_on")
_INDICATORS = (
    "program",
    "objective",
    "name",
    "dimension",
    "definition",
    "method",
    "unit",
    "frequency",
    "baseline",
    "targets",
    "adjusted_targets",
    "progress",
    "direction",
    "source",
    "validated_on",
)
_POA = (
    "program",
    "area",
    "key",
    "activity",
    "unit",
    "annual_target",
    "programmed",
    "achieved",
    "percent",
)
_BUDGET_ASSIGNED = ("annual_total", "chapter", "chapter_name", "assigned", "validated_on")
_BUDGET_EXERCISE = (
    "chapter",
    "chapter_name",
    "concept",
    "concept_name",
    "approved",
    "change",
    "modified",
    "committed",
    "accrued",
    "exercised",
    "paid",
    "underspent",
    "validated_on",
)
DATASET_FIELDS: dict[str, tuple[str, ...]] = {
    "area_objectives": (*_COMMON, *_OBJECTIVES),
    "indicators": (*_COMMON, *_INDICATORS),
    "poa_activities": (*_COMMON, *_POA),
    "budget_assigned": (*_COMMON, *_BUDGET_ASSIGNED),
    "budget_exercise": (*_COMMON, *_BUDGET_EXERCISE),
}
# The periods a format reports: «any» (the year or a quarter) or «quarter» only.
PERIODS = ("any", "quarter")
# SIPOT convention: when the period generated no information, the format still carries one
# row with only these fields filled and a Nota that says why. The generator writes it and
# the checker accepts it (the other required cells of that row may be empty).
NO_INFORMATION_FIELDS = frozenset(
    {"year", "period_start", "period_end", "responsible", "updated_on", "validated_on", "note"}
)
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class DefinitionError(ValueError):
    """A definition file that does not follow the format; names the file and the field."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: str
    required: bool
    match: re.Pattern[str]
    source: str
    optional: bool = False  # the column may be absent (present in some versions only)


@dataclass(frozen=True)
class FormatDefinition:
    id: str
    version: str
    valid_from: date
    title: str
    short_title: str
    law: str
    article: str
    fraction: str
    subsection: str
    dataset: str
    title_rows: tuple[str, ...]
    header_row: int
    first_data_row: int
    columns: tuple[Column, ...]
    path: str
    period: str = "any"  # «quarter»: generated only for a quarter (``PERIODS``)
    notes: str = ""  # how the format's figures are built (for maintainers; never published)

    @property
    def legal_basis(self) -> str:
        """«Ley General de Transparencia …, artículo 70, fracción IV»."""
        text = f"{self.law}, artículo {self.article}, fracción {self.fraction}"
        return f"{text}, inciso {self.subsection}" if self.subsection else text

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _need(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise DefinitionError(f"{where}: falta el campo «{key}»")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DefinitionError(f"{where}: «{key}» debe ser {kind.__name__}, no {value!r}")
    return value


def _column(data: Any, where: str, dataset: str) -> Column:
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: cada columna es un objeto")
    key = _need(data, "key", str, where)
    where = f"{where} «{key}»"
    type_ = _need(data, "type", str, where)
    if type_ not in TYPES:
        raise DefinitionError(f"{where}: tipo «{type_}» desconocido (se esperaba {TYPES})")
    source = data.get("source", key)
    if source not in DATASET_FIELDS[dataset]:
        raise DefinitionError(
            f"{where}: origen «{source}» desconocido para los datos «{dataset}» "
            f"(se esperaba uno de {', '.join(DATASET_FIELDS[dataset])})"
        )
    try:
        pattern = re.compile(_need(data, "match", str, where))
    except re.error as exc:
        raise DefinitionError(f"{where}: «match» no es una expresión regular: {exc}") from None
    return Column(
        key=key,
        header=_need(data, "header", str, where),
        type=type_,
        required=_need(data, "required", bool, where),
        match=pattern,
        source=source,
        optional=bool(data.get("optional", False)),
    )


def _period_and_notes(data: dict[str, Any], where: str) -> tuple[str, str]:
    """The optional «period» (``PERIODS``, default «any») and «notes» (text)."""
    period = data.get("period", "any")
    if period not in PERIODS:
        raise DefinitionError(f"{where}: «period» debe ser uno de {PERIODS}, no {period!r}")
    notes = data.get("notes", "")
    if not isinstance(notes, str):
        raise DefinitionError(f"{where}: «notes» debe ser str, no {notes!r}")
    return period, notes


def parse_definition(data: Any, *, where: str) -> FormatDefinition:
    """Validate one definition (the parsed JSON); raises ``DefinitionError``."""
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: se esperaba un objeto JSON")
    format_id = _need(data, "id", str, where)
    if not ID_RE.match(format_id):
        raise DefinitionError(f"{where}: id «{format_id}» inválido (minúsculas, cifras y guiones)")
    dataset = _need(data, "dataset", str, where)
    if dataset not in DATASET_FIELDS:
        raise DefinitionError(f"{where}: datos «{dataset}» desconocidos")
    try:
        valid_from = date.fromisoformat(_need(data, "valid_from", str, where))
    except ValueError:
        raise DefinitionError(f"{where}: «valid_from» debe ser AAAA-MM-DD") from None
    legal = _need(data, "legal_basis", dict, where)
    title_rows = _need(data, "title_rows", list, where)
    if not all(isinstance(t, str) for t in title_rows):
        raise DefinitionError(f"{where}: «title_rows» es una lista de textos")
    header_row = _need(data, "header_row", int, where)
    first_data_row = _need(data, "first_data_row", int, where)
    if header_row <= len(title_rows):
        raise DefinitionError(
            f"{where}: «header_row» ({header_row}) debe ir después de las "
            f"{len(title_rows)} filas de título"
        )
    if first_data_row <= header_row:
        raise DefinitionError(f"{where}: «first_data_row» debe ir después de «header_row»")
    raw_columns = _need(data, "columns", list, where)
    columns = tuple(
        _column(c, f"{where}: columna {n}", dataset) for n, c in enumerate(raw_columns, 1)
    )
    keys = [c.key for c in columns]
    if not columns or len(set(keys)) != len(keys):
        raise DefinitionError(f"{where}: las columnas deben existir y tener claves únicas")
    period, notes = _period_and_notes(data, where)
    return FormatDefinition(
        id=format_id,
        version=_need(data, "version", str, where),
        valid_from=valid_from,
        title=_need(data, "title", str, where),
        short_title=_need(data, "short_title", str, where),
        law=_need(legal, "law", str, where),
        article=_need(legal, "article", str, where),
        fraction=_need(legal, "fraction", str, where),
        subsection=str(legal.get("subsection", "")),
        dataset=dataset,
        title_rows=tuple(title_rows),
        header_row=header_row,
        first_data_row=first_data_row,
        columns=columns,
        path=where,
        period=period,
        notes=notes,
    )


def load_definitions(directory: Path = DEFINITIONS_DIR) -> list[FormatDefinition]:
    """Every definition in ``directory`` (one JSON file each), sorted by id and valid-from."""
    out = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DefinitionError(f"{path.name}:{exc.lineno}: JSON inválido: {exc.msg}") from None
        out.append(parse_definition(data, where=path.name))
    seen = set()
    for d in out:
        if (d.id, d.version) in seen:
            raise DefinitionError(f"{d.path}: {d.id} versión {d.version} está definido dos veces")
        seen.add((d.id, d.version))
    return sorted(out, key=lambda d: (d.id, d.valid_from))


@cache
def _all() -> tuple[FormatDefinition, ...]:
    return tuple(load_definitions())


def format_ids() -> list[str]:
    """The ids of the known formats, in the order users see them."""
    order = ["fr-iv", "fr-v", "fr-vi", "fr-xxi-a", "fr-xxi-b", "cdmx-121-iv", "cdmx-121-xxii"]
    ids = sorted({d.id for d in _all()}, key=lambda i: (order.index(i) if i in order else 99, i))
    return ids


def versions(format_id: str) -> list[FormatDefinition]:
    """Every version of a format, oldest first; raises ``KeyError`` for an unknown id."""
    found = [d for d in _all() if d.id == format_id]
    if not found:
        raise KeyError(format_id)
    return found


def definition_for(format_id: str, *, on: date) -> FormatDefinition:
    """The version in force on ``on`` (else the oldest one)."""
    found = versions(format_id)
    current = [d for d in found if d.valid_from <= on]
    return current[-1] if current else found[0]
