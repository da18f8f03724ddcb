"""The checks of the data rows: cells, period dates, content, Ejercicio, duplicates, links
and areas. Row rules shared with the fr. IV importer come from ``rumbo.imports.rowchecks``."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from rumbo.audit.services import Actor
from rumbo.core.text import clean
from rumbo.imports.rowchecks import (
    YEAR_RE,
    domains_label,
    duplicate_key,
    link_domains,
    link_problem,
    meta_problem,
    parse_dmy,
    unit_problem,
)
from rumbo.institutions.models import Institution
from rumbo.institutions.services import area_resolve_many

from ..formats import NO_INFORMATION_FIELDS, FormatDefinition
from .model import CheckResult, DataRow, cell_label, source_column


def _number(text: str) -> Decimal | None:
    value = text.replace(",", "").replace("%", "").strip()
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def is_no_information_row(definition: FormatDefinition, row: DataRow) -> bool:
    """A row that only says, in its Nota, that the period generated no information."""
    note = source_column(definition, "note")
    if note is None or not row.values.get(note.key):
        return False
    return all(
        not row.values.get(c.key)
        for c in definition.columns
        if c.source not in NO_INFORMATION_FIELDS
    )


def check_cells(result: CheckResult, rows: list[DataRow]) -> None:
    definition = result.definition
    for row in rows:
        dates: dict[str, date] = {}
        no_information = is_no_information_row(definition, row)
        for column in definition.columns:
            if column.key not in row.values:
                continue
            value = row.values[column.key]
            where = cell_label(row, column)
            if not value:
                if column.required and not (
                    no_information and column.source not in NO_INFORMATION_FIELDS
                ):
                    result.add(
                        "empty_required",
                        row.number,
                        where,
                        f"La celda «{column.header}» es obligatoria y está vacía.",
                    )
                continue
            if column.type == "date":
                parsed = parse_dmy(value)
                if parsed is None:
                    result.add(
                        "date_format",
                        row.number,
                        where,
                        f"«{value}» no es una fecha dd/mm/aaaa válida.",
                    )
                else:
                    dates[column.source] = parsed
            elif column.type == "year" and not YEAR_RE.match(value):
                result.add("date_format", row.number, where, f"Ejercicio ilegible: «{value}».")
            elif column.type == "number" and _number(value) is None:
                result.add("number_format", row.number, where, f"«{value}» no es una cifra.")
        _period(result, row, dates)
        _content(result, row)


def _period(result: CheckResult, row: DataRow, dates: dict[str, date]) -> None:
    definition = result.definition
    start, end = dates.get("period_start"), dates.get("period_end")
    year_text = row.values.get("year", "")
    start_col = source_column(definition, "period_start")
    end_col = source_column(definition, "period_end")
    if start and end and start > end and start_col:
        result.add(
            "date_format",
            row.number,
            cell_label(row, start_col),
            "La fecha de inicio del periodo es posterior a la de término.",
        )
    elif YEAR_RE.match(year_text):
        year = int(year_text)
        for d, column in ((start, start_col), (end, end_col)):
            if d and column and d.year != year:
                result.add(
                    "date_out_of_period",
                    row.number,
                    cell_label(row, column),
                    f"La fecha {d:%d/%m/%Y} no está dentro del ejercicio {year}.",
                )
    if end is None:
        return
    for source, label in (("updated_on", "actualización"), ("validated_on", "validación")):
        d = dates.get(source)
        column = source_column(definition, source)
        if d and column and d < end:
            result.add(
                "date_out_of_period",
                row.number,
                cell_label(row, column),
                f"La fecha de {label} ({d:%d/%m/%Y}) es anterior al término del periodo que "
                f"informa ({end:%d/%m/%Y}).",
            )


def _content(result: CheckResult, row: DataRow) -> None:
    definition = result.definition
    goal, indicator = source_column(definition, "goal"), source_column(definition, "indicator")
    if goal and indicator and goal.key in row.values and indicator.key in row.values:
        problem = meta_problem(row.values[goal.key], row.values[indicator.key])
        if problem:
            result.add("meta_not_quantified", row.number, cell_label(row, goal), problem)
    unit = source_column(definition, "unit")
    if unit and unit.key in row.values:
        problem = unit_problem(row.values[unit.key])
        if problem:
            result.add("unit_is_frequency", row.number, cell_label(row, unit), problem)


def check_years(result: CheckResult, rows: list[DataRow]) -> None:
    years = Counter(
        r.values.get("year", "") for r in rows if YEAR_RE.match(r.values.get("year", ""))
    )
    if len(years) < 2:
        return
    (main, count), *_ = sorted(years.items(), key=lambda kv: (-kv[1], kv[0]))
    column = source_column(result.definition, "year")
    for row in rows:
        value = row.values.get("year", "")
        if column and YEAR_RE.match(value) and value != main:
            result.add(
                "year_inconsistent",
                row.number,
                cell_label(row, column),
                f"La fila es del ejercicio {value}, pero {count} de {len(rows)} filas del "
                f"archivo son de {main}: un archivo informa un solo ejercicio.",
            )


def check_duplicates(result: CheckResult, rows: list[DataRow]) -> None:
    keys = [c.key for c in result.definition.columns if c.type != "date"]
    first: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = duplicate_key(row.values.get(k, "") for k in keys)
        if key in first:
            result.add(
                "duplicate_row",
                row.number,
                None,
                f"Fila idéntica a la fila {first[key]}, salvo las fechas.",
            )
        else:
            first[key] = row.number


def check_links(result: CheckResult, rows: list[DataRow], institution: Institution | None) -> None:
    links = [c for c in result.definition.columns if c.type == "url"]
    if not links:
        return
    cells = [(row, c, row.values[c.key]) for row in rows for c in links if row.values.get(c.key)]
    code = institution.code if institution else ""
    domains, inferred = link_domains(
        (text for _, _, text in cells),
        institution_code=code,
        web_domains=list(institution.web_domains or []) if institution else [],
    )
    if institution:
        shown = domains_label(domains, inferred)
    else:
        shown = ", ".join(domains) + " (inferido: el dominio más frecuente de los hipervínculos)"
    for row, column, text in cells:
        problem = link_problem(text, domains, shown)
        if problem:
            result.add("suspicious_link", row.number, cell_label(row, column), problem)
    if not domains and cells and institution:
        result.add(
            "suspicious_link",
            None,
            None,
            "No se revisó el dominio de los hipervínculos: la institución no tiene dominios web "
            f"registrados y ningún enlace del archivo contiene «{code.lower()}».",
        )


def check_areas(result: CheckResult, rows: list[DataRow], institution: Institution) -> None:
    column = source_column(result.definition, "area")
    if column is None:
        return
    labels = [r.values[column.key] for r in rows if r.values.get(column.key)]
    if not labels:
        return
    # The resolver learns (creates areas and aliases); a check only reads: roll it back.
    with transaction.atomic():
        matches = area_resolve_many(
            institution=institution, labels=labels, actor=Actor.cli(), changes=[]
        )
        transaction.set_rollback(True)
    for row in rows:
        label = row.values.get(column.key, "")
        match = matches.get(label) if label else None
        if match is None:
            continue
        where = cell_label(row, column)
        if match.kind in ("alias", "fuzzy"):
            result.add(
                "area_alias",
                row.number,
                where,
                f"Área escrita «{clean(label)}»; su nombre canónico es «{match.area.name} "
                f"({match.area.code})».",
            )
        elif match.kind == "ambiguous":
            result.add("area_unresolved", row.number, where, match.message)
        elif match.kind == "new":
            result.add(
                "area_unresolved",
                row.number,
                where,
                f"El área «{clean(label)}» no está registrada en {institution.code}.",
            )
