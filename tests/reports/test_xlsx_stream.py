"""The reports' XLSX written in openpyxl's write-only mode: the layout read back (title
block, frozen header, widths, fills, formats, the «Firmas» block last) and every styled
cell referring to a named style registered once."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from rumbo.institutions.letterhead import SIGNER_ROLES
from rumbo.reports.builders import build_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(progress):
    progress.institution.prepared_by_name = "=Mtra. Fórmula"  # a text that looks like a formula
    progress.institution.save()
    file = build_report(kind="monthly", institution="IEEM", year=2024, month=3, fmt="xlsx")
    return load_workbook(BytesIO(file.content))


def test_monthly_layout(book) -> None:
    ws = book["Avance"]
    rows = [[c for c in r] for r in ws.iter_rows()]
    assert rows[0][0].font.b and rows[0][0].font.sz == 14
    assert rows[1][0].font.b and rows[1][0].font.sz == 12
    assert rows[3][0].font.i and rows[3][0].font.color.rgb == "00555555"
    header_at = next(i for i, r in enumerate(rows) if r and r[0].value == "Clave") + 1
    assert ws.freeze_panes == f"A{header_at + 1}"
    header = rows[header_at - 1]
    assert [c.value for c in header][:3] == ["Clave", "Descripción", "Área"]
    assert all(c.fill.fgColor.rgb == "001F3A5F" and c.font.b for c in header)
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert (widths["A"], widths["B"], widths["M"], widths["O"]) == (12, 60, 50, 16)
    by_key = {r[0].value: r for r in rows if r}
    group = by_key["01"]  # the SE subprogram: a bold heading on the group fill
    assert group[1].value.startswith("Subprograma: ")
    assert all(c.font.b and c.fill.fgColor.rgb == "00E8EDF3" for c in group[:2])
    assert group[2].value is None and not group[2].has_style  # only the cells it writes
    se = by_key["010101"]  # approved: no fill but its light's; wrapped description
    assert se[1].alignment.wrap_text and se[1].alignment.vertical == "top"
    assert se[4].value == 4060 and se[4].number_format == "#,##0"
    assert se[9].number_format == "0.00%"
    assert se[10].value == "Verde" and se[10].fill.fgColor.rgb == "00C8E6C9"
    assert se[0].fill.fill_type is None
    do = by_key["020101"]  # DO's capture only sent: preliminary fill
    assert do[0].fill.fgColor.rgb == "00FFF3E0"
    # The «Firmas» block closes the first sheet: its title, then one row per role.
    values = [[c.value for c in r] for r in rows]
    last = len(values) - len(SIGNER_ROLES)
    assert values[last - 1][0] == "Firmas" and rows[last - 1][0].font.b
    assert [v[0] for v in values[last:]] == [role for role, _ in SIGNER_ROLES]
    assert all(r[0].font.b for r in rows[last:])
    signed = rows[last][1]
    assert signed.data_type == "s" and signed.value.startswith("=Mtra. Fórmula")


def test_every_styled_cell_refers_to_a_named_style_registered_once(book) -> None:
    names = [str(s) for s in book.named_styles]
    assert len(names) == len(set(names))
    used = {c.style for ws in book.worksheets for r in ws.iter_rows() for c in r if c.has_style}
    assert used <= set(names)
    assert {"Rumbo · encabezado", "Rumbo · institución", "Rumbo · firma"} <= used
    assert "Rumbo · negrita, grupo" in used and "Rumbo · verde" in used
