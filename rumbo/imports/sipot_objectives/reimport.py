"""What an import of the fr. IV file does with the rows corrected in Rumbo.

A corrected row keeps its correction while the file's row is exactly what it was when the
row was first corrected (re-importing the same, unfixed file must not undo the fix); the
row's findings are then those of the corrected row. When the file's row has changed since
(the source was fixed, or its rows moved), the file wins, visibly: the update is in the
audit trail with the corrected values as «before», the import summary lists the row, and
the findings the correction had resolved are reopened (the import then closes those it no
longer produces). A corrected row the file no longer has is deleted and listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rumbo.audit.services import Change
from rumbo.programs.models import AreaObjective

from ..base import jsonable
from ..models import FindingStatus, QualityFinding
from ..review import finding_snapshot
from .corrections import (
    CORRECTABLE,
    IMPORTED_FIELDS,
    RECHECKED_CODES,
    RESOLUTION_PREFIX,
    recheck,
    row_for_check,
)
from .layout import ParsedObjectives


@dataclass
class Merge:
    """What an import did with the corrections of its rows (row numbers)."""

    kept: list[int] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    reopen: list[int] = field(default_factory=list)  # finding ids

    def summary(self) -> dict[str, list[int]]:
        out = {
            "correcciones_conservadas": self.kept,
            "correcciones_reemplazadas": self.replaced,
            "correcciones_eliminadas": self.deleted,
        }
        return {k: v for k, v in out.items() if v}

    def notes(self) -> list[str]:
        notes = []
        if self.kept:
            notes.append(
                "Correcciones hechas en Rumbo que se conservaron (el archivo no cambió esas "
                f"filas desde que se corrigieron): {_rows(self.kept)}."
            )
        if self.replaced:
            notes.append(
                "Correcciones hechas en Rumbo que el archivo reemplazó porque cambió esas filas "
                "desde que se corrigieron (el historial guarda los valores corregidos; se "
                "reabrieron los hallazgos que la corrección había resuelto): "
                f"{_rows(self.replaced)}."
            )
        if self.deleted:
            notes.append(
                "Filas corregidas en Rumbo que el archivo ya no trae y se eliminaron (el "
                f"historial guarda sus valores): {_rows(self.deleted)}."
            )
        return notes


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:20]) + (" …" if len(numbers) > 20 else "")
    return f"fila {shown}" if len(numbers) == 1 else f"filas {shown}"


def correction_holds(existing: AreaObjective, values: Mapping[str, Any]) -> bool:
    """Whether the file's row is what it was when ``existing`` was first corrected."""
    imported = existing.correction.get("imported") or {}
    return all(
        jsonable(values.get(f)) == imported.get(f) for f in IMPORTED_FIELDS if f != "area_id"
    )


def merge_correction(
    merge: Merge, existing: AreaObjective | None, values: dict[str, Any]
) -> dict[str, Any]:
    """The values to store for one row of the file, given the stored row (call before
    ``Syncer.sync``): the corrected fields when the correction holds, else the file's and
    the correction is dropped (and its resolved findings marked to reopen)."""
    if existing is None or not existing.correction:
        return values
    if correction_holds(existing, values):
        merge.kept.append(existing.row_number)
        return {**values, **{f: getattr(existing, f) for f in CORRECTABLE}}
    merge.replaced.append(existing.row_number)
    merge.reopen.extend(existing.correction.get("findings", []))
    return {**values, "correction": {}}


def reopen_findings(merge: Merge, changes: list[Change]) -> None:
    """Reopen the findings resolved by corrections the file replaced (audited by the import)."""
    if not merge.reopen:
        return
    findings = list(
        QualityFinding.objects.filter(
            pk__in=merge.reopen,
            status=FindingStatus.RESOLVED,
            resolution_comment__startswith=RESOLUTION_PREFIX,
        ).select_related("resolved_by")
    )
    for finding in findings:
        previous = finding_snapshot(finding)
        finding.status = FindingStatus.OPEN
        finding.resolved_by = None
        finding.resolved_at = None
        finding.resolution_comment = ""
        finding.updated_at = timezone.now()
        changes.append(Change("finding.reopen", finding, previous, finding_snapshot(finding)))
    QualityFinding.objects.bulk_update(
        findings, ["status", "resolved_by", "resolved_at", "resolution_comment", "updated_at"]
    )


def recheck_kept(
    merge: Merge,
    parsed: ParsedObjectives,
    stored: Mapping[int, Mapping[str, Any]],
    area_names: Mapping[int, str],
    *,
    institution_code: str,
    web_domains: list[str],
) -> None:
    """Replace the file's findings of the rows whose correction was kept by those of the
    corrected rows (``stored``: row number → the values written, every row of the file)."""
    if not merge.kept:
        return
    kept = set(merge.kept)
    rows = [
        row_for_check(
            values,
            row_number=number,
            year=parsed.year,
            area_name=area_names.get(values["area_id"], ""),
        )
        for number, values in sorted(stored.items())
    ]
    drafts = recheck(rows, kept, institution_code=institution_code, web_domains=web_domains)
    parsed.findings = [
        d
        for d in parsed.findings
        if not (d.code in RECHECKED_CODES and d.target is not None and int(d.target[1]) in kept)
    ] + drafts
