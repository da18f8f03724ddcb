"""Shared pieces of the PGD importer: patterns, parsed drafts, text helpers and the period."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rumbo.core.text import STOPWORDS, clean, normalize, whole_number
from rumbo.strategy.models import (
    SwotKind,
)

from ..base import (
    FindingDraft,
    ImportFailure,
    SourceText,
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
    return int(digits) if digits and whole_number(code.removeprefix("OE")) is not None else None


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
