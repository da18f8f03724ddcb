"""The streamed XLSX writer (``rumbo.core.xlsx``), read back by the tools users have:
openpyxl (both of its readers) and LibreOffice."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.styles import Font, NamedStyle, PatternFill

from rumbo.core.xlsx import StreamedWorkbook, XlsxStyles

BOLD = NamedStyle(name="Prueba · negrita", font=Font(bold=True))
MONEY = NamedStyle(
    name="Prueba · pesos", number_format="#,##0.00", fill=PatternFill("solid", fgColor="FFF59D")
)


def ooxml_text(text: object) -> object:
    """OOXML's rule for a string (ECMA-376 ST_Xstring), by hand: «_xHHHH_» is the character
    HHHH — what Excel and LibreOffice apply when they open the file. openpyxl's readers
    leave it as it is, so what they read is compared through this."""
    if not isinstance(text, str):
        return text
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _book() -> tuple[StreamedWorkbook, XlsxStyles]:
    book = StreamedWorkbook()
    styles = XlsxStyles(book)
    styles.add(BOLD)
    styles.add(MONEY)
    return book, styles


def test_values_styles_and_settings_read_back() -> None:
    book, styles = _book()
    ws = book.create_sheet("Datos")
    ws.column_dimensions["A"].width = 30
    ws.append(
        [styles.cell(ws, "Clave", "Prueba · negrita"), styles.cell(ws, "Monto", "Prueba · negrita")]
    )
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = "A1:D3"
    ws.append(["0101", styles.cell(ws, Decimal("1234.50"), "Prueba · pesos"), 7, True])
    ws.append([None, styles.cell(ws, None, "Prueba · pesos"), -3.25, "  con espacios  "])
    other = book.create_sheet("Otra")
    other.append(["sola"])

    data = book.to_bytes()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Datos", "Otra"]
    sheet = wb["Datos"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Clave", "Monto", None, None],
        ["0101", 1234.5, 7, True],
        [None, None, -3.25, "  con espacios  "],
    ]
    assert sheet["A1"].font.bold and sheet["A1"].style == "Prueba · negrita"
    assert sheet["B2"].number_format == "#,##0.00" and sheet["B2"].style == "Prueba · pesos"
    assert sheet["B3"].fill.fgColor.rgb == "00FFF59D"  # an empty cell keeps its look
    assert sheet["A2"].data_type == "s"  # «0101» stays text, leading zero included
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet.column_dimensions["A"].width == 30
    assert wb["Otra"]["A1"].value == "sola"

    # The read-only reader sizes a sheet by its <dimension>: it must be the real one.
    streamed = load_workbook(io.BytesIO(data), read_only=True)["Datos"]
    assert (streamed.max_row, streamed.max_column) == (3, 4)
    assert [r for r in streamed.iter_rows(values_only=True)][1] == ("0101", 1234.5, 7, True)


def test_text_is_always_text() -> None:
    """A text that looks like a formula is written as text: nothing runs when it opens."""
    book, _ = _book()
    ws = book.create_sheet("X")
    ws.append(['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"])
    sheet = load_workbook(io.BytesIO(book.to_bytes()))["X"]
    assert [c.data_type for c in sheet[1]] == ["s", "s", "s", "s"]
    assert sheet["A1"].value == '=HYPERLINK("http://x","y")'


def test_characters_xml_cannot_hold() -> None:
    """Markup is escaped; control characters go as OOXML's _xHHHH_; a literal «_x0041_» in a
    text is escaped too, so it reads back as itself and not as «A»."""
    book, _ = _book()
    ws = book.create_sheet("X")
    texts = ["a < b & c > d", "salto\nde línea\ty tab", "campana\x07 y \x1f", "_x0041_ literal"]
    ws.append(texts)
    data = book.to_bytes()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "a &lt; b &amp; c &gt; d" in xml
    assert "campana_x0007_ y _x001F_" in xml
    assert "_x005F_x0041_ literal" in xml

    cells = re.findall(r"<t(?: [^>]*)?>(.*?)</t>", xml, re.S)
    unescaped = [
        ooxml_text(c).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for c in cells
    ]
    assert unescaped == texts


def test_what_a_cell_cannot_hold_is_refused() -> None:
    book, _ = _book()
    ws = book.create_sheet("X")
    with pytest.raises(ValueError, match="NaN"):
        ws.append([Decimal("NaN")])
    with pytest.raises(ValueError, match="inf"):
        ws.append([float("inf")])
    with pytest.raises(TypeError, match="date"):
        ws.append([date(2024, 1, 31)])


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    max_size=30,
)
cells = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(cells, max_size=8), max_size=12))
def test_random_rows_read_back_exactly(rows: list[list[object]]) -> None:
    """Whatever rows go in, the same values come back (texts exact under OOXML's escape;
    numbers as the doubles Excel holds; an empty text is an empty cell)."""
    book, _ = _book()
    ws = book.create_sheet("X")
    for row in rows:
        ws.append(row)
    sheet = load_workbook(io.BytesIO(book.to_bytes()), read_only=True)["X"]
    width = max((len(r) for r in rows), default=0)
    expected = [
        tuple(
            None if v in (None, "") else float(v) if isinstance(v, Decimal) else v
            for v in [*row, *[None] * (width - len(row))]
        )
        for row in rows
    ]
    got = [tuple(row) for row in sheet.iter_rows(values_only=True, max_col=width or None)]
    if not any(any(v is not None for v in row) for row in expected):
        return  # nothing but empty cells: no row carries a value to compare
    read = [tuple(None if v == "" else ooxml_text(v) for v in row) for row in got]
    assert read[: len(expected)] == expected


def test_libreoffice_opens_it(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:  # pragma: no cover - CI installs LibreOffice
        pytest.skip("LibreOffice (soffice) is not installed")
    book, styles = _book()
    ws = book.create_sheet("Datos")
    ws.append([styles.cell(ws, "Núm.", "Prueba · negrita"), "Texto"])
    ws.append([12, "a < b & «c»"])
    ws.append([styles.cell(ws, Decimal("0.5"), "Prueba · pesos"), "=1+1"])
    source = tmp_path / "libro.xlsx"
    source.write_bytes(book.to_bytes())
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path),
         str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    rows = list(csv.reader((tmp_path / "libro.csv").read_text(encoding="utf-8").splitlines()))
    assert rows == [["Núm.", "Texto"], ["12", "a < b & «c»"], ["0.50", "=1+1"]]
