"""What every importer shares: reading files safely, reporting, syncing rows, findings.

An importer is two steps: ``parse`` (pure: text → dataclasses + finding drafts, raising
``ImportFailure`` on a fatal problem) and ``apply`` (writes through a ``Syncer`` inside the
transaction opened by ``run_import``). Nothing is written when parsing fails; a dry run
rolls everything back.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.core.errors import ImportFailure
from rumbo.core.spreadsheets import LIMITS, lines_refusal, size_refusal
from rumbo.institutions.models import Institution

from .finding_sync import findings_sync
from .findings import FINDING_CODES
from .models import ImportRun

MAX_FILE_BYTES = LIMITS.file_bytes  # every uploaded or imported file (rumbo.core.spreadsheets)


@dataclass
class SourceText:
    name: str
    lines: list[str]
    sha256: str
    encoding: str = "UTF-8"  # how the bytes were read, said to the user in the report

    def line(self, number: int) -> str:
        return self.lines[number - 1]


def read_text_file(path: str | Path, *, kind_label: str) -> SourceText:
    """Read a text document, refusing missing, empty, binary and undecodable files clearly."""
    p = Path(path)
    name = p.name
    if not p.exists():
        raise ImportFailure(str(path), "el archivo no existe")
    if p.is_dir():
        raise ImportFailure(str(path), "es una carpeta, no un archivo")
    if reason := size_refusal(p.stat().st_size):  # before reading it into memory
        raise ImportFailure(name, f"el archivo {reason}")
    raw = p.read_bytes()
    if not raw.strip():
        raise ImportFailure(name, f"el archivo está vacío; se esperaba {kind_label}")
    if b"\x00" in raw[:8192]:
        raise ImportFailure(name, f"es un archivo binario; se esperaba texto de {kind_label}")
    text, encoding = decode_text(raw, name)
    if reason := lines_refusal(text):
        raise ImportFailure(name, f"el archivo {reason}")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return SourceText(
        name=name, lines=lines, sha256=hashlib.sha256(raw).hexdigest(), encoding=encoding
    )


# A multi-byte UTF-8 sequence: in a Windows-1252 text these byte pairs are a capital letter
# with an accent followed by a symbol («Ã©»), which Spanish text does not write.
_UTF8_SEQUENCE_RE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """The text of ``raw`` and the name of its encoding: UTF-8 (with or without BOM) first,
    then Windows-1252, the encoding of text saved by Windows tools in Spanish.

    Bytes that are valid in neither, or a UTF-8 text with a few bytes of another encoding
    (which Windows-1252 would turn into «Ã©» everywhere), are refused with the line.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad, line = raw[exc.start], raw[: exc.start].count(b"\n") + 1
        if _UTF8_SEQUENCE_RE.search(raw):
            raise ImportFailure(
                name,
                f"el texto mezcla UTF-8 con otra codificación (byte 0x{bad:02x}); guárdelo de "
                "nuevo en UTF-8",
                line,
            ) from exc
        try:
            return raw.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as again:
            bad, line = raw[again.start], raw[: again.start].count(b"\n") + 1
            raise ImportFailure(
                name,
                f"el texto no está en UTF-8 ni en Windows-1252 (byte 0x{bad:02x}); guárdelo "
                "en UTF-8",
                line,
            ) from again
    return text, "UTF-8 con BOM" if raw.startswith(b"\xef\xbb\xbf") else "UTF-8"


@dataclass
class FindingDraft:
    """A quality finding discovered while parsing, before it is bound to a saved object."""

    code: str
    line: int | None
    message: str
    object_label: str = ""
    target: tuple[str, str] | None = None  # (kind, natural key) resolved by the importer
    obj: models.Model | None = None

    def __post_init__(self) -> None:
        if self.code not in FINDING_CODES:
            raise ValueError(f"unknown finding code {self.code!r}")

    @property
    def severity(self) -> str:
        return FINDING_CODES[self.code].severity


@dataclass
class ImportReport:
    kind: str
    source_file: str
    institution: str
    year: int | None = None
    dry_run: bool = False
    encoding: str = ""  # of the source text; empty for inputs that are not text
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    findings: list[FindingDraft] = field(default_factory=list)
    findings_closed: int = 0
    findings_reopened: int = 0
    # The stored objects this import synced or deleted, by model: their findings are
    # re-evaluated whatever file they came from (rumbo.imports.finding_sync).
    evaluated: defaultdict[type[models.Model], set[int]] = field(
        default_factory=lambda: defaultdict(set)
    )
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # said to the user after the counts

    def findings_by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.source_file,
            "institution": self.institution,
            "year": self.year,
            "dry_run": self.dry_run,
            **({"encoding": self.encoding} if self.encoding else {}),
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "deleted": dict(self.deleted),
            "findings": self.findings_by_code(),
            "findings_total": len(self.findings),
            "findings_closed": self.findings_closed,
            "findings_reopened": self.findings_reopened,
            **self.extra,
        }

    def to_text(self) -> str:
        def fmt(counter: Counter[str]) -> str:
            return ", ".join(f"{k}: {v}" for k, v in sorted(counter.items())) or "nada"

        head = "Simulación (no se guardó nada)" if self.dry_run else "Importación completada"
        lines = [
            f"{head}: {self.kind} · {self.source_file} · {self.institution}"
            + (f" · {self.year}" if self.year else ""),
            *([f"  codificación: {self.encoding}"] if self.encoding else []),
            f"  creados:      {fmt(self.created)}",
            f"  actualizados: {fmt(self.updated)}",
            f"  sin cambios:  {fmt(self.unchanged)}",
        ]
        if self.deleted:
            lines.append(f"  eliminados:   {fmt(self.deleted)}")
        codes = self.findings_by_code()
        detail = ", ".join(f"{k}: {v}" for k, v in codes.items())
        lines.append(f"  hallazgos:    {len(self.findings)}" + (f" ({detail})" if detail else ""))
        if self.findings_closed:
            lines.append(f"  hallazgos ya no presentes (cerrados): {self.findings_closed}")
        if self.findings_reopened:
            lines.append(
                f"  hallazgos cerrados antes que volvieron a aparecer (reabiertos): "
                f"{self.findings_reopened}"
            )
        lines.extend(f"  aviso: {note}" for note in self.notes)
        return "\n".join(lines)


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # «900», never «9E+2» (what str() of a normalised 900 gives).
        return f"{value.normalize():f}" if value == value else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


M = TypeVar("M", bound=models.Model)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        if a is None or b is None:
            return a is b
        return Decimal(a) == Decimal(b)
    return bool(a == b)


class Syncer(Generic[M]):
    """Create-or-update rows of one model by natural key with a constant number of queries.

    Loads the existing rows of a scope once, compares field values, then writes with
    ``bulk_create``/``bulk_update``. Counts go to the report; changes go to the audit list.
    """

    def __init__(
        self,
        model: type[M],
        *,
        label: str,
        scope: models.QuerySet[M],
        key: Callable[[M], Any],
        report: ImportReport,
        changes: list[Change],
    ) -> None:
        self.model = model
        self.label = label
        self.report = report
        self.changes = changes
        self.existing: dict[Any, M] = {key(obj): obj for obj in scope}
        self.seen: set[Any] = set()
        self._to_create: list[M] = []
        self._to_update: dict[Any, M] = {}
        self._update_fields: set[str] = set()

    def sync(self, natural_key: Any, values: dict[str, Any]) -> M:
        self.seen.add(natural_key)
        obj = self.existing.get(natural_key)
        if obj is None:
            obj = self.model(**values)
            self._to_create.append(obj)
            self.existing[natural_key] = obj
            self.report.created[self.label] += 1
            return obj
        diff = {k: v for k, v in values.items() if not _same(getattr(obj, k), v)}
        if not diff:
            self.report.unchanged[self.label] += 1
            return obj
        before = {k: jsonable(getattr(obj, k)) for k in diff}
        for k, v in diff.items():
            setattr(obj, k, v)
        self._to_update[natural_key] = obj
        self._update_fields.update(diff)
        self.report.updated[self.label] += 1
        self.changes.append(
            Change("update", obj, before, {k: jsonable(v) for k, v in diff.items()})
        )
        return obj

    def flush(self) -> None:
        if self._to_create:
            self.model._default_manager.bulk_create(self._to_create, batch_size=500)
            for obj in self._to_create:
                self.changes.append(Change("create", obj, None, {"key": str(_natural_label(obj))}))
        self.report.evaluated[self.model].update(
            pk for k in self.seen if (pk := self.existing[k].pk) is not None
        )
        if self._to_update:
            self.model._default_manager.bulk_update(
                list(self._to_update.values()), sorted(self._update_fields), batch_size=500
            )
        self._to_create = []
        self._to_update = {}
        self._update_fields = set()

    def delete_unseen(self) -> int:
        """Delete rows of the scope that the file no longer contains."""
        gone = [obj for k, obj in self.existing.items() if k not in self.seen and obj.pk]
        self.report.evaluated[self.model].update(obj.pk for obj in gone)
        if gone:
            for obj in gone:
                self.changes.append(Change("delete", obj, {"key": str(_natural_label(obj))}, None))
            self.model._default_manager.filter(pk__in=[o.pk for o in gone]).delete()
            self.report.deleted[self.label] += len(gone)
        return len(gone)


def _natural_label(obj: models.Model) -> Any:
    for attr in ("key", "code", "row_number", "name"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    return obj.pk


class _DryRunRollback(Exception):
    pass


def institution_get_or_create(*, code: str, actor: Actor) -> tuple[Institution, bool]:
    code = code.strip().upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        raise ImportFailure("--institution", f"clave de institución inválida: {code!r}")
    institution = Institution.objects.filter(code=code).first()
    if institution:
        return institution, False
    institution = Institution.objects.create(code=code, name=code, short_name=code)
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="create",
        obj=institution,
        after={"code": code},
        reason="Creada al importar",
    )
    return institution, True


def run_import(
    *,
    kind: str,
    source: SourceText,
    institution_code: str,
    year: int | None,
    dry_run: bool,
    actor: Actor,
    apply: Callable[[Institution, ImportReport, list[Change]], None],
) -> ImportReport:
    """Run ``apply`` in one transaction, then store findings, the audit trail and the run."""
    report = ImportReport(
        kind=kind,
        source_file=source.name,
        institution=institution_code.strip().upper(),
        year=year,
        dry_run=dry_run,
        encoding=source.encoding,
    )
    try:
        with transaction.atomic():
            institution, created = institution_get_or_create(code=institution_code, actor=actor)
            if created:
                report.created["institución"] += 1
            changes: list[Change] = []
            apply(institution, report, changes)
            report.findings_closed, report.findings_reopened = findings_sync(
                institution=institution,
                kind=kind,
                year=report.year,
                source_file=source.name,
                drafts=report.findings,
                evaluated=report.evaluated,
                changes=changes,
            )
            audit_record_many(
                actor=actor,
                institution_id=institution.pk,
                changes=changes,
                reason=f"Importación {kind} de {source.name}",
            )
            ImportRun.objects.create(
                institution=institution,
                kind=kind,
                year=report.year,
                source_file=source.name,
                sha256=source.sha256,
                summary=report.to_dict(),
                actor=actor.label,
            )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def bind_findings(
    drafts: Iterable[FindingDraft], objects: Mapping[tuple[str, str], models.Model]
) -> None:
    """Attach each draft to the saved object its ``target`` names."""
    for draft in drafts:
        if draft.target and draft.obj is None:
            draft.obj = objects.get(draft.target)
