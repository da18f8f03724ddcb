"""Approved versions of an annual program: what was approved, frozen and fingerprinted.

A version's ``snapshot`` is the canonical content of the program's targets at the moment
of approval — every activity's key, description, unit, area, annual target and twelve
monthly targets, sorted by key — plus what higher apps add through
``register_version_content`` (the MIRs' indicator targets, filled by
``rumbo/indicators/apps.py``). Its SHA-256 is taken over ``canonical_json(snapshot)``:
UTF-8, keys sorted, no spaces, numbers as decimal strings without trailing zeros. Anyone
can recompute it from the stored snapshot (``version_verify``).

Version 1 is the baseline (the program as the Consejo approved it); every approved
adjustment request makes the next one. Rows are never updated or deleted (the model, its
queryset and a database trigger refuse it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from .models import Activity, AnnualProgram, MonthlyTarget, ProgramVersion

SCHEMA = 1  # the snapshot's layout; a new layout gets a new number

VersionContent = Callable[[AnnualProgram], dict[str, Any]]
_CONTENT: list[VersionContent] = []


def register_version_content(provider: VersionContent) -> None:
    """A higher app adds its frozen part of the program (a dict merged into the
    snapshot, under keys of its own)."""
    if provider not in _CONTENT:
        _CONTENT.append(provider)


def decimal_text(value: Decimal | None) -> str | None:
    """12.5000 → "12.5", 12 → "12", None → None: one spelling per number."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def activity_content(activity: Activity) -> dict[str, Any]:
    months: list[str | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = decimal_text(mt.quantity)
    return {
        "key": activity.key,
        "description": activity.description,
        "unit": activity.unit.name if activity.unit else None,
        "area": activity.area.code if activity.area else None,
        "annual_target": decimal_text(activity.annual_target),
        "monthly_targets": months,
    }


def program_content(program: AnnualProgram) -> dict[str, Any]:
    """The snapshot of ``program`` as it is now (3 queries plus each provider's)."""
    activities = (
        Activity.objects.filter(program=program)
        .select_related("unit", "area")
        .prefetch_related(
            Prefetch("monthly_targets", queryset=MonthlyTarget.objects.order_by("month"))
        )
        .order_by("key")
    )
    content: dict[str, Any] = {
        "schema": SCHEMA,
        "institution": program.institution.code,
        "year": program.year,
        "activities": [activity_content(a) for a in activities],
    }
    for provider in _CONTENT:
        content.update(provider(program))
    return content


def canonical_json(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def version_freeze(
    *,
    program: AnnualProgram,
    user: Any,
    reason: str,
    at: datetime,
    adjustment_id: int | None = None,
) -> ProgramVersion:
    """Freeze the program as it is now as its next version and make it the one in force.
    The caller holds the transaction (and has locked the program row)."""
    last = ProgramVersion.objects.filter(program=program).order_by("-number").first()
    snapshot = program_content(program)
    version = ProgramVersion.objects.create(
        program=program,
        number=(last.number + 1) if last else 1,
        approved_at=at,
        approved_by=user,
        reason=reason,
        adjustment_id=adjustment_id,
        snapshot=snapshot,
        sha256=digest(snapshot),
    )
    AnnualProgram.objects.filter(pk=program.pk).update(version=version.number)
    program.version = version.number
    return version


def version_verify(version: ProgramVersion) -> bool:
    """Whether the stored digest matches the stored snapshot."""
    return digest(version.snapshot) == version.sha256


def version_list(program: AnnualProgram) -> list[ProgramVersion]:
    return list(ProgramVersion.objects.filter(program=program).select_related("approved_by"))


def version_get(program: AnnualProgram, number: int) -> ProgramVersion | None:
    return ProgramVersion.objects.filter(program=program, number=number).first()


def baseline_snapshot(program: AnnualProgram) -> dict[str, Any]:
    """The whole snapshot of version 1 (the approved baseline): the activities' part and
    each provider's (``"indicators"``: ``rumbo/indicators/versions.py``); empty before
    approval. One query."""
    baseline = ProgramVersion.objects.filter(program=program, number=1).only("snapshot").first()
    return baseline.snapshot if baseline is not None else {}


def baseline_targets(program: AnnualProgram) -> dict[str, dict[str, Any]]:
    """Activity key → its content in version 1 (the approved baseline); empty before
    approval. One query."""
    return {a["key"]: a for a in baseline_snapshot(program).get("activities", [])}


def to_decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def version_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots, activity by activity (and item by item for
    each provider's list content): ``[{"kind": "activities", "key", "change":
    "alta"|"baja"|"cambio", "fields": {name: [before, after]}}]``."""
    changes: list[dict[str, Any]] = []
    for section in sorted(set(old) | set(new)):
        before, after = old.get(section), new.get(section)
        if not isinstance(before, list) and not isinstance(after, list):
            continue
        changes.extend(_list_diff(section, before or [], after or []))
    return changes


def _list_diff(section: str, before: list[dict], after: list[dict]) -> list[dict[str, Any]]:
    old = {str(item.get("key")): item for item in before}
    new = {str(item.get("key")): item for item in after}
    out: list[dict[str, Any]] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None:
            out.append({"kind": section, "key": key, "change": "alta", "fields": {}, "item": b})
        elif b is None:
            out.append({"kind": section, "key": key, "change": "baja", "fields": {}, "item": a})
        else:
            fields = {
                f: [a.get(f), b.get(f)] for f in sorted(set(a) | set(b)) if a.get(f) != b.get(f)
            }
            if fields:
                out.append(
                    {"kind": section, "key": key, "change": "cambio", "fields": fields, "item": b}
                )
    return out


def baseline_months(program: AnnualProgram) -> dict[str, tuple[Decimal | None, dict[int, Decimal]]]:
    """Activity key → (annual target, {month: target}) of the approved baseline (version
    1); empty before approval. One query."""
    out: dict[str, tuple[Decimal | None, dict[int, Decimal]]] = {}
    for key, item in baseline_targets(program).items():
        months = {
            m: Decimal(v) for m, v in enumerate(item["monthly_targets"], start=1) if v is not None
        }
        out[key] = (to_decimal(item["annual_target"]), months)
    return out


def in_force_since(program: str = "program") -> Subquery:
    """An annotation for a queryset whose rows reach a program at ``program`` (a field
    path): when the program's version in force was approved; null before approval. It
    costs no query of its own (``version_label(…, since=…)`` prints it)."""
    return Subquery(
        ProgramVersion.objects.filter(
            program=OuterRef(program), number=OuterRef(f"{program}__version")
        ).values("approved_at")[:1]
    )


def version_label(program: AnnualProgram, *, since: datetime | None = None) -> str:
    """What a report or an export says about the targets it used: «Metas de la versión 3
    del programa (aprobado con el acuerdo X del dd/mm/aaaa)», with «, vigente desde el
    dd/mm/aaaa» when ``since`` (the version's approval, ``in_force_since``) is given; or
    that none is approved yet."""
    if program.version:
        agreement = ""
        if program.agreement:
            when = f" del {program.approved_on:%d/%m/%Y}" if program.approved_on else ""
            agreement = f" (aprobado con el acuerdo {program.agreement}{when})"
        in_force = f", vigente desde el {timezone.localtime(since):%d/%m/%Y}" if since else ""
        return f"Metas de la versión {program.version} del programa{agreement}{in_force}."
    return f"Metas del programa {program.get_state_display().lower()}: aún sin versión aprobada."
