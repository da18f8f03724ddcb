"""The demonstration's letterhead for IEEM (``rumbo demo``): a logo drawn at demo time (no
image is kept in the repository) and signers with clearly invented names — the sample
documents name no officials, only «El Secretario Ejecutivo» signing the PAA.

Idempotent and respectful: only what is still empty is filled, so a logo or a signer set
by hand on the demo's edit page survives a later ``rumbo demo``."""

from __future__ import annotations

from io import BytesIO

from django.core.files.base import ContentFile

from rumbo.audit.services import Actor

from .letterhead import SIGNER_FIELDS
from .models import Institution
from .services import institution_letterhead_update

DEMO_SIGNERS = {
    "prepared_by_name": "Ana Ejemplo Ruiz (demostración)",
    "prepared_by_position": "Jefa del Departamento de Planeación",
    "reviewed_by_name": "Luis Ejemplo Mora (demostración)",
    "reviewed_by_position": "Director de Administración",
    "authorized_by_name": "Carmen Ejemplo Díaz (demostración)",
    "authorized_by_position": "Secretaria Ejecutiva",
}


def demo_logo_png(text: str) -> bytes:
    """A simple logo: a navy disc with a gold ring and the institution's code beside it."""
    from PIL import Image, ImageDraw, ImageFont  # WeasyPrint's own dependency

    image = Image.new("RGB", (480, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 190, 190), fill=(31, 58, 95))
    draw.ellipse((45, 45, 155, 155), outline=(212, 160, 23), width=12)
    draw.polygon([(100, 62), (138, 100), (100, 138), (62, 100)], fill=(212, 160, 23))
    font = ImageFont.load_default(size=88)
    draw.text((215, 55), text, fill=(31, 58, 95), font=font)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def demo_letterhead_ensure(*, institution: Institution, actor: Actor) -> str:
    """Fill IEEM's empty letterhead for the demo; a line saying what was done."""
    signers = {name: getattr(institution, name) or DEMO_SIGNERS[name] for name in SIGNER_FIELDS}
    logo = None
    if not institution.logo:
        logo = ContentFile(demo_logo_png(institution.code), name="logo.png")
    changed = institution_letterhead_update(
        actor=actor, institution=institution, signers=signers, logo=logo
    )
    if changed:
        return (
            f"{institution.code}: membrete de demostración (logotipo y firmas) para los informes."
        )
    return f"{institution.code}: el membrete de los informes ya estaba."
