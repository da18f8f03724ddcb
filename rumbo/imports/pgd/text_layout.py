"""The text layout of a PGD (the quarterly POA report): FODA, misión, visión, OE and líneas."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rumbo.core.text import clean, normalize

from ..base import (
    ImportFailure,
    SourceText,
)
from .common import (
    BULLETS,
    HEADING_RE,
    KIND_LABEL,
    LABEL_RE,
    MIDLINE_RE,
    MIN_PARAGRAPH_WORDS,
    SWOT_KINDS,
    LineDraft,
    ObjectiveDraft,
    ParsedPlan,
    SwotDraft,
    _continues,
    _join,
    _marker,
    _starts_lower,
    _terminated,
)

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
