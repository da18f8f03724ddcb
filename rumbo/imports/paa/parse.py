"""The PAA parser: the line loop and ``parse_paa``."""

from __future__ import annotations

import re

from rumbo.core.numbers import parse_number
from rumbo.core.text import clean, normalize

from ..base import (
    SourceText,
)
from .activity import _ActivityRules
from .checks import _Checks
from .layout import (
    _AREA_RE,
    _KEY_LIKE_RE,
    _KEY_RE,
    _LEGAL_RE,
    _OBJECTIVE_RE,
    _SUBPROGRAM_RE,
    _TITLE_RE,
    _TOTAL_PREFIX_RE,
    ParsedProgram,
    ParsedSubprogram,
    _numbers,
    _Record,
    _short,
    _StructureRow,
    header_width,
    is_detail_header,
)


class _Parser(_ActivityRules, _Checks):
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
            if is_detail_header(norm):
                self._end_text()
                self.header_width = header_width(raw)
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

    def _unplaced_key(self, raw: str, text: str, number: int, expected: str) -> bool:
        """Report a line that starts like a key but is none the table expects here.

        A key that lost or gained a digit (``01010``) must not vanish: the declared counts
        may still agree (another line may be missing too), so the line is always reported.
        """
        match = _KEY_LIKE_RE.match(raw)
        if match is None:
            return False
        self.add(
            "unparsed_line",
            number,
            f"La línea empieza con «{match.group(1)}», que parece una clave pero no es "
            f"{expected}; no se importó: «{_short(text)}».",
            "",
            ("line", str(number)),
        )
        return True

    def _summary_row(self, raw: str, text: str, number: int) -> None:
        found = self._key_line(raw, text, number)
        if found is None or len(found[0]) != 4:
            self._unplaced_key(raw, text, number, "la de un proyecto (4 dígitos)")
            return
        key, cells = found
        filled = [c.strip() for c in cells if c.strip()]
        declared = parse_number(filled[-1]) if len(filled) > 1 else None
        self.summary_projects.setdefault(
            key, (clean(filled[0]), number, int(declared) if declared is not None else None)
        )

    def _detail_line(self, raw: str, text: str, number: int) -> None:
        found = self._key_line(raw, text, number)
        expected = "la de un proyecto (4 dígitos) ni la de una actividad (6 dígitos)"
        if found is None and self._unplaced_key(raw, text, number, expected):
            # Its figures, on the next lines, belong to no activity: never to the one above.
            self._end_record()
            return
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
            self.record = _Record(key, number, cells[0], cells[1:], self.header_width)
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
        if at_eof and activity.annual is None and not activity.values_as_printed:
            raise self.fail(
                f"el archivo termina en la actividad {record.key} sin sus cantidades "
                "(cantidad anual y calendario); parece truncado",
                record.line,
            )
        self.activities.append(activity)


def parse_paa(source: SourceText) -> ParsedProgram:
    """Parse the text of a Programa Anual de Actividades; touches no database."""
    return _Parser(source).parse()
