"""Open-data downloads: each dataset as CSV, JSON or XLSX, and its data dictionary.

``build_open_dataset`` and ``build_open_dictionary`` are the plain functions the pages,
the CLI and (later) the background queue call. Every file states the licence: the JSON in
its ``metadata``, the XLSX in its «Licencia» sheet (next to «Diccionario»); the CSV page
says it in its README line (the CSV itself holds only the header and the data rows so
that any tool reads it). CSV is UTF-8 with a BOM (so Excel shows the accents), comma
separated, decimals with a dot and no thousands separator.

Simulated demonstration figures (``rumbo demo``) say so in every file: the datasets that
can hold them have a ``simulado`` column (true / false on each row), the JSON metadata has
``simulated`` and ``simulated_note``, and the XLSX carries the note on its «Datos» sheet
(a cell note on the header) and in its «Licencia» sheet.

Every dataset says which approved version of the program's targets its figures use: a
``version`` column, the JSON ``metadata`` (``version``, ``version_label``,
``version_since``) and a «Versión de las metas» row in the «Licencia» sheet; the datasets
with targets add the original ones (version 1) at the end (``…_original``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from rumbo.budget.figures import budget_figures
from rumbo.budget.models import MOMENTS
from rumbo.core.exportfile import ExportFile, safe_csv_writer, xlsx_safe_row
from rumbo.core.numbers import normalize_decimal, to_json_number
from rumbo.core.semaforo import Grade
from rumbo.institutions.models import Area
from rumbo.programs.selectors import TreeNode

from .datasets import (
    BUDGET,
    DATASETS,
    DICTIONARY_FORMATS,
    FORMATS,
    INDICATORS,
    LICENCE_NAME,
    LICENCE_NOTE,
    LICENCE_URL,
    PROGRAM,
    PROGRESS,
    SIMULATED_NOTE,
    Dataset,
)
from .selectors import (
    PublicProgram,
    public_indicators,
    public_originals,
    public_program,
    public_progress,
    public_tree,
)

Value = str | int | bool | Decimal | None


class NotPublished(Http404):
    """The institution and year asked for have no published program."""


def _dataset(slug: str) -> Dataset:
    if slug not in DATASETS:
        raise ValueError(
            f"Conjunto de datos desconocido «{slug}»; se esperaba uno de: {', '.join(DATASETS)}."
        )
    return DATASETS[slug]


def _format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise ValueError(f"Formato desconocido «{fmt}»; se esperaba uno de: {', '.join(allowed)}.")
    return fmt


def _light(g: Grade) -> str:
    return g.light.value


# --------------------------------------------------------------------------------------
# Rows


def _program_rows(public: PublicProgram) -> Iterator[dict[str, Value]]:
    year = public.program.year
    originals = public_originals(public)
    month_fields = [f.name for f in PROGRAM.fields if f.name.startswith("prog_")]
    current_fields = [n for n in month_fields if not n.endswith("_original")]
    original_fields = [n for n in month_fields if n.endswith("_original")]

    def walk(node: TreeNode, path: list[str], area: Area | None) -> Iterator[dict[str, Value]]:
        here = node.node.area or area
        keys = [*path, node.node.key]
        for row in node.activities:
            a = row.activity
            area_of = a.area or here
            values: dict[str, Value] = {
                "ejercicio": year,
                "nodo_clave": node.node.key,
                "nodo_nombre": node.node.name,
                "ruta": "/".join(keys),
                "area": area_of.name if area_of else None,
                "actividad_clave": a.key,
                "actividad": a.description,
                "unidad_medida": a.unit.name if a.unit else None,
                "meta_anual": a.annual_target,
            }
            for name, quantity in zip(current_fields, row.months, strict=True):
                values[name] = quantity
            values["beneficiarios"] = "; ".join(
                f"{b.description}: {b.quantity}" for b in row.beneficiaries
            )
            original = originals.get(a.key)
            values["meta_anual_original"] = original.annual if original else None
            before = original.months if original else [None] * 12
            for name, quantity in zip(original_fields, before, strict=True):
                values[name] = quantity
            values["version"] = public.version
            values["simulado"] = a.calendar_simulated
            yield values
        for child in node.children:
            yield from walk(child, keys, here)

    for root in public_tree(public):
        yield from walk(root, [], None)


def _progress_rows(public: PublicProgram) -> Iterator[dict[str, Value]]:
    progress = public_progress(public)
    originals = public_originals(public)
    for r in progress.rows:
        original = originals.get(r.activity.key)
        yield {
            "ejercicio": public.program.year,
            "mes": r.month,
            "area": r.area.name,
            "actividad_clave": r.activity.key,
            "actividad": r.activity.description,
            "unidad_medida": r.activity.unit.name if r.activity.unit else None,
            "programado_mes": r.programmed,
            "alcanzado_mes": r.achieved,
            "programado_acumulado": r.cumulative_programmed,
            "alcanzado_acumulado": r.cumulative_achieved,
            "cumplimiento": r.grade.ratio,
            "semaforo": _light(r.grade),
            "simulado": public.progress_simulated,
            "programado_mes_original": original.month_targets.get(r.month) if original else None,
            "programado_acumulado_original": original.programmed_to(r.month) if original else None,
            "version": public.version,
        }


def _indicator_rows(public: PublicProgram) -> Iterator[dict[str, Value]]:
    simulated = {m.mir.pk: m.simulated for m in public.mirs}
    for pi in public_indicators(public):
        ind = pi.indicator
        for line in pi.periods:
            yield {
                "ejercicio": public.program.year,
                "programa": pi.mir_title,
                "nivel": pi.level_label,
                "resumen_narrativo": ind.row.summary,
                "indicador": ind.name,
                "definicion": ind.definition,
                "metodo_calculo": ind.formula,
                "unidad_medida": ind.unit,
                "tipo": ind.get_kind_display(),
                "dimension": ind.get_dimension_display() if ind.dimension else None,
                "frecuencia": ind.get_frequency_display(),
                "sentido": ind.get_direction_display(),
                "linea_base": ind.baseline_value,
                "linea_base_anio": ind.baseline_year,
                "area": ind.area.name,
                "meta_anual": pi.annual,
                "periodo": line.period.label,
                "meta_periodo": line.target,
                "valor": line.value,
                "cumplimiento": line.grade.ratio,
                "semaforo": _light(line.grade),
                "simulado": simulated[ind.row.mir_id],
                "meta_anual_original": pi.original_annual,
                "meta_periodo_original": line.original_target,
                "version": public.version,
            }


def _budget_rows(public: PublicProgram) -> Iterator[dict[str, Value]]:
    """The budget lines summed by node × capítulo × partida × fuente × month (an
    activity's lines join its node's), from ``rumbo.budget.figures``. No personal data."""
    figures = budget_figures(public.program)
    nodes = figures.nodes
    names = {r.item: r.item_name for r in figures.rows}
    grouped = figures.grouped(
        figures.rows, lambda r: (nodes[r.node_id].key, r.chapter, r.item, r.source, r.month)
    )
    node_names = {n.key: n.name for n in nodes.values()}
    for (node, chapter, item, source, month), moments in grouped.items():
        yield {
            "ejercicio": public.program.year,
            "nodo_clave": node,
            "nodo_nombre": node_names[node],
            "capitulo": chapter,
            "partida": item,
            "partida_nombre": names[item],
            "fuente": source,
            "mes": month,
            **{m: getattr(moments, m) for m in MOMENTS},
        }


_ROWS = {
    PROGRAM.slug: _program_rows,
    PROGRESS.slug: _progress_rows,
    INDICATORS.slug: _indicator_rows,
    BUDGET.slug: _budget_rows,
}


def dataset_rows(*, public: PublicProgram, dataset: str) -> list[dict[str, Value]]:
    return list(_ROWS[_dataset(dataset).slug](public))


def dataset_simulated(*, public: PublicProgram, dataset: str) -> bool:
    """Whether the dataset of this published year holds simulated demonstration figures:
    the progress when the program's progress is, the indicators when a published MIR's
    measurements are, the program when an activity's calendar is (a cronograma with
    simulated months gave it)."""
    slug = _dataset(dataset).slug
    if slug == BUDGET.slug:  # the budget has no simulated flag (the demo names its partidas so)
        return False
    if slug == PROGRESS.slug:
        return public.progress_simulated
    if slug == INDICATORS.slug:
        return public.measurements_simulated
    return public.calendar_simulated


# --------------------------------------------------------------------------------------
# Files


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(normalize_decimal(value))
    return str(value)


def _json_value(value: Value) -> Any:
    if isinstance(value, Decimal):
        return to_json_number(value)
    return value


def _csv(header: list[str], rows: list[list[Value]]) -> bytes:
    out = io.StringIO()
    writer = safe_csv_writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def dictionary_rows(ds: Dataset) -> list[dict[str, str]]:
    return [
        {"campo": f.name, "tipo": f.type, "descripcion": f.description, "unidad": f.unit}
        for f in ds.fields
    ]


def licence_dict() -> dict[str, str]:
    return {"name": LICENCE_NAME, "url": LICENCE_URL, "note": LICENCE_NOTE}


def version_metadata(public: PublicProgram) -> dict[str, Any]:
    """Which approved version's targets the figures use: its number (None: never
    approved), the sentence every face prints, and the day it came into force."""
    since = public.version_since
    return {
        "version": public.version,
        "version_label": public.version_label,
        "version_since": timezone.localtime(since).date().isoformat() if since else None,
    }


def source_url(*, base_url: str, institution: str, year: int, dataset: str, fmt: str) -> str:
    path = reverse("opendata:dataset", args=[institution, year, dataset, fmt])
    return f"{base_url.rstrip('/')}{path}"


def _bold(ws: Any, value: str) -> Any:  # a WriteOnlyCell (a function in openpyxl)
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def _sheet(
    wb: Workbook, title: str, header: list[str], rows: list[list[Value]], note: str = ""
) -> None:
    """A write-only sheet (streams rows: several times faster for thousands of rows);
    ``note`` becomes a cell note on the first header cell."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(50, len(name) + 4))
    cells = [_bold(ws, name) for name in header]
    if note and cells:
        cells[0].comment = Comment(note, "Rumbo", width=320, height=90)
    ws.append(cells)
    for row in rows:  # Excel holds doubles: write numbers as int or float
        ws.append(xlsx_safe_row(ws, [_json_value(v) for v in row]))


def _xlsx(ds: Dataset, rows: list[list[Value]], metadata: dict[str, Any]) -> bytes:
    wb = Workbook(write_only=True)
    note = metadata["simulated_note"]
    _sheet(wb, "Datos", ds.names, rows, note=note)
    dictionary = dictionary_rows(ds)
    _sheet(
        wb,
        "Diccionario",
        ["campo", "tipo", "descripcion", "unidad"],
        [[d["campo"], d["tipo"], d["descripcion"], d["unidad"]] for d in dictionary],
    )
    info = wb.create_sheet("Licencia")
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 90
    link = WriteOnlyCell(info, value=LICENCE_URL)
    link.hyperlink = LICENCE_URL
    for label, value in [
        ("Conjunto de datos", ds.title),
        ("Institución", f"{metadata['institution_name']} ({metadata['institution']})"),
        ("Ejercicio", metadata["year"]),
        ("Generado", metadata["generated_at"]),
        ("Fuente", metadata["source_url"]),
        ("Versión de las metas", metadata["version_label"]),
        ("Licencia", LICENCE_NAME),
        ("Texto de la licencia", link),
        ("Uso", LICENCE_NOTE),
        *([("Datos simulados", note)] if note else []),
    ]:
        info.append([_bold(info, label), value])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_open_dataset(
    *, institution: str, year: int, dataset: str, fmt: str, base_url: str = ""
) -> ExportFile:
    """One open dataset of a published program year, as ``csv``, ``json`` or ``xlsx``.

    ``base_url`` (e.g. ``https://rumbo.example.mx``) makes the source URL absolute.
    Raises ``NotPublished`` (a 404) when the year is not published, ``ValueError`` for an
    unknown dataset or format.
    """
    ds = _dataset(dataset)
    _format(fmt, FORMATS)
    public = public_program(code=institution, year=year)
    if public is None:
        raise NotPublished(f"{institution} no ha publicado datos abiertos del ejercicio {year}.")
    records = dataset_rows(public=public, dataset=ds.slug)
    filename = f"{public.institution.code}-{year}-{ds.slug}.{fmt}"
    rows = [[r[name] for name in ds.names] for r in records]
    metadata: dict[str, Any] = {
        "institution": public.institution.code,
        "institution_name": public.institution.name,
        "dataset": ds.slug,
        "title": ds.title,
        "description": ds.description,
        "year": year,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "licence": licence_dict(),
        "source_url": source_url(
            base_url=base_url,
            institution=public.institution.code,
            year=year,
            dataset=ds.slug,
            fmt=fmt,
        ),
        "dictionary": dictionary_rows(ds),
        "row_count": len(rows),
        **version_metadata(public),
    }
    simulated = dataset_simulated(public=public, dataset=ds.slug)
    metadata["simulated"] = simulated
    metadata["simulated_note"] = SIMULATED_NOTE if simulated else ""
    if fmt == "csv":
        return ExportFile(filename, _csv(ds.names, rows))
    if fmt == "json":
        body = {
            "metadata": metadata,
            "data": [{k: _json_value(v) for k, v in r.items()} for r in records],
        }
        return ExportFile(filename, json.dumps(body, ensure_ascii=False, indent=1).encode())
    return ExportFile(filename, _xlsx(ds, rows, metadata))


def build_open_dictionary(*, dataset: str, fmt: str) -> ExportFile:
    """The data dictionary of a dataset (``csv`` or ``json``); the same for every institution."""
    ds = _dataset(dataset)
    _format(fmt, DICTIONARY_FORMATS)
    rows = dictionary_rows(ds)
    filename = f"diccionario-{ds.slug}.{fmt}"
    if fmt == "csv":
        header = ["campo", "tipo", "descripcion", "unidad"]
        return ExportFile(filename, _csv(header, [[r[h] for h in header] for r in rows]))
    body = {"dataset": ds.slug, "title": ds.title, "licence": licence_dict(), "fields": rows}
    return ExportFile(filename, json.dumps(body, ensure_ascii=False, indent=1).encode())
