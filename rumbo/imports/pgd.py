"""Import a Plan General de Desarrollo (PGD) from either layout the institutes publish.

* **Text layout** (the quarterly POA report, CDMX art. 121 fr. XXII): FODA headings
  (FORTALEZAS / DEBILIDADES / OPORTUNIDADES / AMENAZAS) with "‣" items, then the misión
  and the visión as *unlabelled* paragraphs, then objectives "OE1." … and items
  "Línea de acción N.M." (linked to objective OE{N}).
* **Table layout** (the PGD itself): tab-separated rows under the repeated header
  "Política General · Programas Generales · Objetivos Estratégicos · Líneas de acción";
  an empty cell is a merged cell (the value of the row above carries on); the last cell
  holds ``<p>`` paragraphs ("N.M. text" are líneas de acción, a paragraph without a key
  that repeats the program name is a subheading); footnotes (¹) at the end of the file.

Misión and visión (text layout) — this relies on position, because the format prints them
without labels: they are the first two prose paragraphs after the FODA (or after the start
of the document when there is no FODA) and before the first objective. A paragraph is a
run of wrapped lines that ends with a full stop; one-line fragments without a full stop
(the institution's name, the legal basis, a date: page furniture) separate paragraphs and
are ignored, as are their repetitions inside objectives and líneas. Lines labelled
"Misión:" / "Visión:" win over position. When two paragraphs are not found the import
fails and says how to label them.

Period: taken from the text "Plan General de Desarrollo AAAA-AAAA" (or "AAAA al AAAA").
When the document does not say it (the POA report does not), ``start_year``/``end_year``
are required (``rumbo import pgd --period AAAA-AAAA``); no other year range in the text is
trusted, because a POA also mentions electoral processes ("2023-2024") and its own year.
Arguments that contradict the document are refused.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rumbo.audit.services import Actor, Change
from rumbo.core.text import STOPWORDS, clean, normalize
from rumbo.institutions.models import Institution
from rumbo.strategy.models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
    SwotKind,
)

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

KIND = "pgd"
KIND_LABEL = "un Plan General de Desarrollo"

BULLETS = "‣•●▪◦\uf0b7\uf0a7"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Words after which a wrapped line must go on (a line never ends a sentence with them).
_MORE_CONNECTORS = "o u con por que su sus un una entre sobre como se lo ni desde hacia hasta sin"
CONNECTORS = STOPWORDS | frozenset(_MORE_CONNECTORS.split(" ")) | {"mediante", "así"}
MIN_PARAGRAPH_WORDS = 6

PERIOD_RE = re.compile(
    r"plan\s+general\s+de\s+desarrollo\b[^0-9\n]{0,40}?((?:19|20)\d\d)\s*(?:-|–|—|/|al|a)\s*"
    r"((?:19|20)\d\d)",
    re.IGNORECASE,
)
HEADING_RE = re.compile(r"^(fortalezas|debilidades|oportunidades|amenazas)( [a-z]+)?$")
SWOT_KINDS = {
    "fortalezas": SwotKind.FORTALEZA,
    "debilidades": SwotKind.DEBILIDAD,
    "oportunidades": SwotKind.OPORTUNIDAD,
    "amenazas": SwotKind.AMENAZA,
}
OBJECTIVE_RE = re.compile(
    r"^(?:OE|objetivo\s+estrat[eé]gico)\s*(\d{1,2})\b[\s.:\-–)]*(.*)$", re.IGNORECASE
)
LINE_RE = re.compile(
    r"^l[ií]nea\s+de\s+acci[oó]n\s*(\d{1,2})\s*\.\s*(\d{1,2})\b[\s.:\-–)]*(.*)$", re.IGNORECASE
)
LABEL_RE = re.compile(r"^(misi[oó]n|visi[oó]n)\s*(?::\s*(.*))?$", re.IGNORECASE)
# Where one physical line holds the start of another item.
MIDLINE_RE = re.compile(
    rf"\s+(?=[{BULLETS}])"
    r"|(?<=[.;])\s+(?=l[ií]nea\s+de\s+acci[oó]n\s*\d+\s*\.\s*\d+|OE\s*\d+\s*\.)",
    re.IGNORECASE,
)
ENUM_RE = re.compile(r"^[a-zñ]\)")
CELL_CODE_RE = re.compile(r"^(\d{1,3})\s*[.)]\s*(.+)$", re.DOTALL)
LINE_CODE_RE = re.compile(r"^(\d{1,3})\s*\.\s*(\d{1,3})\s*\.?\s*(.*)$", re.DOTALL)
P_RE = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.IGNORECASE | re.DOTALL)
TAG_RE = re.compile(r"<[^>]+>")
FOOTNOTE_RE = re.compile(rf"^([{SUPERSCRIPTS}]+)\s*(.+)$")
MARKER_RE = re.compile(rf"[{SUPERSCRIPTS}]+")


# ---------------------------------------------------------------- parsed data


@dataclass
class PolicyDraft:
    code: str
    name: str
    line: int


@dataclass
class ProgramDraft:
    code: str
    name: str
    policy: str | None
    line: int


@dataclass
class ObjectiveDraft:
    code: str
    text: str
    program: str | None
    line: int


@dataclass
class LineDraft:
    code: str
    text: str
    objective: str | None
    program: str | None
    line: int


@dataclass
class SwotDraft:
    kind: str
    order: int
    text: str
    line: int


@dataclass
class ParsedPlan:
    layout: str  # "texto" | "tabla"
    start_year: int
    end_year: int
    mission: str = ""
    vision: str = ""
    policies: list[PolicyDraft] = field(default_factory=list)
    programs: list[ProgramDraft] = field(default_factory=list)
    objectives: list[ObjectiveDraft] = field(default_factory=list)
    lines: list[LineDraft] = field(default_factory=list)
    swot: list[SwotDraft] = field(default_factory=list)
    findings: list[FindingDraft] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"Plan General de Desarrollo {self.start_year}-{self.end_year}"

    def flag(
        self,
        code: str,
        line: int | None,
        message: str,
        label: str = "",
        target: tuple[str, str] | None = None,
    ) -> None:
        self.findings.append(FindingDraft(code, line, message, label, target))


# ---------------------------------------------------------------- small text helpers


def _terminated(text: str) -> bool:
    return text.rstrip(" \"'”»)").endswith((".", "!", "?"))


def _starts_lower(text: str) -> bool:
    body = text.lstrip(" \"'“«(¿¡")
    return bool(body) and body[0].islower() and not ENUM_RE.match(body)


def _join(parts: Iterable[str]) -> str:
    """Join wrapped lines; a line ending in a hyphen before a lowercase word is glued."""
    out = ""
    for part in parts:
        part = clean(part)
        if not part:
            continue
        if out.endswith("-") and out[-2:-1].isalpha() and part[0].islower():
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out


def _continues(previous: str, text: str) -> bool:
    """Whether ``text`` is the wrapped continuation of the unfinished line ``previous``."""
    if _terminated(previous):
        return False
    if _starts_lower(text):
        return True
    tail = previous.rstrip()
    if tail.endswith((",", ";", ":", "-", "–")):
        return True
    words = normalize(tail).split()
    return bool(words) and words[-1] in CONNECTORS


def _marker(text: str) -> tuple[str, str, str] | None:
    """(kind, code, rest) when ``text`` starts an objective "OE1." or a "Línea de acción 1.1."."""
    if m := OBJECTIVE_RE.match(text):
        return "objective", f"OE{int(m.group(1))}", m.group(2)
    if m := LINE_RE.match(text):
        return "line", f"{int(m.group(1))}.{int(m.group(2))}", m.group(3)
    return None


def _number(code: str) -> int | None:
    digits = re.sub(r"\D", "", code)
    return int(digits) if digits and code.removeprefix("OE").isdigit() else None


# ---------------------------------------------------------------- period


def _period(source: SourceText, start_year: int | None, end_year: int | None) -> tuple[int, int]:
    if (start_year is None) != (end_year is None):
        raise ImportFailure(source.name, "indique el año inicial y el final del plan (AAAA-AAAA)")
    found = None
    for number, text in enumerate(source.lines, 1):
        m = PERIOD_RE.search(text)
        if m:
            found = (int(m.group(1)), int(m.group(2)), number)
            break
    if found and start_year is not None and (start_year, end_year) != found[:2]:
        raise ImportFailure(
            source.name,
            f"el documento indica el periodo {found[0]}-{found[1]}, pero se pidió "
            f"{start_year}-{end_year}",
            found[2],
        )
    if found:
        start, end = found[0], found[1]
    elif start_year is not None and end_year is not None:
        start, end = start_year, end_year
    else:
        raise ImportFailure(
            source.name,
            "el documento no indica el periodo del plan («Plan General de Desarrollo "
            "AAAA-AAAA»); indíquelo con --period AAAA-AAAA",
        )
    if not (1990 <= start <= end <= 2100):
        raise ImportFailure(source.name, f"periodo del plan inválido: {start}-{end}")
    return start, end


# ---------------------------------------------------------------- text layout


@dataclass
class _Block:
    kind: str  # "swot" | "objective" | "line"
    code: str
    line: int
    parts: list[tuple[int, str]]

    @property
    def text(self) -> str:
        return _join(t for _, t in self.parts)


def _segments(source: SourceText) -> list[tuple[int, str]]:
    out = []
    for number, raw in enumerate(source.lines, 1):
        for piece in MIDLINE_RE.split(raw):
            piece = clean(piece)
            if piece:
                out.append((number, piece))
    return out


def _paragraphs(free: list[tuple[int, str]]) -> tuple[list[tuple[str, int, str]], set[str]]:
    """Group free lines into (label, line, text) paragraphs; return also the fragments."""
    runs: list[dict] = []  # {"label", "line", "parts"}
    for number, text in free:
        m = LABEL_RE.match(text)
        if m:
            runs.append({"label": normalize(m.group(1)), "line": number, "parts": []})
            if m.group(2):
                runs[-1]["parts"].append(m.group(2))
            continue
        if runs and (
            (runs[-1]["label"] and not runs[-1]["parts"])
            or _continues(_join(runs[-1]["parts"]), text)
        ):
            runs[-1]["parts"].append(text)
        else:
            runs.append({"label": "", "line": number, "parts": [text]})
    paragraphs: list[tuple[str, int, str]] = []
    fragments: set[str] = set()
    open_paragraph = False
    for run in runs:
        text = _join(run["parts"])
        prose = _terminated(text) and len(text.split()) >= MIN_PARAGRAPH_WORDS
        if not prose and not run["label"]:
            fragments.update(clean(p) for p in run["parts"])
            open_paragraph = False
            continue
        if open_paragraph and not run["label"]:
            label, line, previous = paragraphs[-1]
            paragraphs[-1] = (label, line, f"{previous} {text}")
        else:
            paragraphs.append((run["label"], run["line"], text))
        open_paragraph = True
    return paragraphs, fragments


def parse_pgd_text(source: SourceText, start: int, end: int) -> ParsedPlan:
    plan = ParsedPlan(layout="texto", start_year=start, end_year=end)
    segments = _segments(source)
    has_heading = any(HEADING_RE.match(normalize(t)) for _, t in segments)
    swot_kind: str | None = None
    seen_heading = seen_objective = False
    current: _Block | None = None
    blocks: list[_Block] = []
    free: list[tuple[int, str]] = []
    for number, text in segments:
        heading = HEADING_RE.match(normalize(text))
        if heading and len(text) < 60:
            swot_kind, seen_heading, current = SWOT_KINDS[heading.group(1)], True, None
            continue
        marker = _marker(text)
        if marker:
            current = _Block(marker[0], marker[1], number, [(number, marker[2])])
            blocks.append(current)
            seen_objective, swot_kind = True, None
            continue
        if current is not None and current.kind != "swot":
            current.parts.append((number, text))
        elif text[0] in BULLETS:
            if swot_kind is None:
                plan.flag("unparsed_line", number, f"Viñeta fuera del FODA: «{text[:80]}».")
                continue
            current = _Block("swot", swot_kind, number, [(number, text.lstrip(BULLETS + " "))])
            blocks.append(current)
        elif current is not None and (not _terminated(current.text) or _starts_lower(text)):
            current.parts.append((number, text))
        elif seen_objective:
            plan.flag("unparsed_line", number, f"Texto sin lugar en el plan: «{text[:80]}».")
        else:
            current = None
            if seen_heading or not has_heading:
                free.append((number, text))

    first_objective = next((b.line for b in blocks if b.kind == "objective"), None)
    if first_objective is None:
        raise ImportFailure(
            source.name,
            "no se encontraron objetivos estratégicos («OE1.», «OE2.» …); no parece "
            f"{KIND_LABEL} en formato de texto o el archivo está truncado",
        )
    paragraphs, furniture = _paragraphs(free)
    labelled = {label: (line, text) for label, line, text in paragraphs if label}
    unlabelled = [(line, text) for label, line, text in paragraphs if not label]
    for key, attr in (("mision", "mission"), ("vision", "vision")):
        if key in labelled:
            setattr(plan, attr, labelled[key][1])
        elif unlabelled:
            setattr(plan, attr, unlabelled.pop(0)[1])
        else:
            raise ImportFailure(
                source.name,
                f"no se encontró la {'misión' if key == 'mision' else 'visión'}: se esperaban "
                "dos párrafos (misión y visión) después del FODA y antes del primer objetivo; "
                "si el documento los trae juntos, anteponga «Misión:» y «Visión:»",
                first_objective,
            )
    for line, text in unlabelled:
        plan.flag("unparsed_line", line, f"Párrafo sin lugar en el plan: «{text[:80]}».")

    swot_orders: dict[str, int] = defaultdict(int)
    objectives: dict[str, ObjectiveDraft] = {}
    lines: dict[str, LineDraft] = {}
    for block in blocks:
        parts = block.parts[:1] + [p for p in block.parts[1:] if p[1] not in furniture]
        text = _join(t for _, t in parts)
        if block.kind == "swot":
            swot_orders[block.code] += 1
            plan.swot.append(SwotDraft(block.code, swot_orders[block.code], text, block.line))
        elif block.code in objectives or block.code in lines:
            label = block.code if block.kind == "objective" else f"Línea de acción {block.code}"
            first = (objectives.get(block.code) or lines[block.code]).line
            plan.flag(
                "duplicate_row",
                block.line,
                f"{label} aparece otra vez (ya en la línea {first}); se conservó la primera.",
                label,
            )
        elif block.kind == "objective":
            objectives[block.code] = ObjectiveDraft(block.code, text, None, block.line)
        else:
            lines[block.code] = LineDraft(block.code, text, None, None, block.line)
    for draft in lines.values():
        objective = f"OE{draft.code.split('.')[0]}"
        if objective in objectives:
            draft.objective = objective
        else:
            plan.flag(
                "unparsed_line",
                draft.line,
                f"No existe el objetivo {objective} al que pertenece la línea de acción "
                f"{draft.code}; se guardó sin objetivo.",
                f"Línea de acción {draft.code}",
                ("line", draft.code),
            )
    plan.objectives = list(objectives.values())
    plan.lines = list(lines.values())
    items: list[SwotDraft | ObjectiveDraft | LineDraft] = [
        *plan.swot,
        *plan.objectives,
        *plan.lines,
    ]
    for item in sorted(items, key=lambda i: i.line)[-1:]:
        if not _terminated(item.text):
            plan.flag(
                "unparsed_line",
                item.line,
                "El último elemento del documento no termina en punto; el archivo podría "
                "estar truncado.",
            )
    return plan


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

    def element(self, number, cell, what, registry, make):  # type: ignore[no-untyped-def]
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


# ---------------------------------------------------------------- shared checks and entry


def _numbering_gaps(plan: ParsedPlan) -> None:
    """Flag holes in the numbering (OE1, OE3 …; 1.1, 1.3 …): something was not read."""
    groups: list[tuple[str, list[tuple[str, int, int]]]] = [
        ("políticas", [(p.code, _number(p.code) or 0, p.line) for p in plan.policies]),
        ("programas", [(p.code, _number(p.code) or 0, p.line) for p in plan.programs]),
        ("objetivos", [(o.code, _number(o.code) or 0, o.line) for o in plan.objectives]),
    ]
    by_major: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for ln in plan.lines:
        major, minor = ln.code.split(".")
        by_major[major].append((ln.code, int(minor), ln.line))
    groups += [(f"líneas de acción {major}.x", items) for major, items in by_major.items()]
    for what, items in groups:
        numbers = {n for _, n, _ in items if n}
        if not numbers:
            continue
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            plan.flag(
                "count_mismatch",
                min(items, key=lambda item: item[1])[2],
                f"La numeración de {what} salta: faltan {', '.join(map(str, missing))}.",
            )


def parse_pgd(
    source: SourceText, *, start_year: int | None = None, end_year: int | None = None
) -> ParsedPlan:
    """Detect the layout and parse; raises ``ImportFailure`` when the file is not a PGD."""
    is_table = any(_header_columns(line.split("\t")) for line in source.lines if "\t" in line)
    is_text = not is_table and any(
        OBJECTIVE_RE.match(clean(t)) or LINE_RE.match(clean(t)) or HEADING_RE.match(normalize(t))
        for t in source.lines
    )
    if not (is_table or is_text):
        raise ImportFailure(
            source.name,
            f"no parece {KIND_LABEL}: no tiene la tabla «Política General / Programas Generales "
            "/ Objetivos Estratégicos / Líneas de acción» ni los apartados FODA, «OE1.» y "
            "«Línea de acción 1.1.» del formato de texto",
        )
    start, end = _period(source, start_year, end_year)
    plan = (parse_pgd_table if is_table else parse_pgd_text)(source, start, end)
    _numbering_gaps(plan)
    return plan


def _apply(
    plan: ParsedPlan, source: SourceText
) -> Callable[[Institution, ImportReport, list[Change]], None]:
    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        def syncer(model, label, scope, key):  # type: ignore[no-untyped-def]
            return Syncer(model, label=label, scope=scope, key=key, report=report, changes=changes)

        plans = syncer(
            StrategicPlan,
            "plan",
            StrategicPlan.objects.filter(institution=institution),
            lambda p: (p.start_year, p.end_year),
        )
        values = {
            "institution_id": institution.pk,
            "name": plan.name,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "source_file": source.name,
        }
        # Only what the document says: the table layout has no misión/visión to overwrite.
        values.update({k: v for k, v in (("mission", plan.mission), ("vision", plan.vision)) if v})
        saved = plans.sync((plan.start_year, plan.end_year), values)
        saved.institution = institution  # str(plan) in the audit trail needs it
        plans.flush()
        objects: dict[tuple[str, str], object] = {("plan", ""): saved}

        def sync_level(model, label, kind, drafts, values_of):  # type: ignore[no-untyped-def]
            s = syncer(model, label, model.objects.filter(plan=saved), lambda o: o.code)
            for order, draft in enumerate(drafts, 1):
                values = {
                    "plan_id": saved.pk,
                    "code": draft.code,
                    "order": order,
                    **values_of(draft),
                }
                objects[(kind, draft.code)] = s.sync(draft.code, values)
            s.flush()
            return s

        def pk(kind: str, code: str | None) -> int | None:
            obj = objects.get((kind, code or ""))
            return obj.pk if obj is not None else None  # type: ignore[attr-defined]

        levels = [
            sync_level(Policy, "política", "policy", plan.policies, lambda d: {"name": d.name}),
            sync_level(
                GeneralProgram,
                "programa general",
                "program",
                plan.programs,
                lambda d: {"name": d.name, "policy_id": pk("policy", d.policy)},
            ),
            sync_level(
                StrategicObjective,
                "objetivo estratégico",
                "objective",
                plan.objectives,
                lambda d: {"text": d.text, "program_id": pk("program", d.program)},
            ),
            sync_level(
                LineOfAction,
                "línea de acción",
                "line",
                plan.lines,
                lambda d: {
                    "text": d.text,
                    "objective_id": pk("objective", d.objective),
                    "program_id": pk("program", d.program),
                },
            ),
        ]
        swot = syncer(
            SwotItem,
            "elemento FODA",
            SwotItem.objects.filter(plan=saved),
            lambda o: (o.kind, o.order),
        )
        for item in plan.swot:
            values = {
                "plan_id": saved.pk,
                "kind": item.kind,
                "order": item.order,
                "text": item.text,
            }
            objects[("swot", f"{item.kind}:{item.order}")] = swot.sync(
                (item.kind, item.order), values
            )
        swot.flush()
        for s in [swot, *reversed(levels)]:
            s.delete_unseen()
        report.findings.extend(plan.findings)
        bind_findings(report.findings, objects)  # type: ignore[arg-type]
        report.extra.update({"plan": plan.name, "formato": plan.layout})

    return apply


def import_pgd(
    path: str | Path,
    *,
    institution_code: str,
    dry_run: bool = False,
    actor: Actor,
    start_year: int | None = None,
    end_year: int | None = None,
) -> ImportReport:
    source = read_text_file(path, kind_label=KIND_LABEL)
    plan = parse_pgd(source, start_year=start_year, end_year=end_year)
    return run_import(
        kind=KIND,
        source=source,
        institution_code=institution_code,
        year=None,
        dry_run=dry_run,
        actor=actor,
        apply=_apply(plan, source),
    )
