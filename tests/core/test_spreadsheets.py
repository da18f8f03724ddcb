"""The upload limits of rumbo.core.spreadsheets: every hostile file refused with a message
that names the file, the sheet, the limit and what was found; real files read as before.

The pages and the CLI that take these files are tested in tests/transparency and
tests/programs (test_upload_limits.py); the files are built in tests/core/hostile_files.py.
"""

from __future__ import annotations

import contextlib
import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from rumbo.core.spreadsheets import (
    LIMITS,
    Limits,
    SpreadsheetCorrupt,
    SpreadsheetRefused,
    delimited_rows,
    xlsx_sheet,
)
from tests.core import hostile_files as h

ROOT = Path(__file__).resolve().parents[2]


def refusal(content: bytes, name: str = "x.xlsx", **kwargs) -> str:
    with pytest.raises(SpreadsheetRefused) as exc:
        xlsx_sheet(name, content, **kwargs)
    assert "\n" not in exc.value.message
    return exc.value.message


def peak_bytes(read) -> int:
    tracemalloc.start()
    with contextlib.suppress(SpreadsheetRefused):
        read()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# ------------------------------------------------------------------ the hostile files


def test_a1_and_xfd1048576_is_refused_by_its_real_cells_not_its_dimension() -> None:
    message = refusal(h.far_corner(), "esquina.xlsx")
    assert message == (
        "La hoja «Actividades» de «esquina.xlsx» tiene datos en la fila 1,048,576; el máximo "
        "es 20,000 filas."
    )
    # Nothing of the declared 1,048,576 × 16,384 rectangle was built.
    assert peak_bytes(lambda: xlsx_sheet("esquina.xlsx", h.far_corner())) < 2 * 1024 * 1024


def test_a_value_past_the_last_column_is_refused_with_its_letter() -> None:
    body = f'<row r="1">{h.inline("A1", "a")}{h.inline("XFD1", "b")}</row>'
    message = refusal(h.xlsx(h.sheet_xml(body)), "ancho.xlsx")
    assert message == (
        "La hoja «Actividades» de «ancho.xlsx» tiene datos en la columna XFD (la 16,384.ª); "
        "el máximo es 200 columnas (hasta la GR)."
    )


def test_a_zip_bomb_is_refused_by_what_it_declares_without_unpacking_it() -> None:
    bomb = h.zip_bomb(60)
    assert len(bomb) < 200 * 1024  # 60 MB of rows in a few dozen KB
    message = refusal(bomb, "bomba.xlsx")
    assert message == (
        "«bomba.xlsx» se rechazó sin abrirlo: declara que descomprimido ocupa 60.0 MB; el "
        "máximo es 50 MB."
    )
    assert peak_bytes(lambda: xlsx_sheet("bomba.xlsx", bomb)) < 2 * 1024 * 1024


def test_a_part_that_unpacks_more_than_100_times_is_refused() -> None:
    bomb = h.zip_bomb(20)  # under the 50 MB total, at hundreds of times its packed size
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml")
    ratio = info.file_size // info.compress_size
    assert ratio > 100
    message = refusal(bomb, "bomba.xlsx")
    assert message.startswith(
        "«bomba.xlsx» se rechazó sin abrirlo: su parte «xl/worksheets/sheet1.xml» declara que "
        f"se descomprime {ratio:,} veces (de 0.1 MB a 20.0 MB); el máximo es 100 veces"
    )


def test_a_part_that_lies_about_its_size_is_never_unpacked_past_it() -> None:
    """Python's zipfile stops at the size a part declares: a bomb that declares little
    unpacks little and fails its checksum, as a damaged file."""
    bomb = bytearray(h.zip_bomb(5))
    name = b"xl/worksheets/sheet1.xml"
    central = bomb.rfind(b"PK\x01\x02", 0, bomb.rfind(name))  # its central directory entry
    assert struct.unpack_from("<I", bomb, central + 24)[0] > 5_000_000
    struct.pack_into("<I", bomb, central + 24, 4096)  # declares 4 KB unpacked
    with pytest.raises(SpreadsheetCorrupt) as exc:
        xlsx_sheet("mentira.xlsx", bytes(bomb))
    assert exc.value.detail == "la parte «xl/worksheets/sheet1.xml» está dañada"


@pytest.mark.parametrize(
    ("content", "part"),
    [
        (h.billion_laughs(), "xl/worksheets/sheet1.xml"),
        (h.billion_laughs_in_workbook(), "xl/workbook.xml"),
        (h.xxe(), "xl/worksheets/sheet1.xml"),
    ],
    ids=["billion-laughs-sheet", "billion-laughs-workbook", "xxe"],
)
def test_entities_are_refused_before_any_is_expanded(content: bytes, part: str) -> None:
    message = refusal(content, "entidades.xlsx")
    assert message == (
        f"«entidades.xlsx» se rechazó: su parte «{part}» declara entidades XML (<!DOCTYPE …>), "
        "que un libro de Excel nunca usa y que sirven para atacar el servidor (expandir texto "
        "sin fin o leer sus archivos)."
    )
    assert "root:" not in message


def test_an_xxe_file_of_this_machine_never_reaches_the_values(tmp_path: Path) -> None:
    secret = tmp_path / "secreto.txt"
    secret.write_text("contenido-secreto-del-servidor")
    message = refusal(h.xxe(secret.as_uri()), "xxe.xlsx")
    assert "contenido-secreto" not in message and "declara entidades XML" in message


def test_too_many_parts_and_encrypted_parts_are_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(1001):
            archive.writestr(f"x/{i}.bin", b"")
    assert refusal(out.getvalue(), "partes.xlsx") == (
        "«partes.xlsx» se rechazó sin abrirlo: tiene 1,001 partes internas; el máximo es 1,000."
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", b"cifrado")
    locked = bytearray(out.getvalue())
    for header, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = locked.find(header) + flags_at
        locked[at] |= 0x1  # «encrypted», as a password-protected part says
    assert refusal(bytes(locked), "clave.xlsx") == (
        "«clave.xlsx» se rechazó sin abrirlo: está protegido con contraseña. Guárdalo sin "
        "contraseña y vuelve a cargarlo."
    )


# ------------------------------------------------------------------ the limits, one by one

SMALL = Limits(rows=3, columns=2, cells=4, elements=40, other_elements=40)


def grid(rows: int, columns: int) -> bytes:
    letters = "ABCDEFGH"
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{letters[c]}{r}"><v>{r * 10 + c}</v></c>' for c in range(columns))
        + "</row>"
        for r in range(1, rows + 1)
    )
    return h.xlsx(h.sheet_xml(body))


def test_each_limit_names_the_sheet_the_limit_and_what_was_found() -> None:
    where = "La hoja «Actividades» de «g.xlsx»"
    assert xlsx_sheet("g.xlsx", grid(2, 2), limits=SMALL).rows == [(10, 11), (20, 21)]  # type: ignore[union-attr]
    assert refusal(grid(4, 1), "g.xlsx", limits=SMALL) == (
        f"{where} tiene datos en la fila 4; el máximo es 3 filas."
    )
    assert refusal(grid(1, 3), "g.xlsx", limits=SMALL) == (
        f"{where} tiene datos en la columna C (la 3.ª); el máximo es 2 columnas (hasta la B)."
    )
    assert refusal(grid(3, 2), "g.xlsx", limits=SMALL) == (
        f"{where} tiene más de 4 celdas con datos; el máximo es 4."
    )


def test_empty_formatted_cells_count_as_elements_not_as_data() -> None:
    styled = "".join(f'<c r="A{r}" s="1"/>' for r in range(1, 4))
    body = f'<row r="1"><c r="A1"><v>7</v></c></row><row r="2">{styled}</row>'
    sheet = xlsx_sheet("f.xlsx", h.xlsx(h.sheet_xml(body)), limits=SMALL)
    assert sheet is not None and sheet.rows == [(7,)]
    many = "".join(f'<c r="A{r}" s="1"/>' for r in range(1, 60))
    message = refusal(h.xlsx(h.sheet_xml(f'<row r="1">{many}</row>')), "f.xlsx", limits=SMALL)
    assert message == (
        "«f.xlsx» se rechazó: su parte «xl/worksheets/sheet1.xml» tiene más de 40 elementos "
        "XML (celdas, filas, formatos); el máximo es 40."
    )


def test_the_time_limit_stops_the_reading() -> None:
    message = refusal(grid(2, 2), "lento.xlsx", limits=Limits(seconds=0))
    assert message.startswith("La lectura de «lento.xlsx» pasó de 0 segundos y se detuvo")


def test_a_cell_longer_than_excel_allows_is_refused() -> None:
    body = f'<row r="1">{h.inline("A1", "ok")}{h.inline("B1", "z" * 40_000)}</row>'
    assert refusal(h.xlsx(h.sheet_xml(body)), "largo.xlsx") == (
        "La hoja «Actividades» de «largo.xlsx» tiene en la celda B1 un texto de 40,000 "
        "caracteres; el máximo es 32,767 (el de Excel)."
    )


def test_the_declared_dimension_is_ignored_and_far_empty_cells_cost_nothing() -> None:
    body = (
        f'<row r="1">{h.inline("A1", "Clave")}{h.inline("B1", "Nombre")}</row>'
        f'<row r="3">{h.inline("B3", "x")}</row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    sheet = xlsx_sheet("d.xlsx", h.xlsx(h.sheet_xml(body, dimension="A1:XFD1048576")))
    assert sheet is not None
    assert sheet.rows == [("Clave", "Nombre"), (), (None, "x")]


def test_a_named_sheet_that_is_missing_is_none_and_a_real_workbook_reads_as_before() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Hoja1"
    ws.append(["Ejercicio", "Objetivo", None, 2.5])
    ws.append([2024, "Contribuir", None, None])
    other = wb.create_sheet("Actividades")
    other.append(["segunda"])
    out = io.BytesIO()
    wb.save(out)
    content = out.getvalue()
    first = xlsx_sheet("real.xlsx", content)
    assert first is not None and first.title == "Hoja1"
    assert first.rows == [("Ejercicio", "Objetivo", None, 2.5), (2024, "Contribuir")]
    named = xlsx_sheet("real.xlsx", content, sheet="Actividades")
    assert named is not None and named.rows == [("segunda",)]
    assert xlsx_sheet("real.xlsx", content, sheet="Otra") is None


def test_not_a_zip_and_damaged_xml_are_corrupt_with_a_detail() -> None:
    with pytest.raises(SpreadsheetCorrupt) as exc:
        xlsx_sheet("texto.xlsx", b"Clave,Descripcion\n")
    assert exc.value.detail == "no es un archivo ZIP legible"
    with pytest.raises(SpreadsheetCorrupt) as exc:
        xlsx_sheet("roto.xlsx", h.xlsx(h.sheet_xml("<row><c>")))
    assert exc.value.detail.startswith("XML dañado en «xl/worksheets/sheet1.xml»")


def test_the_largest_real_shape_is_well_inside_the_limits() -> None:
    """The largest real file (seed 004: 2,249 lines; fr. VI: 21 columns) ten times over."""
    assert LIMITS.rows >= 2_249 * 5 and LIMITS.columns >= 21 * 5
    assert LIMITS.cells >= 22_490 * 21


# ------------------------------------------------------------------ CSV and tab-separated text


def text_refusal(text: str, delimiter: str = ",", limits: Limits = LIMITS) -> str:
    with pytest.raises(SpreadsheetRefused) as exc:
        delimited_rows("t.csv", text, delimiter=delimiter, limits=limits)
    return exc.value.message


def test_a_10_mb_csv_field_is_refused_by_the_cell_limit() -> None:
    text = h.csv_with_long_field(10).decode()
    assert text_refusal(text) == (
        "«t.csv», línea 2: una celda tiene más de 131,072 caracteres; el máximo es 32,767 "
        "caracteres por celda (el de Excel)."
    )
    assert text_refusal("a,b\n1," + "x" * 40_000 + "\n") == (
        "«t.csv», línea 2: la columna 2 tiene 40,000 caracteres; el máximo es 32,767 "
        "caracteres por celda (el de Excel)."
    )
    assert text_refusal("a\tb\n1\t" + "x" * 40_000, "\t").startswith(
        "«t.csv», línea 2: la columna 2 tiene 40,000 caracteres"
    )


def test_csv_and_tsv_rows_columns_and_cells() -> None:
    assert delimited_rows("t.csv", 'a,b\n"1\n2",3\n', delimiter=",") == [
        (1, ["a", "b"]),
        (2, ["1\n2", "3"]),
    ]
    assert text_refusal("a\nb\nc\nd", limits=SMALL) == (
        "«t.csv» tiene 4 líneas; el máximo es 3 filas."
    )
    assert text_refusal("a,b,c\n", limits=SMALL) == (
        "«t.csv», línea 1: tiene 3 columnas; el máximo es 2."
    )
    assert text_refusal("a\tb\tc", "\t", limits=SMALL) == (
        "«t.csv», línea 1: tiene 3 columnas; el máximo es 2."
    )
    assert text_refusal("a,b\nc,d\ne,f", limits=SMALL) == (
        "«t.csv» tiene más de 4 celdas con datos (en la línea 3); el máximo es 4."
    )
    assert text_refusal("," * 13, limits=SMALL) == (
        "«t.csv» tiene 14 campos; el máximo es 3 filas de 2 columnas."
    )


# ------------------------------------------------------------------ one door


def test_every_spreadsheet_is_read_through_the_guard() -> None:
    """A new ``load_workbook`` or ``csv.reader`` in the app would skip the limits."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "rumbo").rglob("*.py")
        if path.name != "spreadsheets.py"
        and any(
            call in path.read_text("utf-8")
            for call in ("load_workbook(", "csv.reader(", "csv.DictReader(", "ZipFile(")
        )
    ]
    # Evidence files are stored, not read: their sniffing lists a zip's parts, no more.
    # The streamed XLSX writer reopens the skeleton openpyxl just wrote, never a user's file.
    assert sorted(offenders) == ["rumbo/core/xlsx.py", "rumbo/monitoring/evidence.py"]
