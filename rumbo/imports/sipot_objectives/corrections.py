"""Correcting an imported fr. IV row in Rumbo (what the next import does with the correction
is in ``reimport``).

``area_objective_update`` is the one write of a row outside an import (the web page calls
it after checking ``Capability.EDIT_TRANSPARENCY``): it validates, saves and records the
audit event (before, after, reason), then re-runs the importer's row checks on the corrected
row: the open findings of that row whose code no longer fires are resolved (who, when and
the reason); those that still fire stay open.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.core.text import clean
from rumbo.institutions.models import Area
from rumbo.programs.models import AreaObjective

from ..base import FindingDraft, jsonable
from ..models import FindingStatus, QualityFinding
from ..review import finding_snapshot
from ..rowchecks import domains_label, link_domains, link_problem
from .checks import _check_row, _duplicates
from .layout import COLUMNS, ObjectiveRow, ParsedObjectives
from .links import link_findings

# What the row keeps of the file, to tell later whether the file's row is still the same.
IMPORTED_FIELDS = (
    "area_id",
    "area_as_printed",
    "period_start",
    "period_end",
    "objective",
    "indicator",
    "goal",
    "unit",
    "hyperlink",
    "responsible",
    "updated_on",
    "note",
)
# What a correction may change: every field the fr. IV formats publish from the row.
CORRECTABLE = (
    "area_id",
    "objective",
    "indicator",
    "goal",
    "unit",
    "hyperlink",
    "responsible",
    "note",
)
TEXT_FIELDS = ("objective", "indicator", "goal", "unit", "hyperlink", "responsible", "note")
REQUIRED_TEXT = ("objective", "indicator", "goal", "unit", "hyperlink", "responsible")
# Findings a correction can fix, re-checked on the corrected row. Not these: date_format
# (the dates are not edited here, and an unreadable date is not stored), year_mismatch,
# area_alias and area_unresolved (they describe the file's text), unparsed_line.
RECHECKED_CODES = frozenset(
    {
        "empty_required",
        "meta_not_quantified",
        "unit_is_frequency",
        "suspicious_link",
        "duplicate_row",
    }
)
RESOLUTION_PREFIX = "Resuelto al corregir la fila en Rumbo"
UNSET: Any = object()


@dataclass(frozen=True)
class CorrectionResult:
    row: AreaObjective
    changed: bool
    before: dict[str, Any]
    after: dict[str, Any]
    resolved: list[QualityFinding] = field(default_factory=list)
    still_open: list[QualityFinding] = field(default_factory=list)


def _dmy(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def row_for_check(
    values: Mapping[str, Any], *, row_number: int, year: int, area_name: str
) -> ObjectiveRow:
    """A stored row (model fields) in the importer's shape, for its row checks."""
    return ObjectiveRow(
        row_number=row_number,
        line=values.get("source_line") or 0,
        year_text=str(year),
        area=area_name,
        period_start_text=_dmy(values.get("period_start")),
        period_end_text=_dmy(values.get("period_end")),
        objective=values.get("objective") or "",
        indicator=values.get("indicator") or "",
        goal=values.get("goal") or "",
        unit=values.get("unit") or "",
        hyperlink=values.get("hyperlink") or "",
        responsible=values.get("responsible") or "",
        updated_on_text=_dmy(values.get("updated_on")),
        note=values.get("note") or "",
    )


def recheck(
    rows: list[ObjectiveRow],
    targets: Collection[int],
    *,
    institution_code: str,
    web_domains: list[str],
) -> list[FindingDraft]:
    """The importer's findings (``RECHECKED_CODES`` only) of the rows numbered ``targets``;
    ``rows`` are every row of the year (links and duplicates compare across rows)."""
    parsed = ParsedObjectives(year=0, rows=rows)
    required = [name for name, _, _, needed in COLUMNS if needed]
    for row in rows:
        if row.row_number in targets:
            _check_row(parsed, row, required)
    link_findings(parsed, institution_code=institution_code, web_domains=web_domains)
    _duplicates(parsed)
    return [
        d
        for d in parsed.findings
        if d.code in RECHECKED_CODES and d.target is not None and int(d.target[1]) in targets
    ]


def _values(row: AreaObjective) -> dict[str, Any]:
    return {f: getattr(row, f) for f in (*IMPORTED_FIELDS, "source_line")}


def _snapshot(row: AreaObjective, area: Area) -> dict[str, Any]:
    """What the audit trail shows of a row (JSON-safe)."""
    return {"area": area.code, **{f: getattr(row, f) for f in TEXT_FIELDS}}


def _web_domains(row: AreaObjective) -> list[str]:
    value = row.institution.web_domains or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _validate(row: AreaObjective, area: Area, texts: dict[str, str], reason: str) -> dict[str, str]:
    """Errors of the cells that change (a cell left as imported is not re-judged here: its
    findings stay open and the review page reports it)."""
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Escribe el motivo de la corrección: queda en el historial."
    if area.institution_id != row.institution_id:
        errors["area"] = "El área no pertenece a esta institución."
    changed = {name for name, text in texts.items() if text != getattr(row, name)}
    for name in changed & set(REQUIRED_TEXT):
        if not texts[name]:
            errors[name] = "Esta celda es obligatoria en el formato."
    if len(texts["unit"]) > 255:
        errors["unit"] = "La unidad de medida admite hasta 255 caracteres."
    link = texts["hyperlink"]
    if "hyperlink" in changed and link:
        registered = _web_domains(row)
        domains, inferred = link_domains(
            [], institution_code=row.institution.code, web_domains=registered
        )
        problem = link_problem(link, domains, domains_label(domains, inferred))
        if problem:
            errors["hyperlink"] = problem
    return errors


@transaction.atomic
def area_objective_update(
    *,
    actor: Actor,
    row: AreaObjective,
    area: Area = UNSET,
    objective: str = UNSET,
    indicator: str = UNSET,
    goal: str = UNSET,
    unit: str = UNSET,
    hyperlink: str = UNSET,
    responsible: str = UNSET,
    note: str = UNSET,
    reason: str,
) -> CorrectionResult:
    """Correct the published fields of an imported fr. IV row; only what is given changes.

    Required: the reason; a cell the format requires (objective, indicator, meta, unit,
    hyperlink, responsible area) cannot be emptied; a new hyperlink must be well formed and,
    when the institution has registered web domains, inside them. Raises ``ValidationError``
    (Spanish, per field). Resolves the row's open findings that the correction fixes.
    """
    row = (
        AreaObjective.objects.select_for_update(of=("self",))
        .select_related("area", "institution")
        .get(pk=row.pk)
    )
    given = {
        "objective": objective,
        "indicator": indicator,
        "goal": goal,
        "unit": unit,
        "hyperlink": hyperlink,
        "responsible": responsible,
        "note": note,
    }
    texts = {
        name: clean(getattr(row, name) if value is UNSET else value)
        for name, value in given.items()
    }
    new_area = row.area if area is UNSET else area
    reason = clean(reason)
    errors = _validate(row, new_area, texts, reason)
    if errors:
        raise ValidationError(errors)

    imported = {f: jsonable(v) for f, v in _values(row).items() if f in IMPORTED_FIELDS}
    before = _snapshot(row, row.area)
    row.area = new_area
    for name, value in texts.items():
        setattr(row, name, value)
    after = _snapshot(row, new_area)
    keys = [k for k in after if before[k] != after[k]]
    if not keys:
        return CorrectionResult(row=row, changed=False, before={}, after={})
    if not row.correction:
        row.correction = {"imported": imported, "findings": []}
    row.save()
    changed_before = {k: before[k] for k in keys}
    changed_after = {k: after[k] for k in keys}
    audit_record(
        actor=actor,
        institution_id=row.institution_id,
        action="area_objective.update",
        obj=row,
        before=changed_before,
        after=changed_after,
        reason=reason,
    )
    resolved, still_open = _resolve_fixed(actor=actor, row=row, reason=reason)
    return CorrectionResult(
        row=row,
        changed=True,
        before=changed_before,
        after=changed_after,
        resolved=resolved,
        still_open=still_open,
    )


def _resolve_fixed(
    *, actor: Actor, row: AreaObjective, reason: str
) -> tuple[list[QualityFinding], list[QualityFinding]]:
    """Resolve the row's open findings whose code no longer fires on the corrected row."""
    rows = list(
        AreaObjective.objects.filter(institution_id=row.institution_id, year=row.year)
        .select_related("area")
        .order_by("row_number")
    )
    drafts = recheck(
        [
            row_for_check(_values(o), row_number=o.row_number, year=o.year, area_name=o.area.name)
            for o in rows
        ],
        {row.row_number},
        institution_code=row.institution.code,
        web_domains=_web_domains(row),
    )
    fired = {d.code for d in drafts}
    open_findings = list(
        QualityFinding.objects.filter(
            content_type=ContentType.objects.get_for_model(AreaObjective),
            object_id=row.pk,
            status=FindingStatus.OPEN,
        ).order_by("source_line", "code", "pk")
    )
    fixed = [f for f in open_findings if f.code in RECHECKED_CODES and f.code not in fired]
    if not fixed:
        return [], open_findings
    user = actor.user if actor.user is not None and actor.user.pk else None
    now = timezone.now()
    changes = []
    for finding in fixed:
        previous = finding_snapshot(finding)
        finding.status = FindingStatus.RESOLVED
        finding.resolved_by = user  # type: ignore[assignment]  # AUTH_USER_MODEL is User
        finding.resolved_at = now
        finding.resolution_comment = f"{RESOLUTION_PREFIX}: {reason}"[:2000]
        finding.updated_at = now  # bulk_update does not touch auto_now fields
        changes.append(Change("finding.resolved", finding, previous, finding_snapshot(finding)))
    QualityFinding.objects.bulk_update(
        fixed, ["status", "resolved_by", "resolved_at", "resolution_comment", "updated_at"]
    )
    audit_record_many(
        actor=actor, institution_id=row.institution_id, changes=changes, reason=reason
    )
    row.correction = {
        **row.correction,
        "findings": sorted({*row.correction.get("findings", []), *(f.pk for f in fixed)}),
    }
    row.save(update_fields=["correction"])
    return fixed, [f for f in open_findings if f not in fixed]
