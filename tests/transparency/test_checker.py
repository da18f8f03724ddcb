from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from rumbo.core.text import normalize
from rumbo.imports.findings import FINDING_CODES
from rumbo.institutions.models import Institution
from rumbo.transparency.checker import UnreadableFile, check_file

# The sample's columns by position (the checker finds them by header text instead).
YEAR, START, END, AREA, OBJECTIVE, INDICATOR, GOAL, UNIT, LINK, RESPONSIBLE, UPDATED, NOTE = range(
    12
)
HEADER = [
    "Ejercicio",
    "Fecha de inicio del periodo que se informa",
    "Fecha de término del periodo que se informa",
    "Denominación del área",
    "Descripción breve y clara de cada objetivo",
    "Indicadores asociados",
    "Meta(s) por cada indicador",
    "Unidad de medida por cada meta",
    "Hipervínculo al documento del programa",
    "Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualiza(n) la información",
    "Fecha de validación",
    "Fecha de actualización",
    "Nota",
]


def good_row(n: int, year: str = "2023") -> list[str]:
    return [
        year,
        f"01/01/{year}",
        f"31/12/{year}",
        "Dirección de Organización",
        f"Organizar la elección número {n}",
        f"Porcentaje de casillas instaladas {n}",
        "100 %",
        "Porcentaje",
        "https://www.ieem.org.mx/poa.pdf",
        "Dirección de Organización",
        f"15/01/{int(year) + 1}",
        f"15/01/{int(year) + 1}",
        "",
    ]


def sample_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line, cells) of each data row, found without the checker's code."""
    out = []
    for number, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        cells = [c.strip() for c in text.split("\t")]
        if len(cells) == 12 and cells[0] != "Ejercicio":
            out.append((number, cells))
    return out


def sample_header(path: Path) -> list[str]:
    line = next(
        ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.startswith("Ejercicio")
    )
    return line.split("\t")


def rows_of(result, code: str) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(f.row for f in result.findings if f.code == code)


def check(content: bytes, name: str = "f.csv", format_id: str = "fr-iv", institution=None):  # type: ignore[no-untyped-def]
    return check_file(name=name, content=content, format_id=format_id, institution=institution)


def tsv(lines: list[list[str]]) -> bytes:
    return "\n".join("\t".join(c) for c in lines).encode("utf-8")


def csv_bytes(lines: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(lines: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.worksheets[0]
    for line in lines:
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the 000 sample


def test_the_sample_reports_each_defect_class_on_the_right_rows(sipot_iv_file: Path) -> None:
    result = check(sipot_iv_file.read_bytes(), name=sipot_iv_file.name)
    data = sample_rows(sipot_iv_file)
    assert result.header_row == 11 and result.data_rows == 139 == len(data)
    frequencies = {"trimestral", "mensual", "anual", "semestral", "quincenal"}
    assert rows_of(result, "unit_is_frequency") == [
        n for n, c in data if normalize(c[UNIT]) in frequencies
    ]
    repeats = [n for n, c in data if normalize(c[GOAL]) == normalize(c[INDICATOR])]
    assert rows_of(result, "meta_not_quantified") == repeats and len(repeats) == 136
    off = [n for n, c in data if not c[LINK].startswith("https://www.iecm.mx/")]
    assert rows_of(result, "suspicious_link") == off and len(off) == 67
    hosts = {
        f.message.split("«")[1].split("»")[0]
        for f in result.findings
        if f.code == "suspicious_link"
    }
    assert {"www.iccm.mx", "www.inecm.mx", "www.iecim.mx"} <= hosts
    link = next(f for f in result.findings if f.code == "suspicious_link")
    assert link.column == sample_header(sipot_iv_file)[LINK]
    headers = [
        n
        for n, line in enumerate(sipot_iv_file.read_text(encoding="utf-8").split("\n"), 1)
        if line.startswith("Ejercicio\t")
    ]
    assert rows_of(result, "repeated_header") == headers[1:] and len(headers) == 16
    (dup,) = [f for f in result.findings if f.code == "duplicate_row"]
    assert dup.row == 56 and "fila 55" in dup.message
    assert set(Counter(f.code for f in result.findings)) == {
        "unit_is_frequency", "meta_not_quantified", "suspicious_link", "repeated_header",
        "duplicate_row",
    }  # fmt: skip
    assert result.has_errors


@pytest.mark.django_db
def test_with_the_institution_its_domains_and_areas_are_used(sipot_iv_file: Path) -> None:
    from rumbo.audit.services import Actor
    from rumbo.imports.sipot_objectives import import_sipot_objectives
    from rumbo.institutions.models import Area, AreaAlias

    import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    iecm = Institution.objects.get(code="IECM")
    iecm.web_domains = ["iecm.mx"]
    iecm.save()
    areas, aliases = Area.objects.count(), AreaAlias.objects.count()
    result = check(sipot_iv_file.read_bytes(), institution=iecm)
    assert len(rows_of(result, "suspicious_link")) == 67
    assert not any("inferido" in f.message for f in result.findings)
    # Spellings the import stored as aliases are reported; the check writes nothing.
    assert len(rows_of(result, "area_alias")) > 0
    assert (Area.objects.count(), AreaAlias.objects.count()) == (areas, aliases)


# ---------------------------------------------------------------- crafted files


@pytest.mark.parametrize("maker", [tsv, csv_bytes, xlsx_bytes])
def test_a_clean_file_has_no_findings(maker) -> None:  # type: ignore[no-untyped-def]
    lines = [["Formato IV"], HEADER, good_row(1), good_row(2)]
    result = check(maker(lines), name="f.xlsx")
    assert result.findings == []


def test_a_meta_written_in_words_is_a_quantity() -> None:
    metas = ["Cuatro informes trimestrales", "Doce reportes mensuales", "Un informe anual"]
    rows = []
    for n, meta in enumerate([*metas, "Cumplir con lo programado"], start=1):
        row = good_row(n)
        row[GOAL] = meta
        rows.append(row)
    result = check(tsv([HEADER, *rows]))
    # Rows 2–4 state their quantity in words; row 5 states none.
    assert [(f.code, f.row) for f in result.findings] == [("meta_not_quantified", 5)]
    assert "no expresa una cantidad" in result.findings[0].message


def test_wrong_column_set_is_reported_on_the_header_row() -> None:
    header = [h for h in HEADER if h != "Unidad de medida por cada meta"] + ["Presupuesto"]
    header[4], header[5] = header[5], header[4]  # indicator before objective
    row = [c for i, c in enumerate(good_row(1)) if i != 7] + ["1000"]
    row[4], row[5] = row[5], row[4]
    result = check(csv_bytes([["Título"], header, row]))
    codes = {(f.code, f.row, f.column) for f in result.findings}
    assert ("column_missing", 2, "Unidad de medida por cada meta") in codes
    assert ("column_unknown", 2, "Presupuesto") in codes
    assert ("column_order", 2, "Indicadores asociados") in codes


def test_dates_outside_the_period_are_reported() -> None:
    outside = good_row(1)
    outside[START] = "01/01/2022"  # before the ejercicio 2023
    early = good_row(2)
    early[11] = "15/06/2023"  # updated before the period ends
    result = check(tsv([HEADER, outside, early]))
    found = {(f.code, f.row, f.column) for f in result.findings}
    assert ("date_out_of_period", 2, HEADER[1]) in found
    assert ("date_out_of_period", 3, "Fecha de actualización") in found


def test_empty_required_cells_are_reported_per_cell_in_xlsx_with_the_letter() -> None:
    row = good_row(1)
    row[3] = ""
    row[6] = ""
    result = check(xlsx_bytes([["Título"], ["Subtítulo"], HEADER, row]), name="f.xlsx")
    empty = sorted((f.row, f.column) for f in result.findings if f.code == "empty_required")
    assert empty == [(4, "Denominación del área (D)"), (4, "Meta(s) por cada indicador (G)")]


def test_inconsistent_ejercicio_is_reported_on_the_minority_rows() -> None:
    result = check(csv_bytes([HEADER, good_row(1), good_row(2), good_row(3, year="2024")]))
    (odd,) = [f for f in result.findings if f.code == "year_inconsistent"]
    assert odd.row == 4 and "2023" in odd.message
    assert odd.severity == FINDING_CODES["year_inconsistent"].severity


def test_bad_dates_and_numbers() -> None:
    row = good_row(1)
    row[START] = "2023-01-01"
    result = check(tsv([HEADER, row]))
    assert ("date_format", 2) in {(f.code, f.row) for f in result.findings}


def test_csv_rows_are_lines_even_with_multiline_cells() -> None:
    first = good_row(1)
    first[NOTE] = "Nota en\ndos líneas"
    second = good_row(2)
    second[3] = ""
    result = check(csv_bytes([HEADER, first, second]))
    assert [f.row for f in result.findings if f.code == "empty_required"] == [4]


# ---------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "vacio.csv", "está vacío"),
        (b"\x00\x01\x02binario" * 10, "x.bin", "binario"),
        (b"PK\x03\x04 not really a zip", "roto.xlsx", "no es un XLSX válido"),
        (b"Nombre,Edad\nAna,3\n", "otro.csv", "no parece el formato fr-iv"),
        ("\t".join(HEADER).encode(), "solo.txt", "ninguna fila de datos"),
    ],
)
def test_bad_files_give_one_clear_error(content: bytes, name: str, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message) as exc:
        check(content, name=name)
    assert name in str(exc.value) and "\n" not in str(exc.value)


def test_json_shape_of_a_finding(sipot_iv_file: Path) -> None:
    result = check(sipot_iv_file.read_bytes())
    data = json.loads(json.dumps([f.as_dict() for f in result.findings]))
    assert set(data[0]) == {"code", "severity", "row", "column", "message"}
