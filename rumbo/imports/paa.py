"""Importer of the IEEM «Programa Anual de Actividades» (subprograma → proyecto → actividad).

The text comes from a PDF, one table row per line with tab-separated cells:

- front matter with a structure table ``NO. ÁREA DESCRIPCIÓN PROYECTOS ACTIVIDADES`` (one
  row per subprogram and a ``Total``);
- per subprogram a summary (``Subprograma NN: nombre``, ``Área:``, ``Objetivo General:``,
  a ``Clave Proyectos Específicos: Activ.`` table with its ``Total``, ``Marco Legal:``) and
  the detail table (``Cantidad Anual Ene … Dic Tipo de Beneficiarios/Destinatarios
  Cantidad``) interrupted by page headers and repeated table headers;
- in the detail, project lines (``0101``) and activity lines (``010101`` description …
  unit) whose figures (annual, months, beneficiary type, beneficiary quantity) sit on the
  next line or on the same line.

``parse_paa`` is pure: text → dataclasses + finding drafts, ``ImportFailure`` when the file
is not this layout or looks truncated. ``import_paa`` writes the result with ``Syncer``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import Any

from rumbo.audit.services import Actor, Change
from rumbo.core.numbers import format_mx, parse_number
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.services import area_resolve_many
from rumbo.programs.models import (
    DEFAULT_LEVEL_NAMES,
    Activity,
    AnnualProgram,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)

from .base import (
    FindingDraft,
    ImportFailure,
    ImportReport,
    SourceText,
    Syncer,
    bind_findings,
    jsonable,
    read_text_file,
    run_import,
)

KIND = "paa"
KIND_LABEL = "un Programa Anual de Actividades"
MONTHS = ("Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic")
QUANTUM = Decimal("0.0001")  # the precision of the quantity columns

_TITLE_RE = re.compile(r"^programa anual de actividades (\d{4})$")  # on normalize()d text
_SUBPROGRAM_RE = re.compile(r"^Subprograma\s+(\d{1,3})\s*[:.\-]\s*(.*)$", re.IGNORECASE)
_AREA_RE = re.compile(r"^[ÁA]rea\s*:\s*(.+)$", re.IGNORECASE)
_OBJECTIVE_RE = re.compile(r"^Objetivos? Generale?s?\s*:?\s*(.*)$", re.IGNORECASE)
_LEGAL_RE = re.compile(r"^Marco Legal\s*:\s*(.*)$", re.IGNORECASE)
_KEY_RE = re.compile(r"^ *(\d{6}|\d{4})([ \t]+)(.*)$")
_GLUED_RE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)\s+(\D.*)$")
_TOTAL_PREFIX_RE = re.compile(r"^\s*total\s*:?\s*", re.IGNORECASE)
_QTY_SEPARATORS_RE = re.compile(r"^(?:[\s,;.]|\by\b)*$")
_QTY_ITEM = r"(?:S\s*/\s*C|SC)\.?|{number}(?:\s?E(?![^\W\d_]))?"
_QTY_LOOSE_RE = re.compile(_QTY_ITEM.format(number=r"\d+(?:\.\d+)?"))
_QTY_THOUSANDS_RE = re.compile(
    _QTY_ITEM.format(number=r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
)


# ---------------------------------------------------------------------------------------
# Parsed document (plain data, no database)


@dataclass
class ParsedBeneficiary:
    description: str
    quantity: str


@dataclass
class ParsedActivity:
    key: str
    description: str
    line: int
    unit: str = ""
    annual: Decimal | None = None
    values_as_printed: list[str] = field(default_factory=list)  # '' = a blank cell
    months: dict[int, Decimal] = field(default_factory=dict)  # only the certain months
    beneficiaries: list[ParsedBeneficiary] = field(default_factory=list)

    @property
    def calendar_as_printed(self) -> str:
        return " | ".join(self.values_as_printed)


@dataclass
class ParsedProject:
    key: str
    name: str
    line: int
    declared_activities: int | None = None
    declared_line: int | None = None
    activities: list[ParsedActivity] = field(default_factory=list)


@dataclass
class ParsedSubprogram:
    key: str
    name: str
    line: int
    area_labels: list[tuple[str, int]] = field(default_factory=list)  # (label, line)
    objective: str = ""
    legal_framework: str = ""
    declared_activities: int | None = None
    declared_line: int | None = None
    projects: list[ParsedProject] = field(default_factory=list)

    @property
    def area_label(self) -> str:
        return self.area_labels[0][0] if self.area_labels else ""

    def activities(self) -> Iterator[ParsedActivity]:
        for project in self.projects:
            yield from project.activities


@dataclass
class ParsedProgram:
    name: str
    year: int | None
    year_line: int | None
    subprograms: list[ParsedSubprogram]
    findings: list[FindingDraft]

    def projects(self) -> Iterator[ParsedProject]:
        for subprogram in self.subprograms:
            yield from subprogram.projects

    def activities(self) -> Iterator[ParsedActivity]:
        for subprogram in self.subprograms:
            yield from subprogram.activities()


# ---------------------------------------------------------------------------------------
# Small pure rules


def calendar_certain_months(annual: Decimal, values: Sequence[Decimal]) -> dict[int, Decimal]:
    """The months (1–12) whose quantity is certain, given the monthly values read in order.

    With 12 values each one is its month. With fewer, ``12 - len(values)`` values were lost
    at unknown positions while the others kept their order. Quantities are never negative
    and the annual quantity is authoritative, so the lost values add up to
    ``annual - sum(values)``; they are known only when that is forced: a single lost value
    (it is the difference) or a difference of zero (they are all 0). A month is certain when
    every placement of the lost values gives it the same quantity. With a negative
    difference, or several lost values sharing a positive one, no month is certain.
    """
    if len(values) >= 12:
        return dict(enumerate(values[:12], start=1))
    missing = 12 - len(values)
    rest = annual - sum(values, Decimal(0))
    if rest < 0 or (missing > 1 and rest != 0):
        return {}
    lost = rest if missing == 1 else Decimal(0)
    seen: list[set[Decimal]] = [set() for _ in range(12)]
    for gaps in combinations(range(12), missing):
        found = iter(values)
        for month in range(12):
            seen[month].add(lost if month in gaps else next(found))
    return {month + 1: s.pop() for month, s in enumerate(seen) if len(s) == 1}


def _qty_items(text: str, pattern: re.Pattern[str]) -> list[str] | None:
    """The quantities of a beneficiary-quantity cell, or None if it holds something else."""
    items = [m.group(0).strip().rstrip(".") for m in pattern.finditer(text)]
    if not items or not _QTY_SEPARATORS_RE.match(pattern.sub(" ", text)):
        return None
    return items


def is_quantity(text: str) -> bool:
    """'13,1,S/C, S/C', '5,800 E', '8E y S/C', '2,300' — a beneficiary-quantity cell."""
    return _qty_items(text, _QTY_LOOSE_RE) is not None


def _looks_like_unit(text: str) -> bool:
    """A unit of measure is a short label: 'Reporte', 'Base de Datos', 'Sitio Web'."""
    return (
        len(text) <= 40
        and len(text.split()) <= 4
        and not text.endswith(".")
        and "," not in text
        and not any(ch.isdigit() for ch in text)
    )


def _strip_period(text: str) -> str:
    return clean(text).rstrip(" .")


def pair_beneficiaries(description: str, quantity: str) -> tuple[list[ParsedBeneficiary], str]:
    """Pair beneficiary types with their quantities; returns the rows and a problem ('' if none).

    Types split on commas (and on a ' y ' of the last part only when that makes the counts
    match);
    quantities split on commas and spaces. A comma followed by three digits may also be a
    thousands separator ('4,800'), and a single quantity belongs to the whole description;
    when two readings pair differently, the pairing is ambiguous. Unpaired or ambiguous: one
    row with the whole texts.
    """
    description = _strip_period(description)
    quantity = clean(quantity)
    if not description and not quantity:
        return [], ""
    whole = [ParsedBeneficiary(description, quantity)]
    if not quantity:
        return whole, f"Tipo de beneficiario «{_short(description)}» sin cantidad."
    if not description:
        return whole, f"Cantidad de beneficiarios «{quantity}» sin tipo de beneficiario."
    by_comma = [p.strip() for p in re.split(r"[,;]", description) if p.strip()]
    types_options = [by_comma]
    for y in re.finditer(r"\s+y\s+", by_comma[-1] if by_comma else ""):
        # Each ' y ' of the last part could be the one that separates two types.
        last = by_comma[-1]
        types_options.append([*by_comma[:-1], last[: y.start()], last[y.end() :]])
    loose = _qty_items(quantity, _QTY_LOOSE_RE)
    thousands = _qty_items(quantity, _QTY_THOUSANDS_RE)
    pairings: list[list[tuple[str, str]]] = []
    for types in types_options:
        for quantities in (loose, thousands):
            if quantities is not None and len(types) == len(quantities):
                pairings.append(list(zip(types, quantities, strict=True)))
    if thousands is not None and len(thousands) == 1:
        pairings.append([(description, quantity)])  # one quantity for the whole description
    distinct = [p for i, p in enumerate(pairings) if p not in pairings[:i]]
    if len(distinct) == 1:
        return [ParsedBeneficiary(d, q) for d, q in distinct[0]], ""
    if distinct:
        return whole, (
            f"Los beneficiarios «{_short(description)}» y las cantidades «{quantity}» se "
            "pueden emparejar de más de una forma; se guardaron juntos en un solo registro."
        )
    counted = (
        _plural(len(loose), "cantidad", "cantidades")
        if loose
        else "un texto que no es una lista de cantidades"
    )
    return whole, (
        f"Se leyeron {_plural(len(by_comma), 'tipo', 'tipos')} de beneficiario "
        f"(«{_short(description)}») y {counted} («{quantity}»); se guardaron juntos en un solo "
        "registro."
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _fmt(value: Decimal) -> str:
    return format_mx(value)


def _month_names(months: Sequence[int]) -> str:
    return ", ".join(MONTHS[m - 1] for m in months)


# ---------------------------------------------------------------------------------------
# The parser


@dataclass
class _Record:
    """The lines of one activity: its key line and what follows until the next key."""

    key: str
    line: int
    description: str
    key_cells: list[str]  # the cells after the description
    more: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class _StructureRow:
    key: str
    area: str
    description: str
    projects: int
    activities: int
    line: int


class _Parser:
    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.findings: list[FindingDraft] = []
        self.name = ""
        self.year: int | None = None
        self.year_line: int | None = None
        self.state = "front"  # front | structure | summary | summary_table | detail
        self.collect: tuple[str, list[str]] | None = None  # objective / legal text
        self.subprograms: dict[str, ParsedSubprogram] = {}
        self.current: ParsedSubprogram | None = None
        self.structure: dict[str, _StructureRow] = {}
        self.structure_total: tuple[list[Decimal], int] | None = None
        self.summary_projects: dict[str, tuple[str, int, int | None]] = {}  # name, line, declared
        self.detail_projects: dict[str, tuple[str, int]] = {}
        self.activities: list[ParsedActivity] = []
        self.record: _Record | None = None

    def fail(self, message: str, line: int | None = None) -> ImportFailure:
        return ImportFailure(self.source.name, message, line)

    def add(
        self, code: str, line: int | None, message: str, label: str, target: tuple[str, str]
    ) -> None:
        self.findings.append(FindingDraft(code, line, message, label, target))

    # -- line loop ----------------------------------------------------------------------

    def parse(self) -> ParsedProgram:
        lines = self.source.lines
        i = 0
        while i < len(lines):
            number, raw = i + 1, lines[i]
            i += 1
            text = clean(raw)
            if not text:
                continue
            norm = normalize(text)
            title = _TITLE_RE.match(norm)
            if title or self._is_page_header(raw, text):
                if title and self.year is None:
                    self.year, self.year_line, self.name = int(title.group(1)), number, text
                self._end_text()
                continue
            heading = _SUBPROGRAM_RE.match(text)
            if heading:
                self._end_record()
                self._end_text()
                self._start_subprogram(heading.group(1).zfill(2), heading.group(2), number)
                continue
            if self.current is not None and self._subprogram_field(self.current, text, number):
                continue
            if norm.startswith("cantidad anual"):
                self._end_text()
                self.state = "detail"
                continue
            if norm.startswith("clave") and "proyecto" in norm:
                self._end_record()
                self._end_text()
                self.state = "summary_table"
                continue
            if norm.startswith("no ") and "proyectos" in norm and "actividades" in norm:
                self.state = "structure"
                continue
            if self.state in ("structure", "summary_table") and self._is_total(raw):
                i = self._read_total(i, raw, number)
                continue
            if self.state == "structure":
                self._structure_row(raw, number)
                continue
            if self.collect is not None:
                self.collect[1].append(text)
                continue
            if self.state == "summary_table":
                self._summary_row(raw, text, number)
            elif self.state == "detail":
                self._detail_line(raw, text, number)
        self._end_record(at_eof=True)
        self._end_text()
        return self._assemble()

    @staticmethod
    def _is_page_header(raw: str, text: str) -> bool:
        """An all-capitals line of words without cells, like «INSTITUTO ELECTORAL DEL…»."""
        return (
            "\t" not in raw.strip()
            and text.upper() == text
            and len(text.split()) >= 2
            and sum(map(str.isalpha, text)) >= 10
        )

    @staticmethod
    def _is_total(raw: str) -> bool:
        return any(normalize(cell).startswith("total") for cell in raw.split("\t"))

    def _read_total(self, i: int, raw: str, number: int) -> int:
        """Read the figures of a «Total» row, which may continue on the next line."""
        wanted = 2 if self.state == "structure" else 1
        figures = _numbers(_TOTAL_PREFIX_RE.sub("", cell) for cell in raw.split("\t"))
        lines = self.source.lines
        while len(figures) < wanted and i < len(lines):
            if not clean(lines[i]):
                i += 1
                continue
            cells = [c.strip() for c in lines[i].split("\t") if c.strip()]
            if not cells or any(parse_number(c) is None for c in cells):
                break
            figures += _numbers(cells)
            i += 1
        if self.state == "structure":
            self.structure_total = (figures, number)
            self.state = "front"
        else:
            if self.current is not None and figures:
                self.current.declared_activities = int(figures[-1])
                self.current.declared_line = number
            self.state = "summary"
        return i

    def _end_text(self) -> None:
        if self.collect is None or self.current is None:
            self.collect = None
            return
        what, parts = self.collect
        text = "\n".join(p for p in parts if p)
        if what == "objective" and not self.current.objective:
            self.current.objective = text
        elif what == "legal" and not self.current.legal_framework:
            self.current.legal_framework = text
        self.collect = None

    def _start_subprogram(self, key: str, name: str, number: int) -> None:
        subprogram = self.subprograms.get(key)
        if subprogram is None:
            subprogram = ParsedSubprogram(key=key, name=clean(name), line=number)
            self.subprograms[key] = subprogram
        self.current = subprogram
        self.state = "summary"

    def _subprogram_field(self, subprogram: ParsedSubprogram, text: str, number: int) -> bool:
        area = _AREA_RE.match(text)
        if area:
            self._end_text()
            subprogram.area_labels.append((clean(area.group(1)), number))
            return True
        for what, pattern in (("objective", _OBJECTIVE_RE), ("legal", _LEGAL_RE)):
            match = pattern.match(text)
            if match:
                self._end_record()
                self._end_text()
                self.collect = (what, [match.group(1).strip()])
                return True
        return False

    def _structure_row(self, raw: str, number: int) -> None:
        cells = [c.strip() for c in raw.split("\t")]
        filled = [c for c in cells if c]
        if not re.fullmatch(r"\d{1,3}", cells[0]) or len(filled) < 4:
            return
        projects, activities = parse_number(filled[-2]), parse_number(filled[-1])
        if projects is None or activities is None:
            return
        key = cells[0].zfill(2)
        area, description = filled[1], " ".join(filled[2:-2])
        self.structure[key] = _StructureRow(
            key, area, description, int(projects), int(activities), number
        )

    def _key_line(self, raw: str, text: str, number: int) -> tuple[str, list[str]] | None:
        """(key, cells after the key) when the line starts with a project/activity key."""
        match = _KEY_RE.match(raw)
        if not match:
            return None
        key, separator, rest = match.groups()
        cells = rest.split("\t")
        first = cells[0].strip()
        if not first or parse_number(first) is not None:
            return None  # a line of figures whose annual quantity has 4 or 6 digits
        if "\t" not in separator:
            kind = "Actividad" if len(key) == 6 else "Proyecto"
            self.add(
                "key_format",
                number,
                f"La clave {key} está separada del texto por un espacio en lugar de una "
                "columna; se leyó como clave.",
                f"{kind} {key}",
                ("activity" if len(key) == 6 else "node", key),
            )
        return key, cells

    def _summary_row(self, raw: str, text: str, number: int) -> None:
        found = self._key_line(raw, text, number)
        if found is None or len(found[0]) != 4:
            return
        key, cells = found
        filled = [c.strip() for c in cells if c.strip()]
        declared = parse_number(filled[-1]) if len(filled) > 1 else None
        self.summary_projects.setdefault(
            key, (clean(filled[0]), number, int(declared) if declared is not None else None)
        )

    def _detail_line(self, raw: str, text: str, number: int) -> None:
        found = self._key_line(raw, text, number)
        if found is None:
            if self.record is not None:
                self.record.more.append((number, raw.split("\t")))
            else:
                self.add(
                    "unparsed_line",
                    number,
                    f"Línea fuera de cualquier actividad: «{_short(text)}».",
                    "",
                    ("line", str(number)),
                )
            return
        key, cells = found
        self._end_record()
        if len(key) == 6:
            self.record = _Record(key, number, cells[0], cells[1:])
            return
        self.detail_projects.setdefault(key, (clean(cells[0]), number))
        extra = [c.strip() for c in cells[1:] if c.strip()]
        if extra:
            self.add(
                "unparsed_line",
                number,
                f"La línea del proyecto {key} trae además «{' | '.join(extra)}», que no "
                "corresponde a ninguna columna del proyecto; revise si pertenece a una "
                "actividad (por ejemplo, su unidad de medida).",
                f"Proyecto {key}",
                ("node", key),
            )

    def _end_record(self, at_eof: bool = False) -> None:
        record, self.record = self.record, None
        if record is None:
            return
        activity = self._parse_activity(record)
        if at_eof and activity.annual is None:
            raise self.fail(
                f"el archivo termina en la actividad {record.key} sin sus cantidades "
                "(cantidad anual y calendario); parece truncado",
                record.line,
            )
        self.activities.append(activity)

    # -- one activity ---------------------------------------------------------------------

    def _parse_activity(self, record: _Record) -> ParsedActivity:
        activity = ParsedActivity(record.key, clean(record.description), record.line)
        label, target = f"Actividad {record.key}", ("activity", record.key)

        def add(code: str, line: int | None, message: str) -> None:
            self.add(code, line, message, label, target)

        # Figures on the key line start right after the description with a run of numbers.
        key_cells = [c.strip() for c in record.key_cells]
        filled = [(i, c) for i, c in enumerate(key_cells) if c]
        start = None
        if len(filled) > 1 and all(parse_number(c) is not None for _, c in filled[:2]):
            start = filled[0][0]
        pre = [c for _, c in filled] if start is None else []
        figure_lines: list[tuple[int, list[str]]] = []
        if start is not None:
            figure_lines.append((record.line, key_cells[start:]))
        figure_lines += [(n, [c.strip() for c in cells]) for n, cells in record.more]

        # The figures are the first line whose first filled cell is a number.
        tail: list[tuple[int, str, bool]] = []  # (line, text, last filled cell of key line)
        values: list[Decimal] = []
        figures_line = None
        for n, cells in figure_lines:
            cells_filled = [c for c in cells if c]
            if figures_line is None and cells_filled and parse_number(cells_filled[0]) is not None:
                figures_line = n
                activity.annual, rest = self._read_figures(cells, n, activity, values, add)
                cells_filled = rest
            last = len(cells_filled) - 1
            tail += [(n, c, n == record.line and i == last) for i, c in enumerate(cells_filled)]

        # Unit: the last cell of the key line when the figures are below it (unless that
        # cell is a beneficiary quantity: then they are type and quantity, maybe after the
        # unit), or a unit-like cell right after figures that share the key line.
        unit = ""
        if pre and is_quantity(pre[-1]):
            if len(pre) >= 3:
                unit, pre = pre[0], pre[1:]
            tail = [(record.line, c, False) for c in pre] + tail
        elif pre:
            unit = pre[-1]
            if len(pre) > 1:
                add(
                    "unparsed_line",
                    record.line,
                    f"Antes de la unidad de medida «{unit}» hay además "
                    f"«{' | '.join(pre[:-1])}», que no se usó.",
                )
        elif tail and tail[0][2] and _looks_like_unit(tail[0][1]) and not is_quantity(tail[0][1]):
            unit = tail.pop(0)[1]
        activity.unit = clean(unit)
        if not activity.unit:
            add("missing_unit", record.line, "La actividad no tiene unidad de medida.")

        # A twelfth number with nothing after it may be the beneficiary quantity.
        texts = [t for _, t, _ in tail]
        has_quantity = bool(texts) and is_quantity(texts[-1])
        if (
            activity.annual is not None
            and not has_quantity
            and len(values) in (12, 13)
            and (len(values) == 13 or sum(values[:11]) == activity.annual != sum(values))
        ):
            texts.append(activity.values_as_printed.pop())
            values.pop()
            moved = texts[-1]
            note = f" El último número («{moved}») se tomó como cantidad de beneficiarios"
            if len(values) == 11:
                note += ", porque los once anteriores ya suman la cantidad anual."
            else:
                note += "."
        else:
            note = ""
        if len(values) > 12:
            extra = activity.values_as_printed[12:]
            add(
                "unparsed_line",
                figures_line,
                f"Hay {len(values)} valores mensuales; sobran «{' | '.join(extra)}» y no se "
                "usaron.",
            )
            del values[12:]
            del activity.values_as_printed[12:]

        self._calendar(activity, values, figures_line or record.line, note, add)

        # Beneficiaries: the last cell is the quantity when it looks like one.
        quantity = texts.pop() if texts and is_quantity(texts[-1]) else ""
        rows, problem = pair_beneficiaries(" ".join(texts), quantity)
        activity.beneficiaries = rows
        if problem:
            add("beneficiaries_unpaired", figures_line or record.line, problem)
        return activity

    def _read_figures(
        self,
        cells: list[str],
        line: int,
        activity: ParsedActivity,
        values: list[Decimal],
        add: Any,
    ) -> tuple[Decimal | None, list[str]]:
        """Read annual + months from one line; returns the annual and the cells after them."""
        filled_at = [i for i, c in enumerate(cells) if c]
        first = filled_at[0]
        annual = parse_number(cells[first])
        i = first + 1
        while i < len(cells):
            cell = cells[i]
            if not cell:
                later = next((c for c in cells[i + 1 :] if c), "")
                if parse_number(later) is not None or _GLUED_RE.match(later):
                    activity.values_as_printed.append("")
                i += 1
                continue
            value = parse_number(cell)
            if value is not None:
                values.append(value)
                activity.values_as_printed.append(cell)
                i += 1
                continue
            glued = _GLUED_RE.match(cell)
            if glued and parse_number(glued.group(1)) is not None:
                number, text = glued.groups()
                if len(values) < 12:
                    values.append(parse_number(number) or Decimal(0))
                    activity.values_as_printed.append(number)
                    cells = [*cells[:i], text, *cells[i + 1 :]]
                    add(
                        "value_glued_to_text",
                        line,
                        f"El valor mensual {number} venía pegado al texto «{_short(text, 60)}»; "
                        "se separó: el número como último mes leído y el texto como tipo de "
                        "beneficiario.",
                    )
                else:
                    add(
                        "value_glued_to_text",
                        line,
                        f"El tipo de beneficiario empieza con un número («{_short(cell, 60)}») "
                        "y el calendario ya tiene 12 meses; se dejó como texto.",
                    )
            break
        return annual, [c for c in cells[i:] if c]

    def _calendar(
        self, activity: ParsedActivity, values: list[Decimal], line: int, note: str, add: Any
    ) -> None:
        annual = activity.annual
        if annual is None:
            add(
                "empty_required",
                line,
                "La actividad no tiene cantidad anual ni calendario en el documento; se "
                "registró 0 como cantidad anual y ningún mes, para revisión.",
            )
            return
        activity.months = calendar_certain_months(annual, values)
        total = sum(values, Decimal(0))
        if len(values) == 12:
            if total != annual:
                add(
                    "sum_mismatch",
                    line,
                    f"Los meses suman {_fmt(total)} y la cantidad anual es {_fmt(annual)}; se "
                    "guardaron los 12 meses tal como aparecen." + note,
                )
            return
        read = activity.calendar_as_printed or "ninguno"
        message = (
            f"Se leyeron {len(values)} valores mensuales de 12 ({read}), que suman "
            f"{_fmt(total)}; la cantidad anual es {_fmt(annual)}."
        )
        certain = sorted(activity.months)
        if len(certain) == 12:
            message += (
                " Se completó el calendario porque cualquier posición del valor faltante "
                "da el mismo resultado."
            )
        elif certain:
            message += (
                " Se guardaron solo los meses que no dependen de dónde falte el valor ("
                f"{_month_names(certain)}); los demás quedan sin dato."
            )
        elif total > annual:
            message += (
                " Los valores leídos ya suman más que la cantidad anual; el calendario queda "
                "sin dato."
            )
        else:
            message += (
                " No se puede saber a qué mes corresponde cada valor; el calendario queda sin dato."
            )
        add("missing_months", line, message + note)

    # -- the tree and the declared counts ------------------------------------------------

    def _assemble(self) -> ParsedProgram:
        if not self.subprograms:
            raise self.fail(f"no parece {KIND_LABEL}: no tiene secciones «Subprograma NN:»")
        if not self.activities:
            raise self.fail(
                f"no parece {KIND_LABEL}: no se encontró ninguna actividad "
                "(clave de 6 dígitos con sus cantidades)"
            )
        for key, row in sorted(self.structure.items()):
            if key not in self.subprograms:
                self.subprograms[key] = ParsedSubprogram(
                    key=key, name=row.description, line=row.line
                )
            subprogram = self.subprograms[key]
            if not subprogram.area_labels and row.area:
                subprogram.area_labels.append((row.area, row.line))

        projects: dict[str, ParsedProject] = {}
        for key, (name_, line) in self.detail_projects.items():
            projects[key] = ParsedProject(key, name_, line)
        for key, (name_, line, declared) in self.summary_projects.items():
            project = projects.setdefault(key, ParsedProject(key, name_, line))
            project.declared_activities, project.declared_line = declared, line

        seen: set[str] = set()
        for activity in self.activities:
            owner = projects.get(activity.key[:4])
            label = f"Actividad {activity.key}"
            if activity.key in seen:
                self.add(
                    "duplicate_row",
                    activity.line,
                    f"La clave {activity.key} ya apareció antes; se conservó la primera.",
                    label,
                    ("line", str(activity.line)),
                )
                continue
            if owner is None:
                self.add(
                    "unparsed_line",
                    activity.line,
                    f"La actividad {activity.key} no pertenece a ningún proyecto del documento "
                    f"(no existe el proyecto {activity.key[:4]}); no se importó.",
                    label,
                    ("line", str(activity.line)),
                )
                continue
            seen.add(activity.key)
            owner.activities.append(activity)

        for key, project in projects.items():
            parent = self.subprograms.get(key[:2])
            if parent is None:
                self.add(
                    "unparsed_line",
                    project.line,
                    f"El proyecto {key} no pertenece a ningún subprograma del documento; no se "
                    f"importó (ni sus {len(project.activities)} actividades).",
                    f"Proyecto {key}",
                    ("line", str(project.line)),
                )
                continue
            parent.projects.append(project)

        subprograms = sorted(self.subprograms.values(), key=lambda s: s.line)
        self._check_truncation(subprograms)
        self._check_counts(subprograms)
        self.findings.sort(key=lambda f: f.line or 0)
        return ParsedProgram(self.name, self.year, self.year_line, subprograms, self.findings)

    def _check_truncation(self, subprograms: list[ParsedSubprogram]) -> None:
        for subprogram in subprograms:
            if not any(True for _ in subprogram.activities()):
                row = self.structure.get(subprogram.key)
                line = row.line if row else subprogram.line
                raise self.fail(
                    f"el subprograma {subprogram.key} («{_short(subprogram.name, 60)}») se "
                    "anuncia pero no tiene actividades; el archivo parece truncado",
                    line,
                )
        last = self.activities[-1]
        final = self.subprograms.get(last.key[:2])
        for project in final.projects if final else []:
            if not project.activities and project.key > last.key[:4]:
                raise self.fail(
                    f"el proyecto {project.key} se anuncia pero el archivo termina antes de "
                    f"sus actividades (última actividad: {last.key}); parece truncado",
                    project.declared_line or project.line,
                )

    def _check_counts(self, subprograms: list[ParsedSubprogram]) -> None:
        def mismatch(
            line: int | None, what: str, declared: int, found: int, label: str, key: str
        ) -> None:
            if declared != found:
                self.add(
                    "count_mismatch",
                    line,
                    f"{what} declara {declared} y se encontraron {found}.",
                    label,
                    ("node", key) if key else ("line", str(line)),
                )

        total_projects = total_activities = 0
        for subprogram in subprograms:
            count = sum(len(p.activities) for p in subprogram.projects)
            total_projects += len(subprogram.projects)
            total_activities += count
            label = f"Subprograma {subprogram.key}"
            for project in subprogram.projects:
                if project.declared_activities is not None:
                    mismatch(
                        project.declared_line,
                        f"El resumen del proyecto {project.key} (actividades)",
                        project.declared_activities,
                        len(project.activities),
                        f"Proyecto {project.key}",
                        project.key,
                    )
            if subprogram.declared_activities is not None:
                mismatch(
                    subprogram.declared_line,
                    f"El total de actividades del subprograma {subprogram.key}",
                    subprogram.declared_activities,
                    count,
                    label,
                    subprogram.key,
                )
            row = self.structure.get(subprogram.key)
            if row is not None:
                where = f"La estructura del programa, para el subprograma {subprogram.key},"
                mismatch(
                    row.line,
                    f"{where} en proyectos",
                    row.projects,
                    len(subprogram.projects),
                    label,
                    subprogram.key,
                )
                mismatch(
                    row.line,
                    f"{where} en actividades",
                    row.activities,
                    count,
                    label,
                    subprogram.key,
                )
        if self.structure_total is not None:
            figures, line = self.structure_total
            declared = [int(f) for f in figures]
            found = [total_projects, total_activities]
            for what, d, f in zip(("proyectos", "actividades"), declared, found, strict=False):
                mismatch(line, f"El total de {what} de la estructura", d, f, "Programa", "")


def _numbers(cells: Any) -> list[Decimal]:
    found = []
    for cell in cells:
        value = parse_number(cell)
        if value is not None:
            found.append(value)
    return found


def parse_paa(source: SourceText) -> ParsedProgram:
    """Parse the text of a Programa Anual de Actividades; touches no database."""
    return _Parser(source).parse()


# ---------------------------------------------------------------------------------------
# Import


def import_paa(
    path: str | Path,
    *,
    institution_code: str,
    year: int | None = None,
    dry_run: bool = False,
    actor: Actor,
) -> ImportReport:
    """Import a Programa Anual de Actividades; re-importing the same file changes nothing."""
    source = read_text_file(path, kind_label=KIND_LABEL)
    parsed = parse_paa(source)
    year = year or parsed.year
    if year is None:
        raise ImportFailure(
            source.name,
            "no se encontró el ejercicio en el título («Programa Anual de Actividades AAAA»); "
            "indíquelo con --year",
        )
    if not 1990 <= year <= 2100:
        raise ImportFailure(source.name, f"ejercicio fuera de rango: {year}")

    if parsed.year is not None and parsed.year != year:
        parsed.findings.insert(
            0,
            FindingDraft(
                "year_mismatch",
                parsed.year_line,
                f"Se importó como ejercicio {year}, indicado al importar, pero el título del "
                f"documento dice {parsed.year}.",
                "Programa",
                ("program", str(year)),
            ),
        )

    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        _Writer(parsed, year, source.name, institution, report, changes, actor).write()

    return run_import(
        kind=KIND,
        source=source,
        institution_code=institution_code,
        year=year,
        dry_run=dry_run,
        actor=actor,
        apply=apply,
    )


class _Writer:
    """Writes a parsed program with a constant number of queries (bulk, per model)."""

    def __init__(
        self,
        parsed: ParsedProgram,
        year: int,
        source_name: str,
        institution: Institution,
        report: ImportReport,
        changes: list[Change],
        actor: Actor,
    ) -> None:
        self.parsed = parsed
        self.year = year
        self.source_name = source_name
        self.institution = institution
        self.report = report
        self.changes = changes
        self.actor = actor
        self.moved: list[Any] = []

    def place(
        self, syncer: Syncer[Any], key: str, content: dict[str, Any], order: int, line: int
    ) -> None:
        """Sync ``content``; the position (order, source line) follows without counting.

        Lines shift whenever the text above them changes: that is not a change of the
        object, so it is neither reported nor audited, just kept current.
        """
        position = {"order": order, "source_line": line}
        if key not in syncer.existing:
            syncer.sync(key, content | position)
            return
        obj = syncer.sync(key, content)
        if any(getattr(obj, name) != value for name, value in position.items()):
            for name, value in position.items():
                setattr(obj, name, value)
            self.moved.append(obj)

    def flush(self, syncer: Syncer[Any]) -> None:
        syncer.flush()
        if self.moved:
            syncer.model.objects.bulk_update(self.moved, ["order", "source_line"], batch_size=500)
        self.moved = []

    def syncer(self, model: Any, label: str, scope: Any) -> Syncer[Any]:
        return Syncer(
            model,
            label=label,
            scope=scope,
            key=lambda obj: obj.key,
            report=self.report,
            changes=self.changes,
        )

    def write(self) -> None:
        parsed, report = self.parsed, self.report
        report.findings.extend(parsed.findings)
        areas = self.resolve_areas()
        units = self.units()
        program = self.program()

        nodes = ProgramNode.objects.filter(program=program)
        subprograms = self.syncer(ProgramNode, "subprograma", nodes.filter(depth=0))
        for order, sp in enumerate(parsed.subprograms, start=1):
            area = areas.get(sp.key)
            self.place(
                subprograms,
                sp.key,
                {
                    "program_id": program.pk,
                    "parent_id": None,
                    "depth": 0,
                    "key": sp.key,
                    "name": sp.name,
                    "area_id": area.pk if area else None,
                    "objective": sp.objective,
                    "legal_framework": sp.legal_framework,
                },
                order,
                sp.line,
            )
        self.flush(subprograms)

        projects = self.syncer(ProgramNode, "proyecto", nodes.filter(depth=1))
        for order, pr in enumerate(parsed.projects(), start=1):
            self.place(
                projects,
                pr.key,
                {
                    "program_id": program.pk,
                    "parent_id": subprograms.existing[pr.key[:2]].pk,
                    "depth": 1,
                    "key": pr.key,
                    "name": pr.name,
                    "area_id": None,
                    "objective": "",
                    "legal_framework": "",
                },
                order,
                pr.line,
            )
        self.flush(projects)

        activities = self.syncer(Activity, "actividad", Activity.objects.filter(program=program))
        created: set[str] = set()
        unchanged: set[str] = set()
        for order, act in enumerate(parsed.activities(), start=1):
            area = areas.get(act.key[:2])
            if act.key not in activities.existing:
                created.add(act.key)
            before = report.unchanged["actividad"]
            self.place(
                activities,
                act.key,
                {
                    "program_id": program.pk,
                    "node_id": projects.existing[act.key[:4]].pk,
                    "area_id": area.pk if area else None,
                    "key": act.key,
                    "description": act.description,
                    "unit_id": units[normalize(act.unit)].pk if act.unit else None,
                    "annual_target": _quantize(act.annual or Decimal(0)),
                    "calendar_as_printed": act.calendar_as_printed[:255],
                },
                order,
                act.line,
            )
            if report.unchanged["actividad"] > before:
                unchanged.add(act.key)
        self.flush(activities)
        self.sync_rows(program, activities.existing, created, unchanged)

        activities.delete_unseen()
        projects.delete_unseen()
        subprograms.delete_unseen()

        objects: dict[tuple[str, str], Any] = {
            ("activity", key): obj for key, obj in activities.existing.items() if obj.pk
        }
        objects[("program", str(self.year))] = program
        for syncer in (subprograms, projects):
            objects.update({("node", key): obj for key, obj in syncer.existing.items() if obj.pk})
        bind_findings(report.findings, objects)
        report.extra["leídos"] = {
            "subprogramas": len(parsed.subprograms),
            "proyectos": sum(1 for _ in parsed.projects()),
            "actividades": sum(1 for _ in parsed.activities()),
        }

    def program(self) -> AnnualProgram:
        programs = Syncer(
            AnnualProgram,
            label="programa",
            scope=AnnualProgram.objects.filter(institution=self.institution, year=self.year),
            key=lambda p: p.year,
            report=self.report,
            changes=self.changes,
        )
        program = programs.sync(
            self.year,
            {
                "institution_id": self.institution.pk,
                "year": self.year,
                "name": self.parsed.name or f"Programa Anual de Actividades {self.year}",
                "level_names": list(DEFAULT_LEVEL_NAMES),
                "source_file": self.source_name,
            },
        )
        programs.flush()
        return program

    def resolve_areas(self) -> dict[str, Area]:
        """The area of each subprogram (by key), with a finding for doubtful spellings."""
        labels = [label for sp in self.parsed.subprograms for label, _ in sp.area_labels]
        matches = (
            area_resolve_many(
                institution=self.institution, labels=labels, actor=self.actor, changes=self.changes
            )
            if labels
            else {}
        )
        result: dict[str, Area] = {}
        for sp in self.parsed.subprograms:
            label_text, target = f"Subprograma {sp.key}", ("node", sp.key)
            first: tuple[str, int] | None = None
            reported: set[str] = set()
            for label, line in sp.area_labels:
                match = matches.get(label) or matches.get(clean(label))
                if match is None or match.area is None:
                    continue
                if first is None:
                    first = (label, line)
                    result[sp.key] = match.area
                elif match.area.pk != result[sp.key].pk:
                    self.report.findings.append(
                        FindingDraft(
                            "area_unresolved",
                            line,
                            f"El subprograma {sp.key} indica otra área, «{label}», distinta de "
                            f"«{first[0]}» (línea {first[1]}); se usó la primera.",
                            label_text,
                            target,
                        )
                    )
                if label in reported or match.kind not in ("alias", "fuzzy", "ambiguous"):
                    continue
                reported.add(label)
                code = "area_unresolved" if match.kind == "ambiguous" else "area_alias"
                self.report.findings.append(
                    FindingDraft(code, line, match.message, label_text, target)
                )
            if sp.key not in result:
                self.report.findings.append(
                    FindingDraft(
                        "empty_required",
                        sp.line,
                        f"El subprograma {sp.key} no indica su área («Área: …»).",
                        label_text,
                        target,
                    )
                )
        return result

    def units(self) -> dict[str, UnitOfMeasure]:
        """The institution's units by normalized name, creating the new ones in bulk."""
        units = {
            u.normalized: u for u in UnitOfMeasure.objects.filter(institution=self.institution)
        }
        new: list[UnitOfMeasure] = []
        for act in self.parsed.activities():
            key = normalize(act.unit)
            if act.unit and key not in units:
                units[key] = UnitOfMeasure(
                    institution=self.institution, name=act.unit[:120], normalized=key[:120]
                )
                new.append(units[key])
        if new:
            UnitOfMeasure.objects.bulk_create(new)
            self.report.created["unidad de medida"] += len(new)
            self.changes += [Change("create", u, None, {"name": u.name}) for u in new]
        return units

    def sync_rows(
        self,
        program: AnnualProgram,
        existing: dict[str, Activity],
        created: set[str],
        unchanged: set[str],
    ) -> None:
        """Replace the months and beneficiaries of the activities where they changed."""
        months: dict[int, set[tuple[int, Decimal]]] = defaultdict(set)
        for activity_id, month, quantity in MonthlyTarget.objects.filter(
            activity__program=program
        ).values_list("activity_id", "month", "quantity"):
            months[activity_id].add((month, quantity))
        people: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for activity_id, description, text in (
            Beneficiary.objects.filter(activity__program=program)
            .order_by("activity_id", "order")
            .values_list("activity_id", "description", "quantity")
        ):
            people[activity_id].append((description, text))

        replace_months: list[int] = []
        replace_people: list[int] = []
        new_months: list[MonthlyTarget] = []
        new_people: list[Beneficiary] = []
        for act in self.parsed.activities():
            obj = existing[act.key]
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            wanted = {(m, _quantize(q)) for m, q in act.months.items()}
            if wanted != months[obj.pk]:
                replace_months.append(obj.pk)
                new_months += [
                    MonthlyTarget(activity_id=obj.pk, month=m, quantity=q)
                    for m, q in sorted(wanted)
                ]
                before["metas_mensuales"] = {m: jsonable(q) for m, q in sorted(months[obj.pk])}
                after["metas_mensuales"] = {m: jsonable(q) for m, q in sorted(wanted)}
            rows = [(b.description, b.quantity[:60]) for b in act.beneficiaries]
            if rows != people[obj.pk]:
                replace_people.append(obj.pk)
                new_people += [
                    Beneficiary(activity_id=obj.pk, description=d, quantity=q, order=i)
                    for i, (d, q) in enumerate(rows, start=1)
                ]
                before["beneficiarios"] = [list(r) for r in people[obj.pk]]
                after["beneficiarios"] = [list(r) for r in rows]
            if after and act.key not in created:
                if act.key in unchanged:
                    self.report.unchanged["actividad"] -= 1
                    self.report.updated["actividad"] += 1
                self.changes.append(Change("update", obj, before, after))
        if replace_months:
            MonthlyTarget.objects.filter(activity_id__in=replace_months).delete()
        if replace_people:
            Beneficiary.objects.filter(activity_id__in=replace_people).delete()
        MonthlyTarget.objects.bulk_create(new_months, batch_size=1000)
        Beneficiary.objects.bulk_create(new_people, batch_size=1000)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM)
