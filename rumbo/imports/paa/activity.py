"""The PAA parser: one activity (figures and calendar)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rumbo.core.numbers import parse_number
from rumbo.core.text import clean

from .beneficiaries import (
    _looks_like_unit,
    is_quantity,
    pair_beneficiaries,
)
from .calendar import calendar_certain_months
from .layout import (
    _GLUED_RE,
    FiguresRow,
    ParsedActivity,
    _fmt,
    _month_names,
    _Record,
    _short,
    figures_by_geometry,
)
from .state import _ParserState
from .wrapped import unwrap


class _ActivityRules(_ParserState):
    # -- one activity ---------------------------------------------------------------------

    def _parse_activity(self, record: _Record) -> ParsedActivity:
        unwrapped = unwrap(record)
        activity = ParsedActivity(record.key, unwrapped.description, record.line)
        label, target = f"Actividad {record.key}", ("activity", record.key)

        def add(code: str, line: int | None, message: str) -> None:
            self.add(code, line, message, label, target)

        for number, text in unwrapped.stray:
            add(
                "unparsed_line",
                number,
                f"«{_short(text, 60)}», en una línea que continúa la descripción, no está en "
                "la columna de la unidad de medida; no se usó.",
            )

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
        figure_lines += [(n, [c.strip() for c in cells]) for n, cells in unwrapped.more]

        # The figures are the first line whose first filled cell is a number.
        tail: list[tuple[int, str, bool]] = []  # (line, text, last filled cell of key line)
        values: list[Decimal] = []
        figures_line = None
        placed: FiguresRow | None = None
        for n, cells in figure_lines:
            cells_filled = [c for c in cells if c]
            row = figures_by_geometry(cells, record.width) if n != record.line else None
            if figures_line is None and row is not None:
                figures_line, placed = n, row
                cells_filled = row.rest
            elif (
                figures_line is None and cells_filled and parse_number(cells_filled[0]) is not None
            ):
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
        activity.unit = clean(" ".join([unit, *unwrapped.unit_parts]))
        if not activity.unit:
            add("missing_unit", record.line, "La actividad no tiene unidad de medida.")

        # A twelfth number with nothing after it may be the beneficiary quantity.
        texts = [t for _, t, _ in tail]
        has_quantity = bool(texts) and is_quantity(texts[-1])
        if placed is not None:
            self._placed_calendar(activity, placed, figures_line or record.line, add)
            note = ""
        elif (
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

        if placed is None:
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

    def _placed_calendar(
        self, activity: ParsedActivity, row: FiguresRow, line: int, add: Any
    ) -> None:
        """The calendar of a figures line read by the header's geometry: every month whose
        cell holds a number is kept in its column; a blank cell is unknown, never 0."""
        activity.annual = parse_number(row.annual) if row.annual else None
        activity.values_as_printed = list(row.months)
        known = {m: parse_number(c) for m, c in enumerate(row.months, start=1) if c}
        activity.months = {m: v for m, v in known.items() if v is not None}
        total = sum(activity.months.values(), Decimal(0))
        blank = [m for m, c in enumerate(row.months, start=1) if not c]
        count = len(activity.months)
        months = (
            "los 12 meses"
            if count == 12
            else f"{count} meses ({_month_names(sorted(activity.months))})"
        )
        parts: list[str] = []
        if activity.annual is None:
            parts.append(
                "La celda de la cantidad anual está vacía; la cantidad anual queda sin dato "
                f"(los meses suman {_fmt(total)})."
            )
        if blank:
            cells = "La celda" if len(blank) == 1 else "Las celdas"
            empty = "está vacía" if len(blank) == 1 else "están vacías"
            parts.append(
                f"{cells} de {_month_names(blank)} en el calendario {empty} y "
                f"{'queda' if len(blank) == 1 else 'quedan'} sin dato."
            )
            if activity.annual is not None:
                rest = activity.annual - total
                parts.append(
                    f"Los demás suman {_fmt(total)} y la cantidad anual es "
                    f"{_fmt(activity.annual)}"
                    + (f"; faltarían {_fmt(rest)}." if rest >= 0 else "; ya la superan.")
                )
        if parts:
            add("empty_required", line, " ".join(parts) + f" Se guardaron {months} en su columna.")
        elif activity.annual is not None and total != activity.annual:
            add(
                "sum_mismatch",
                line,
                f"Los meses suman {_fmt(total)} y la cantidad anual es {_fmt(activity.annual)}; "
                "se guardaron los 12 meses tal como aparecen.",
            )

    def _calendar(
        self, activity: ParsedActivity, values: list[Decimal], line: int, note: str, add: Any
    ) -> None:
        annual = activity.annual
        if annual is None:
            add(
                "empty_required",
                line,
                "La actividad no tiene cantidad anual ni calendario en el documento; la "
                "cantidad anual y los meses quedan sin dato, para revisión.",
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
            # The first number may not be the annual at all: with a blank annual cell that
            # left no trace, it is January. Neither reading is stated as fact or stored.
            activity.annual = None
            message = (
                f"El primer número, {_fmt(annual)}, se leyó como cantidad anual, pero los "
                f"{len(values)} valores mensuales que le siguen ({read}) suman {_fmt(total)}, "
                "más que esa cantidad: o la celda de la cantidad anual está vacía y ese "
                "número es Ene, o falta un mes y alguna cifra está mal. La cantidad anual y "
                "el calendario quedan sin dato; revíselos contra el documento."
            )
        else:
            message += (
                " No se puede saber a qué mes corresponde cada valor; el calendario queda sin dato."
            )
        add("missing_months", line, message + note)
