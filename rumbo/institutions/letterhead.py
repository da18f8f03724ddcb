"""An institution's letterhead for its reports: the logo (PNG or JPEG, checked by its real
content) and the signers of the signature block (Elaboró, Revisó, Autorizó, each with name
and position). The reports read it through ``letterhead_for``; the institution's edit page
writes it through ``services.institution_letterhead_update``."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from django.core.exceptions import ValidationError

from .models import Institution

LOGO_MAX_BYTES = 1024 * 1024  # 1 MB
LOGO_MAX_SIDE = 4000  # pixels: a larger image is refused before it is decoded
LOGO_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}

# (role as printed, model field prefix), in the order of the block.
SIGNER_ROLES = (
    ("Elaboró", "prepared_by"),
    ("Revisó", "reviewed_by"),
    ("Autorizó", "authorized_by"),
)
SIGNER_FIELDS = tuple(
    f"{prefix}_{part}" for _, prefix in SIGNER_ROLES for part in ("name", "position")
)


@dataclass(frozen=True)
class Signer:
    role: str  # «Elaboró»
    name: str  # empty when not set: the block prints a blank line
    position: str


@dataclass(frozen=True)
class Letterhead:
    institution_name: str
    logo_data_uri: str  # "" without a logo
    signers: tuple[Signer, ...]

    @property
    def any_signer(self) -> bool:
        return any(s.name or s.position for s in self.signers)


def _format_by_magic(head: bytes) -> str | None:
    return next((fmt for magic, fmt in _MAGIC.items() if head.startswith(magic)), None)


def logo_check(upload: IO[bytes], *, size: int | None = None) -> str:
    """The format (``PNG`` / ``JPEG``) of an uploaded logo, or a Spanish ``ValidationError``:
    at most 1 MB, a real PNG or JPEG (read by Pillow, not trusted from its name), at most
    4000 px a side."""
    data = upload.read(LOGO_MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > LOGO_MAX_BYTES or (size or 0) > LOGO_MAX_BYTES:
        raise ValidationError({"logo": "El logotipo admite hasta 1 MB."})
    if _format_by_magic(data) is None:
        raise ValidationError({"logo": "El logotipo debe ser una imagen PNG o JPEG."})
    try:
        from PIL import Image  # WeasyPrint's own dependency: always installed with Rumbo
    except ImportError:  # pragma: no cover - without Pillow the magic bytes decide
        return _format_by_magic(data) or ""
    try:
        with Image.open(BytesIO(data)) as image:
            fmt, (width, height) = image.format or "", image.size
            if max(width, height) > LOGO_MAX_SIDE:
                raise ValidationError(
                    {"logo": f"El logotipo mide {width} × {height} px; admite hasta 4000 px."}
                )
            image.verify()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds for a damaged file
        raise ValidationError(
            {"logo": "El archivo no se pudo leer como imagen PNG o JPEG; puede estar dañado."}
        ) from None
    if fmt not in LOGO_FORMATS:
        raise ValidationError({"logo": "El logotipo debe ser una imagen PNG o JPEG."})
    return fmt


def _logo_data_uri(institution: Institution) -> str:
    """The stored logo as a ``data:`` URI for the PDF; "" without one or when the file is
    missing or no longer a PNG/JPEG (a report prints without it rather than fail)."""
    if not institution.logo:
        return ""
    try:
        with institution.logo.open("rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except OSError:
        return ""
    fmt = _format_by_magic(data)
    if fmt is None or len(data) > LOGO_MAX_BYTES:
        return ""
    mime = LOGO_FORMATS[fmt][1]
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def signers_of(institution: Institution) -> tuple[Signer, ...]:
    return tuple(
        Signer(
            role=role,
            name=getattr(institution, f"{prefix}_name"),
            position=getattr(institution, f"{prefix}_position"),
        )
        for role, prefix in SIGNER_ROLES
    )


def letterhead_for(institution: Institution) -> Letterhead:
    """What a report prints at its top and at its end (reads the logo file, no query)."""
    return Letterhead(
        institution_name=institution.name,
        logo_data_uri=_logo_data_uri(institution),
        signers=signers_of(institution),
    )
