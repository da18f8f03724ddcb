"""Hostile spreadsheets built by hand, byte by byte, for the upload limits tests (and for
``bench/hostile_uploads.py``, which measures them).

Each XLSX is the smallest package openpyxl opens: content types, the package and workbook
relationships, the workbook and one worksheet, whose XML the caller writes. Nothing here
uses Rumbo's code.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
BOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def workbook_xml(sheet: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<workbook xmlns="{MAIN}" '
        f'xmlns:r="{REL}"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def sheet_xml(body: str, *, dimension: str = "", prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{dim}'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx(sheet: str | bytes, *, name: str = "Actividades", book_prolog: str = "") -> bytes:
    """A one-sheet workbook whose worksheet XML is ``sheet``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(name, book_prolog))
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def far_corner(name: str = "Actividades") -> bytes:
    """Cells A1 and XFD1048576 only, with the dimension they declare: the whole sheet."""
    body = (
        f'<row r="1">{inline("A1", "Clave actividad")}</row>'
        f'<row r="1048576">{inline("XFD1048576", "fin")}</row>'
    )
    return xlsx(sheet_xml(body, dimension="A1:XFD1048576"), name=name)


def zip_bomb(megabytes: int, name: str = "Actividades") -> bytes:
    """A sheet of ``megabytes`` MB of identical rows, deflated at the highest level (about a
    thousandth of the size): what the sheet declares it unpacks to is the truth."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    head = sheet_xml("@").encode().split(b"@")
    chunk = row * (1024 * 1024 // len(row))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(name))
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(head[0])
            for _ in range(megabytes):
                member.write(chunk)
            member.write(head[1])
    return out.getvalue()


LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(2, 10))
    + "]>"
).replace("&lol1;", "&lol;")


def billion_laughs(name: str = "Actividades") -> bytes:
    """Nine levels of ten entities each: a billion «lol» from a few hundred bytes."""
    body = f'<row r="1">{inline("A1", "&lol9;")}</row>'
    return xlsx(sheet_xml(body, prolog=LAUGHS), name=name)


def billion_laughs_in_workbook() -> bytes:
    """The same entities in the workbook part, expanded in the sheet's name."""
    prolog = LAUGHS.replace("worksheet", "workbook")
    body = f'<row r="1">{inline("A1", "x")}</row>'
    return xlsx(sheet_xml(body), name="&lol9;", book_prolog=prolog)


def xxe(target: str = "file:///etc/passwd", name: str = "Actividades") -> bytes:
    """A cell whose text is an external entity: the file named by ``target``."""
    prolog = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{target}">]>'
    body = f'<row r="1">{inline("A1", "&xxe;")}</row>'
    return xlsx(sheet_xml(body, prolog=prolog), name=name)


def csv_with_long_field(megabytes: int = 10) -> bytes:
    """A header and one row whose second field is ``megabytes`` MB of «a»."""
    return b"Ejercicio,Objetivo\n2024," + b"a" * (megabytes * 1024 * 1024) + b"\n"


# What every upload face must answer to each file: (name, builder, the start of the
# guard's sentence). Shared by tests/transparency and tests/programs test_upload_limits.py.
SHEET_PART = "xl/worksheets/sheet1.xml"
ENTITIES = "declara entidades XML (<!DOCTYPE …>), que un libro de Excel nunca usa"
XLSX_REFUSALS = [
    (
        "esquina.xlsx",
        far_corner,
        "La hoja «Actividades» de «esquina.xlsx» tiene datos en la fila 1,048,576; el máximo "
        "es 20,000 filas.",
    ),
    (
        "bomba.xlsx",
        lambda: zip_bomb(60),
        "«bomba.xlsx» se rechazó sin abrirlo: declara que descomprimido ocupa 60.0 MB; el "
        "máximo es 50 MB.",
    ),
    (
        "bomba-ratio.xlsx",
        lambda: zip_bomb(20),
        f"«bomba-ratio.xlsx» se rechazó sin abrirlo: su parte «{SHEET_PART}» declara que se "
        "descomprime",
    ),
    ("risas.xlsx", billion_laughs, f"«risas.xlsx» se rechazó: su parte «{SHEET_PART}» {ENTITIES}"),
    (
        "risas-libro.xlsx",
        billion_laughs_in_workbook,
        f"«risas-libro.xlsx» se rechazó: su parte «xl/workbook.xml» {ENTITIES}",
    ),
    ("xxe.xlsx", xxe, f"«xxe.xlsx» se rechazó: su parte «{SHEET_PART}» {ENTITIES}"),
]

# The first line of the file the XXE entity points to: no response may carry it.
_PASSWD = Path("/etc/passwd")
PASSWD_LINE = _PASSWD.read_text().splitlines()[0] if _PASSWD.exists() else "root:x:0:0:root:/root:"
