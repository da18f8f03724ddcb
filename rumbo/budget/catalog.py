"""The CONAC classifiers shipped with the app: reading the data files and syncing them.

``data/cog_conac.csv`` (Clasificador por Objeto del Gasto: capítulo, concepto, partida
genérica) is the same for every institution: the first budget import (or ``rumbo demo``)
loads it — not a migration, so `rumbo init` leaves the empty database `rumbo restore`
needs — and ``rumbo budget load-cog`` syncs it again after the file is corrected.
``data/fuentes_conac.csv`` is the default set of fuentes de financiamiento an institution
starts with (``services.funding_sources_ensure``).

``cog_sync`` takes the model classes (a data migration could pass its historical ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rumbo.core.spreadsheets import delimited_rows

DATA = Path(__file__).resolve().parent / "data"
COG_FILE = DATA / "cog_conac.csv"
SOURCES_FILE = DATA / "fuentes_conac.csv"


def _rows(path: Path) -> list[tuple[str, str]]:
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    rows = [cells for _, cells in delimited_rows(path.name, "\n".join(lines), delimiter=",")]
    if not rows or rows[0] != ["clave", "nombre"]:
        raise ValueError(f"{path.name}: se esperaba el encabezado clave,nombre")
    return [(key.strip(), name.strip()) for key, name in rows[1:]]


@dataclass(frozen=True)
class CogEntry:
    key: str
    name: str
    level: str  # "chapter", "concept" or "generic"
    parent: str  # the key of the level above ("" for a chapter)


def cog_entries() -> list[CogEntry]:
    """The classifier in file order, each entry with its level and parent."""
    entries = []
    for key, name in _rows(COG_FILE):
        if len(key) == 4 and key.endswith("000"):
            entries.append(CogEntry(key, name, "chapter", ""))
        elif len(key) == 4 and key.endswith("00"):
            entries.append(CogEntry(key, name, "concept", key[0] + "000"))
        elif len(key) == 3:
            entries.append(CogEntry(key, name, "generic", key[:2] + "00"))
        else:
            raise ValueError(f"{COG_FILE.name}: clave {key!r} no es capítulo, concepto ni genérica")
    return entries


def funding_source_defaults() -> list[tuple[str, str]]:
    return _rows(SOURCES_FILE)


def cog_sync(chapter_model: Any, concept_model: Any, generic_model: Any) -> dict[str, int]:
    """Create or rename every entry of the classifier; returns counts by outcome. Entries
    no longer in the file are kept (partidas específicas may hang from them)."""
    counts = {"creados": 0, "actualizados": 0, "sin cambios": 0}
    models_by_level = {"chapter": chapter_model, "concept": concept_model, "generic": generic_model}
    parent_field = {"concept": "chapter", "generic": "concept"}
    stored: dict[str, dict[str, Any]] = {
        level: {obj.key: obj for obj in model.objects.all()}
        for level, model in models_by_level.items()
    }
    parent_level = {"concept": "chapter", "generic": "concept"}
    for entry in cog_entries():
        model = models_by_level[entry.level]
        obj = stored[entry.level].get(entry.key)
        values: dict[str, Any] = {"name": entry.name}
        if entry.level in parent_field:
            values[parent_field[entry.level]] = stored[parent_level[entry.level]][entry.parent]
        if obj is None:
            obj = model.objects.create(key=entry.key, **values)
            stored[entry.level][entry.key] = obj
            counts["creados"] += 1
            continue
        if all(getattr(obj, k) == v for k, v in values.items()):
            counts["sin cambios"] += 1
            continue
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        counts["actualizados"] += 1
    return counts
