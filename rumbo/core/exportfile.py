"""The one shape every generated file takes (reports, transparency formats, open data), so
that a page, the CLI and the background queue can serve any of them the same way."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class ExportFile:
    filename: str  # e.g. "IEEM-informe-mensual-2024-10.xlsx"
    content: bytes

    @property
    def extension(self) -> str:
        return self.filename.rsplit(".", 1)[-1].lower()

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.extension, "application/octet-stream")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP «CSV injection»): one
    that starts with = + - @, a tab or a carriage return gets a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def attachment(name: str) -> str:
    """The ``Content-Disposition`` of a download (RFC 6266): ``filename="…"``, and for a name
    that is not plain ASCII an ASCII fallback there plus the exact UTF-8 name in
    ``filename*``."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() else "_" for ch in name)
    fallback = fallback.replace("\\", "_").replace('"', "_")
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
