"""The table layout of a PGD: tab-separated rows, merged cells, <p> líneas and footnotes."""

from __future__ import annotations

import html
import re

from rumbo.core.text import clean, normalize

from ..base import (
    ImportFailure,
    SourceText,
)
from .common import (
    CELL_CODE_RE,
    FOOTNOTE_RE,
    LINE_CODE_RE,
    MARKER_RE,
    P_RE,
    TAG_RE,
    LineDraft,
    ObjectiveDraft,
    ParsedPlan,
    PolicyDraft,
    ProgramDraft,
    _join,
)

# ---------------------------------------------------------------- table layout


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    prefixes = {
        "policy": "politica",
        "program": "programa",
        "objective": "objetivo",
        "lines": "linea",
    }
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = normalize(cell)
        for name, prefix in prefixes.items():
            if key.startswith(prefix) and name not in columns:
                columns[name] = index
    return columns if len(columns) == 4 else None


def _draft_text(draft: PolicyDraft | ProgramDraft | ObjectiveDraft) -> str:
    return draft.text if isinstance(draft, ObjectiveDraft) else draft.name


def _strip_article(key: str) -> str:
    return re.sub(r"^(de los|de las|de la|del|de)\s+", "", key)


def _is_subheading(text: str, program_name: str) -> bool:
    t, p = _strip_article(normalize(text)), _strip_article(normalize(program_name))
    return bool(t) and bool(p) and (t == p or t in p or p in t)


class _TableState:
    def __init__(self, plan: ParsedPlan) -> None:
        self.plan = plan
        self.policies: dict[str, PolicyDraft] = {}
        self.programs: dict[str, ProgramDraft] = {}
        self.objectives: dict[str, ObjectiveDraft] = {}
        self.lines: dict[str, LineDraft] = {}
        self.policy: str | None = None
        self.program: str | None = None
        self.objective: str | None = None
        self.unnumbered = 0

    def code_and_text(self, cell: str, number: int, what: str) -> tuple[str, str]:
        m = CELL_CODE_RE.match(cell)
        if m:
            return str(int(m.group(1))), clean(m.group(2))
        self.unnumbered += 1
        code = f"SN{self.unnumbered}"
        self.plan.flag(
            "key_format",
            number,
            f"{what} sin número: «{cell[:80]}»; se le asignó la clave {code}.",
            f"{what} {code}",
        )
        return code, clean(cell)

    def repeated(self, number: int, label: str, first: int, same: bool, *, always: bool) -> None:
        """A key seen again: a merged cell repeated after a page break is normal, unless
        its text changed; a línea de acción printed twice is always reported."""
        if same and not always:
            return
        how = "otra vez" if same else "otra vez con otro texto"
        self.plan.flag(
            "duplicate_row",
            number,
            f"{label} aparece {how} (primera vez en la línea {first}); se conservó la primera.",
            label,
        )

    def row(self, number: int, cells: dict[str, str]) -> None:
        """One table row; an empty cell keeps the policy/program/objective of the row above."""
        if cells["policy"]:
            self.policy = self.element(
                number,
                cells["policy"],
                "Política",
                self.policies,
                lambda c, t: PolicyDraft(c, t.rstrip("."), number),
            )
        if cells["program"]:
            self.program = self.element(
                number,
                cells["program"],
                "Programa",
                self.programs,
                lambda c, t: ProgramDraft(c, t.rstrip("."), self.policy, number),
            )
        if cells["objective"]:
            self.objective = self.element(
                number,
                cells["objective"],
                "Objetivo",
                self.objectives,
                lambda c, t: ObjectiveDraft(c, t, self.program, number),
            )
        self.paragraphs(number, cells["lines"])

    def element(self, number, cell, what, registry, make):
        code, text = self.code_and_text(cell, number, what)
        if code in registry:
            draft = make(code, text)
            old = registry[code]
            same = normalize(_draft_text(old)) == normalize(_draft_text(draft))
            self.repeated(number, f"{what} {code}", old.line, same, always=False)
        else:
            registry[code] = make(code, text)
        return code

    def paragraphs(self, number: int, cell: str) -> None:
        found = P_RE.findall(cell)
        if len(re.findall(r"<p\b", cell, re.IGNORECASE)) != len(found):
            raise ImportFailure(
                "",
                "párrafo <p> sin cerrar en las líneas de acción; el archivo parece truncado",
                number,
            )
        outside = clean(TAG_RE.sub(" ", P_RE.sub(" ", cell)))
        if found and outside:
            found.append(outside)
        for raw in found or ([cell] if cell else []):
            text = clean(html.unescape(TAG_RE.sub(" ", raw)))
            if not text:
                continue
            m = LINE_CODE_RE.match(text)
            program_name = self.programs[self.program].name if self.program else ""
            if not m:
                if not _is_subheading(text, program_name):
                    self.plan.flag(
                        "unparsed_line",
                        number,
                        f"Párrafo sin clave de línea de acción: «{text[:80]}»; no se importó.",
                    )
                continue
            code = f"{int(m.group(1))}.{int(m.group(2))}"
            label = f"Línea de acción {code}"
            if code in self.lines:
                old = self.lines[code]
                same = normalize(old.text) == normalize(m.group(3))
                self.repeated(number, label, old.line, same, always=True)
                continue
            self.lines[code] = LineDraft(
                code, clean(m.group(3)), self.objective, self.program, number
            )
            if self.program and m.group(1).lstrip("0") != self.program:
                self.plan.flag(
                    "key_format",
                    number,
                    f"La línea de acción {code} está en la fila del programa {self.program}; "
                    "su clave no corresponde al programa.",
                    label,
                    ("line", code),
                )


def parse_pgd_table(source: SourceText, start: int, end: int) -> ParsedPlan:
    plan = ParsedPlan(layout="tabla", start_year=start, end_year=end)
    state = _TableState(plan)
    columns: dict[str, int] | None = None
    width = 0
    footnotes: dict[str, tuple[int, str]] = {}
    last_footnote: str | None = None
    for number, raw in enumerate(source.lines, 1):
        if not raw.strip():
            continue
        if "\t" in raw:
            cells = raw.split("\t")
            header = _header_columns(cells)
            if header:
                columns, width, last_footnote = header, len(cells), None
                continue
            if columns is None:
                plan.flag("unparsed_line", number, "Fila antes del encabezado de la tabla.")
                continue
            if len(cells) != width:
                raise ImportFailure(
                    source.name,
                    f"la fila tiene {len(cells)} columnas y el encabezado {width}; el archivo "
                    "parece truncado o mal formado",
                    number,
                )
            try:
                state.row(number, {k: clean(cells[i]) for k, i in columns.items()})
            except ImportFailure as exc:
                raise ImportFailure(source.name, exc.message, exc.line) from exc
            continue
        text = clean(raw)
        m = FOOTNOTE_RE.match(text)
        if m and columns is not None:
            last_footnote = m.group(1)
            footnotes[last_footnote] = (number, clean(m.group(2)))
        elif last_footnote:
            line, previous = footnotes[last_footnote]
            footnotes[last_footnote] = (line, _join([previous, text]))
        elif columns is not None:
            plan.flag("unparsed_line", number, f"Texto fuera de la tabla: «{text[:80]}».")
    if not state.lines and not state.objectives:
        raise ImportFailure(
            source.name, "la tabla no tiene filas de datos; el archivo parece truncado"
        )
    plan.policies = list(state.policies.values())
    plan.programs = list(state.programs.values())
    plan.objectives = list(state.objectives.values())
    plan.lines = list(state.lines.values())
    _attach_footnotes(plan, footnotes)
    return plan


def _attach_footnotes(plan: ParsedPlan, footnotes: dict[str, tuple[int, str]]) -> None:
    """Append each cited footnote to the text that cites it (the marker stays in place)."""
    used: set[str] = set()
    items: list[tuple[str, ObjectiveDraft | LineDraft]] = [
        *(("objective", o) for o in plan.objectives),
        *(("line", ln) for ln in plan.lines),
    ]
    for kind, item in items:
        for marker in dict.fromkeys(MARKER_RE.findall(item.text)):
            if marker in footnotes:
                used.add(marker)
                item.text = f"{item.text}\n\n{marker} {footnotes[marker][1]}"
            else:
                plan.flag(
                    "unparsed_line",
                    item.line,
                    f"La llamada de nota «{marker}» no tiene texto al pie.",
                    "",
                    (kind, item.code),
                )
    for marker, (line, text) in footnotes.items():
        if marker not in used:
            plan.flag(
                "unparsed_line", line, f"Nota al pie «{marker}» que nadie cita: «{text[:80]}»."
            )
