"""Import the transparency format «Objetivos y metas institucionales» (LGT art. 70 fr. IV,
CDMX art. 121 fr. IV): one ``AreaObjective`` per data row.

Columns are found by their header texts (accent-, case- and punctuation-insensitive, so the
variants «Denominación del área» / «… del Área o Unidad Responsable», «genera(n)» /
«generen», with or without «Fecha de validación» all work); the header row may repeat on
every page and may change wording between pages. Lines without tabs are page furniture
(titles, legal basis, «Período de actualización») when they come before the first header,
after the last data row or more than once; otherwise they are reported.

Ejercicio rule: one file is one ejercicio. The rows are stored under ``year`` when given
(the operator's explicit choice), otherwise under the Ejercicio most rows carry. A row whose
Ejercicio differs is still stored under the file's ejercicio — so re-importing the file
replaces exactly its own rows (natural key institution + ejercicio + row number) — and gets
a finding saying so.

Hyperlinks are checked against ``Institution.web_domains``. When the institution has none,
the domain is inferred for this run only (the most frequent host of the file that contains
the institution's code) and every message says it was inferred; the institution is never
changed by an import.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from rumbo.audit.services import Actor, Change
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Institution
from rumbo.institutions.services import area_resolve_many, similarity
from rumbo.programs.models import AreaObjective

from .base import (
    FindingDraft,
    ImportFailure,
    ImportReport,
    SourceText,
    Syncer,
    bind_findings,
    read_text_file,
    run_import,
)

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
# Everything but the dates: a row equal in these is a duplicate of the earlier one.
DUPLICATE_FIELDS = (
    "year_text",
    "area",
    "objective",
    "indicator",
    "goal",
    "unit",
    "hyperlink",
    "responsible",
    "note",
)
DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
YEAR_RE = re.compile(r"^\d{4}$")
HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
FREQUENCIES = [
    "diaria",
    "diario",
    "semanal",
    "catorcenal",
    "quincenal",
    "mensual",
    "bimestral",
    "trimestral",
    "cuatrimestral",
    "semestral",
    "anual",
    "bianual",
    "bienal",
    "trienal",
    "cuatrienal",
    "quinquenal",
    "sexenal",
]
FREQUENCY_WORDS = (
    set(FREQUENCIES)
    | {f + "es" for f in FREQUENCIES if f.endswith("l")}
    | {f + "s" for f in FREQUENCIES if f.endswith(("a", "o"))}
    | {f + "mente" for f in FREQUENCIES if f.endswith("l")}
    | {"diariamente", "frecuencia", "periodicidad", "de", "y", "o"}
)
# Near-equality between the meta and the indicator (0–1, difflib ratio on normalized text).
META_SIMILARITY = 0.90


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


# ---------------------------------------------------------------- parse


def _header_columns(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = normalize(cell)
        for name, pattern, _, _ in COLUMNS:
            if name not in columns and re.search(pattern, key):
                columns[name] = index
                break
    return columns


def _parse_date(text: str) -> date | None:
    m = DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,]\d+)?", text)


def _meta_problem(goal: str, indicator: str) -> str | None:
    g, i = normalize(goal), normalize(indicator)
    if not g:
        return None  # reported as an empty required cell
    if g == i:
        return "La meta repite el texto del indicador en lugar de expresar una cantidad."
    if i and _numbers(goal) == _numbers(indicator) and similarity(g, i) >= META_SIMILARITY:
        return "La meta es casi igual al texto del indicador y no expresa otra cantidad."
    if not re.search(r"\d|%", goal):
        return "La meta no expresa una cantidad (no tiene cifras ni porcentaje)."
    return None


def _is_frequency(unit: str) -> bool:
    words = normalize(unit).split()
    return (
        bool(words)
        and all(w in FREQUENCY_WORDS for w in words)
        and any(w not in {"frecuencia", "periodicidad", "de", "y", "o"} for w in words)
    )


def _check_row(parsed: ParsedObjectives, row: ObjectiveRow, required: list[str]) -> None:
    empty = [TITLES[name] for name in required if not getattr(row, _text_attr(name)).strip()]
    if empty:
        parsed.flag("empty_required", row, f"Celdas obligatorias vacías: {', '.join(empty)}.")
    for name in DATE_FIELDS:
        text = getattr(row, f"{name}_text")
        if not text:
            continue
        value = _parse_date(text)
        setattr(row, name, value)
        if value is None:
            parsed.flag(
                "date_format", row, f"{TITLES[name]}: «{text}» no es una fecha dd/mm/aaaa válida."
            )
    if row.year_text and not YEAR_RE.match(row.year_text):
        parsed.flag("date_format", row, f"Ejercicio ilegible: «{row.year_text}».")
    if row.period_start and row.period_end and row.period_start > row.period_end:
        parsed.flag(
            "date_format", row, "La fecha de inicio del periodo es posterior a la de término."
        )
    elif YEAR_RE.match(row.year_text) and any(
        d and d.year != int(row.year_text) for d in (row.period_start, row.period_end)
    ):
        parsed.flag(
            "date_format",
            row,
            f"El periodo informado ({row.period_start_text} – {row.period_end_text}) no está "
            f"dentro del ejercicio {row.year_text}.",
        )
    problem = _meta_problem(row.goal, row.indicator)
    if problem:
        parsed.flag("meta_not_quantified", row, problem)
    if _is_frequency(row.unit):
        parsed.flag(
            "unit_is_frequency",
            row,
            f"La unidad de medida «{row.unit}» es una frecuencia, no una unidad (p. ej. "
            "«Porcentaje», «Informe», «Solicitud»).",
        )


def _text_attr(name: str) -> str:
    return f"{name}_text" if name in DATE_FIELDS else ("year_text" if name == "year" else name)


def _furniture(source: SourceText) -> set[str]:
    counts = Counter(clean(line) for line in source.lines if "\t" not in line and line.strip())
    return {text for text, n in counts.items() if n > 1}


def parse_sipot_objectives(source: SourceText, *, year: int | None = None) -> ParsedObjectives:
    """Rows and findings of one file; raises ``ImportFailure`` when it is not this format."""
    parsed = ParsedObjectives(year=0)  # the year is known once every row is read
    rows = parsed.rows
    pending: list[tuple[int, str]] = []  # untabbed lines seen since the last row
    columns: dict[str, int] = {}
    width = 0
    repeated = _furniture(source)
    last_tabbed = max((n for n, ln in enumerate(source.lines, 1) if "\t" in ln), default=0)
    for number, raw in enumerate(source.lines, 1):
        if not raw.strip():
            continue
        if "\t" not in raw:
            if columns and clean(raw) not in repeated:
                pending.append((number, clean(raw)))
            continue
        cells = [clean(c) for c in raw.split("\t")]
        header = _header_columns(cells)
        if len(header) >= HEADER_MIN_MATCHES:
            missing = [TITLES[n] for n in sorted(HEADER_REQUIRED - set(header))]
            if missing:
                raise ImportFailure(
                    source.name,
                    f"encabezado sin las columnas {', '.join(missing)}; no parece {KIND_LABEL}",
                    number,
                )
            columns, width, pending = header, len(cells), []  # text before a header: page break
            continue
        if not columns:
            continue  # a table before the format's own header is not ours
        for line, text in pending:
            parsed.flag("unparsed_line", None, f"Texto entre las filas: «{text[:80]}».", line)
        pending = []
        # An export may drop the empty cells at the end of a row (Nota, Fecha de validación).
        short_ok = all(name in OPTIONAL for name, i in columns.items() if i >= len(cells))
        if len(cells) > width or not short_ok:
            if number == last_tabbed:
                raise ImportFailure(
                    source.name,
                    f"la última fila tiene {len(cells)} de {width} columnas; el archivo parece "
                    "truncado",
                    number,
                )
            parsed.flag(
                "unparsed_line",
                None,
                f"La fila tiene {len(cells)} columnas y el encabezado {width}; no se importó.",
                number,
            )
            continue
        row = ObjectiveRow(row_number=len(rows) + 1, line=number)
        for name, index in columns.items():
            setattr(row, _text_attr(name), cells[index] if index < len(cells) else "")
        rows.append(row)
    if not columns:
        raise ImportFailure(
            source.name,
            f"no parece {KIND_LABEL}: no tiene la fila de encabezados «Ejercicio · Fecha de "
            "inicio … · Denominación del área · Descripción de objetivos · Indicadores · "
            "Metas · Unidad de medida …»",
        )
    if not rows:
        raise ImportFailure(source.name, "no tiene filas de datos; el archivo parece truncado")

    parsed.year = _file_year(source, rows, year)
    # A list in column order: the message (part of the finding's identity) must be stable.
    required = [name for name, _, _, needed in COLUMNS if needed and name in columns]
    for row in rows:
        _check_row(parsed, row, required)
        if YEAR_RE.match(row.year_text) and int(row.year_text) != parsed.year:
            parsed.flag(
                YEAR_MISMATCH_CODE,
                row,
                f"La fila es del ejercicio {row.year_text}, pero el archivo se importó como "
                f"{parsed.year}; se guardó en {parsed.year}.",
            )
    _duplicates(parsed)
    return parsed


def _file_year(source: SourceText, rows: list[ObjectiveRow], year: int | None) -> int:
    if year is not None:
        if not 1990 <= year <= 2100:
            raise ImportFailure(source.name, f"ejercicio inválido: {year}")
        return year
    counts = Counter(int(r.year_text) for r in rows if YEAR_RE.match(r.year_text))
    counts = Counter({y: n for y, n in counts.items() if 1990 <= y <= 2100})
    ranked = counts.most_common()
    if not ranked:
        raise ImportFailure(
            source.name, "ninguna fila tiene un ejercicio legible; indíquelo con --year AAAA"
        )
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        raise ImportFailure(
            source.name,
            f"el archivo mezcla los ejercicios {ranked[0][0]} y {ranked[1][0]} en igual "
            "número de filas; indique cuál es con --year AAAA",
        )
    return ranked[0][0]


def _duplicates(parsed: ParsedObjectives) -> None:
    """Rows equal (normalized) to an earlier one in everything but the dates."""
    first: dict[tuple[str, ...], ObjectiveRow] = {}
    for row in parsed.rows:
        key = tuple(normalize(getattr(row, n)) for n in DUPLICATE_FIELDS)
        if key in first:
            earlier = first[key]
            parsed.flag(
                "duplicate_row",
                row,
                f"Fila idéntica a la de la línea {earlier.line} (fila {earlier.row_number}), "
                "salvo las fechas.",
            )
        else:
            first[key] = row


# ---------------------------------------------------------------- hyperlinks


def _host(url: str) -> str | None:
    """The lower-case host of a well-formed http(s) URL, else None."""
    if not url or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not HOST_RE.match(host):
        return None
    return host


def _domain(text: str) -> str:
    value = text.strip().lower()
    value = re.sub(r"^[a-z]+://", "", value).split("/")[0]
    return value.removeprefix("www.")


def link_findings(
    parsed: ParsedObjectives, *, institution_code: str, web_domains: list[str]
) -> tuple[list[str], bool]:
    """Flag malformed links and links outside the institution's domains.

    Returns the domains used and whether they were inferred from the file.
    """
    domains = [_domain(d) for d in web_domains if _domain(d)]
    inferred = False
    if not domains:
        code = institution_code.lower()
        hosts = Counter(h for r in parsed.rows if (h := _host(r.hyperlink)) and code in h)
        if hosts:
            best = min(hosts.items(), key=lambda item: (-item[1], item[0]))[0]
            domains, inferred = [best.removeprefix("www.")], True
    shown = ", ".join(domains)
    if inferred:
        shown += " (inferido de este archivo: la institución no tiene dominios web registrados)"
    for row in parsed.rows:
        if not row.hyperlink:
            continue
        host = _host(row.hyperlink)
        if host is None:
            parsed.flag("suspicious_link", row, f"Hipervínculo mal formado: «{row.hyperlink}».")
            continue
        if domains and not any(host == d or host.endswith("." + d) for d in domains):
            parsed.flag(
                "suspicious_link",
                row,
                f"El hipervínculo apunta a «{host}», fuera del dominio de la institución, "
                f"{shown}: «{row.hyperlink}».",
            )
    if not domains and any(r.hyperlink for r in parsed.rows):
        parsed.flag(
            "suspicious_link",
            None,
            "No se revisó el dominio de los hipervínculos: la institución no tiene dominios web "
            f"registrados y ningún enlace del archivo contiene «{institution_code.lower()}».",
        )
    return domains, inferred


# ---------------------------------------------------------------- apply


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _area_findings(parsed: ParsedObjectives, matches: dict) -> None:  # type: ignore[type-arg]
    for row in parsed.rows:
        match = matches.get(row.area)
        if match is None:
            continue
        if match.kind in ("alias", "fuzzy"):
            # Stable wording: a fuzzy match becomes an alias on the next import, and the
            # finding must stay the same one (with its review status).
            parsed.flag(
                "area_alias",
                row,
                f"Área escrita «{clean(row.area)}»; se asignó a «{match.area.name} "
                f"({match.area.code})», su nombre canónico.",
            )
        elif match.kind == "ambiguous":
            parsed.flag("area_unresolved", row, match.message)


def _apply(
    parsed: ParsedObjectives, source: SourceText, actor: Actor
) -> Callable[[Institution, ImportReport, list[Change]], None]:
    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        domains, inferred = link_findings(
            parsed, institution_code=institution.code, web_domains=_as_list(institution.web_domains)
        )
        matches = area_resolve_many(
            institution=institution,
            labels=[r.area for r in parsed.rows if r.area],
            actor=actor,
            changes=changes,
        )
        _area_findings(parsed, matches)
        syncer = Syncer(
            AreaObjective,
            label="objetivo de área",
            # select_related: the audit trail prints each object, and str() shows the code.
            scope=AreaObjective.objects.filter(
                institution=institution, year=parsed.year
            ).select_related("institution"),
            key=lambda o: o.row_number,
            report=report,
            changes=changes,
        )
        objects = {}
        for row in parsed.rows:
            match = matches.get(row.area)
            if match is None:
                continue  # no area: reported as an empty required cell, not stored
            values = {
                "institution_id": institution.pk,
                "year": parsed.year,
                "row_number": row.row_number,
                "area_id": match.area.pk,
                "area_as_printed": row.area[:255],
                "period_start": row.period_start,
                "period_end": row.period_end,
                "objective": row.objective,
                "indicator": row.indicator,
                "goal": row.goal,
                "unit": row.unit[:255],
                "hyperlink": row.hyperlink,
                "responsible": row.responsible,
                "updated_on": row.updated_on,
                "note": row.note,
                "source_file": source.name,
                "source_line": row.line,
            }
            obj = syncer.sync(row.row_number, values)
            obj.institution = institution  # same id; spares a query per row in the audit trail
            objects[row.target] = obj
        syncer.flush()
        syncer.delete_unseen()
        report.findings.extend(parsed.findings)
        bind_findings(report.findings, objects)  # type: ignore[arg-type]
        report.extra.update(
            {
                "filas": len(parsed.rows),
                "áreas": len({m.area.pk for m in matches.values()}),
                "dominios_web": domains,
                "dominio_inferido": inferred,
            }
        )

    return apply


def import_sipot_objectives(
    path: str | Path,
    *,
    institution_code: str,
    year: int | None = None,
    dry_run: bool = False,
    actor: Actor,
) -> ImportReport:
    source = read_text_file(path, kind_label=KIND_LABEL)
    parsed = parse_sipot_objectives(source, year=year)
    return run_import(
        kind=KIND,
        source=source,
        institution_code=institution_code,
        year=parsed.year,
        dry_run=dry_run,
        actor=actor,
        apply=_apply(parsed, source, actor),
    )
