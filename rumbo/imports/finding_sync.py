"""Storing the findings of one import: which stored findings it re-evaluates, which it
still produces (kept, never duplicated), which it no longer produces (closed as resolved).

A finding about a stored object (an activity, a fr. IV row, a plan…) is identified by that
object, its code and its message — not by the file it came from — so importing a corrected
document under another name (``…_v2.txt``) closes the findings it fixed, and a document that
is still wrong keeps the one open finding. A finding with no object (an unreadable line, a
repeated header) is identified by its file and line.

An import of kind K (``paa``, ``sipot-objetivos``, ``pgd``) re-evaluates:

- every finding of the same file name (what it always did);
- the findings of kind K bound to an object the import synced or deleted (its
  ``ImportReport.evaluated``), whatever file they came from;
- for kinds with a year (the annual program, a fr. IV ejercicio), the file-level findings
  of kind K and that year from other files: the new file replaces their data.

A re-evaluated finding the import produces again keeps its status when a person reviewed
it (accepted, or resolved by hand); one an earlier import had closed is reopened. An open
finding the import no longer produces is closed as resolved, saying which import did it.
Every status change is in the audit trail of the import.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rumbo.audit.services import Change
from rumbo.institutions.models import Institution

from .models import FindingStatus, QualityFinding
from .review import finding_snapshot

if TYPE_CHECKING:
    from .base import FindingDraft

IMPORT_RESOLUTION_PREFIX = "Resuelto al importar"
# What imports wrote before findings were matched by object (still recognised as automatic).
LEGACY_IMPORT_RESOLUTION = "Ya no aparece al volver a importar el archivo."

MatchKey = tuple[Any, ...]


def object_key(content_type_id: int, object_id: int, code: str, message: str) -> MatchKey:
    return ("object", content_type_id, object_id, code, message)


def file_key(source_file: str, code: str, where: str, message: str) -> MatchKey:
    return ("file", source_file, code, where, message)


def stored_key(finding: QualityFinding) -> MatchKey:
    """The identity of a stored finding, computed from its fields (not its fingerprint, so
    findings stored before this rule match too)."""
    if finding.content_type_id and finding.object_id:
        return object_key(finding.content_type_id, finding.object_id, finding.code, finding.message)
    where = finding.object_label or str(finding.source_line or "")
    return file_key(finding.source_file, finding.code, where, finding.message)


def fingerprint(kind: str, key: MatchKey) -> str:
    basis = "|".join([kind, *(str(part) for part in key)])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def is_closed_by_import(finding: QualityFinding) -> bool:
    """Resolved by an import because it no longer appeared (not by a person's review)."""
    return (
        finding.status == FindingStatus.RESOLVED
        and finding.resolved_by_id is None
        and (
            finding.resolution_comment.startswith(IMPORT_RESOLUTION_PREFIX)
            or finding.resolution_comment == LEGACY_IMPORT_RESOLUTION
        )
    )


def _rank(finding: QualityFinding) -> tuple[int, int]:
    """Which of several stored findings with one identity survives: a reviewed one first."""
    if finding.status == FindingStatus.ACCEPTED:
        order = 0
    elif finding.status == FindingStatus.RESOLVED and not is_closed_by_import(finding):
        order = 1
    elif finding.status == FindingStatus.OPEN:
        order = 2
    else:
        order = 3
    return (order, -(finding.pk or 0))


def _scope(
    *,
    kind: str,
    year: int | None,
    source_file: str,
    evaluated: dict[type[models.Model], set[int]],
) -> Q:
    scope = Q(source_file=source_file) & (Q(kind=kind) | Q(kind=""))
    content_types = ContentType.objects.get_for_models(*evaluated)
    for model, pks in evaluated.items():
        if pks:
            scope |= Q(kind=kind, content_type=content_types[model], object_id__in=sorted(pks))
    if year is not None:
        scope |= Q(kind=kind, year=year) & (
            Q(content_type__isnull=True) | Q(object_id__isnull=True)
        )
    return scope


_UPDATED_FIELDS = [
    "source_file",
    "source_line",
    "year",
    "kind",
    "fingerprint",
    "content_type",
    "object_id",
    "status",
    "resolved_by",
    "resolved_at",
    "resolution_comment",
    "updated_at",
]


def findings_sync(
    *,
    institution: Institution,
    kind: str,
    year: int | None,
    source_file: str,
    drafts: Sequence[FindingDraft],
    evaluated: dict[type[models.Model], set[int]],
    changes: list[Change],
) -> tuple[int, int]:
    """Store the findings of one import (see the module doc); status changes go to
    ``changes`` for the import's audit trail. Returns (closed, reopened)."""
    now = timezone.now()
    stored: dict[MatchKey, list[QualityFinding]] = defaultdict(list)
    for finding in (
        QualityFinding.objects.filter(institution=institution)
        .filter(_scope(kind=kind, year=year, source_file=source_file, evaluated=evaluated))
        .select_related("resolved_by")
    ):
        stored[stored_key(finding)].append(finding)
    content_types: dict[type, ContentType] = {}
    to_create: list[QualityFinding] = []
    kept: list[QualityFinding] = []
    closed: list[QualityFinding] = []
    renamed: list[QualityFinding] = []  # duplicates whose fingerprint a survivor takes over
    reopened = 0
    seen: set[MatchKey] = set()

    def close(finding: QualityFinding, comment: str) -> None:
        before = finding_snapshot(finding)
        finding.status = FindingStatus.RESOLVED
        finding.resolved_by = None
        finding.resolved_at = now
        finding.resolution_comment = comment
        finding.updated_at = now  # bulk_update does not touch auto_now fields
        closed.append(finding)
        changes.append(Change("finding.resolved", finding, before, finding_snapshot(finding)))

    for draft in drafts:
        ct = None
        object_id = None
        if draft.obj is not None and draft.obj.pk:
            model = type(draft.obj)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model)
            ct = content_types[model]
            object_id = draft.obj.pk
        label = draft.object_label[:255]
        if ct is not None and object_id is not None:
            key = object_key(ct.pk, object_id, draft.code, draft.message)
        else:
            key = file_key(source_file, draft.code, label or str(draft.line or ""), draft.message)
        if key in seen:
            continue
        seen.add(key)
        fp = fingerprint(kind, key)
        group = sorted(stored.get(key, []), key=_rank)
        if not group:
            to_create.append(
                QualityFinding(
                    institution=institution,
                    kind=kind,
                    year=year,
                    source_file=source_file,
                    source_line=draft.line,
                    severity=draft.severity,
                    code=draft.code,
                    message=draft.message,
                    content_type=ct,
                    object_id=object_id,
                    object_label=label,
                    fingerprint=fp,
                )
            )
            continue
        finding, duplicates = group[0], group[1:]
        for duplicate in duplicates:
            # Stored before findings were matched by object: one copy per file name.
            if duplicate.fingerprint == fp:
                duplicate.fingerprint = fingerprint(kind, (*key, "duplicado", duplicate.pk))
                if duplicate.status != FindingStatus.OPEN:
                    duplicate.updated_at = now
                    renamed.append(duplicate)
            if duplicate.status == FindingStatus.OPEN:
                close(
                    duplicate,
                    f"{IMPORT_RESOLUTION_PREFIX} {source_file}: es el mismo hallazgo que el "
                    f"n.º {finding.pk}, que se conserva.",
                )
        current = {
            "source_file": source_file,
            "source_line": draft.line,
            "year": year,
            "kind": kind,
            "fingerprint": fp,
        }
        changed = {k: v for k, v in current.items() if getattr(finding, k) != v}
        for name, value in changed.items():
            setattr(finding, name, value)
        if is_closed_by_import(finding):
            before = finding_snapshot(finding)
            finding.status = FindingStatus.OPEN
            finding.resolved_at = None
            finding.resolution_comment = ""
            changes.append(Change("finding.reopen", finding, before, finding_snapshot(finding)))
            reopened += 1
            changed["status"] = FindingStatus.OPEN
        if changed:
            finding.updated_at = now
            kept.append(finding)

    stale = [
        f
        for key, group in stored.items()
        if key not in seen
        for f in group
        if f.status == FindingStatus.OPEN
    ]
    for finding in stale:
        origin = "" if finding.source_file == source_file else f" (era de {finding.source_file})"
        close(finding, f"{IMPORT_RESOLUTION_PREFIX} {source_file}: ya no aparece{origin}.")
    # Duplicates first: a survivor may take over the fingerprint a duplicate held.
    if closed or renamed:
        QualityFinding.objects.bulk_update([*closed, *renamed], _UPDATED_FIELDS, batch_size=500)
    if kept:
        QualityFinding.objects.bulk_update(kept, _UPDATED_FIELDS, batch_size=500)
    QualityFinding.objects.bulk_create(to_create, batch_size=500)
    return len(closed), reopened
