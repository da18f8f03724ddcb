"""The reports' letterhead on the institution's edit page: logo (PNG/JPEG by content, 1 MB)
and signers, written by Planeación through the audited service."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.institutions.letterhead import letterhead_for, logo_check
from rumbo.institutions.models import Institution
from rumbo.institutions.services import institution_letterhead_update

pytestmark = pytest.mark.django_db

EDIT = reverse("web:institution_edit", args=["IEEM"])
LOGO = reverse("web:institution_logo", args=["IEEM"])


def image_bytes(fmt: str, size: tuple[int, int] = (60, 30)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (31, 58, 95)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def post_data(demo, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": demo.institution.name,
        "short_name": demo.institution.short_name,
        "web_domains": "\n".join(demo.institution.web_domains or []),
        "prepared_by_name": "",
        "prepared_by_position": "",
        "reviewed_by_name": "",
        "reviewed_by_position": "",
        "authorized_by_name": "",
        "authorized_by_position": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + b"\0" * 40, "PNG o JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PNG o JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"no es una imagen", "no se pudo leer"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "hasta 1 MB"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(content, message):
    with pytest.raises(ValidationError) as caught:
        logo_check(BytesIO(content))
    assert message in caught.value.message_dict["logo"][0]


def test_a_real_gif_named_png_is_refused_and_png_jpeg_pass():
    assert logo_check(BytesIO(image_bytes("PNG"))) == "PNG"
    assert logo_check(BytesIO(image_bytes("JPEG"))) == "JPEG"
    with pytest.raises(ValidationError):
        logo_check(BytesIO(image_bytes("GIF")))
    with pytest.raises(ValidationError, match="4000 px"):
        logo_check(BytesIO(image_bytes("PNG", (4001, 10))))


def test_planeacion_uploads_the_logo_and_names_the_signers(demo, client):
    client.force_login(demo.users["planeacion"])
    html = client.get(EDIT).content.decode()
    assert "Membrete de los informes" in html and "Firmas de los informes" in html
    assert 'enctype="multipart/form-data"' in html
    upload = SimpleUploadedFile("escudo.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(
        EDIT,
        post_data(
            demo,
            logo=upload,
            prepared_by_name="  Ana   Ejemplo Ruiz ",
            prepared_by_position="Jefa de Planeación",
            authorized_by_name="Carmen Ejemplo Díaz",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    institution = Institution.objects.get(code="IEEM")
    assert institution.logo.name.startswith("institutions/logos/ieem-")
    assert institution.logo.name.endswith(".png")
    assert institution.prepared_by_name == "Ana Ejemplo Ruiz"  # spaces cleaned
    event = AuditEvent.objects.get(action="institution.letterhead_update")
    assert event.before == {
        "logo": None,
        "prepared_by_name": "",
        "prepared_by_position": "",
        "authorized_by_name": "",
    }
    assert event.after == {
        "logo": institution.logo.name,
        "prepared_by_name": "Ana Ejemplo Ruiz",
        "prepared_by_position": "Jefa de Planeación",
        "authorized_by_name": "Carmen Ejemplo Díaz",
    }
    served = client.get(LOGO)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == image_bytes("PNG")
    html = client.get(EDIT).content.decode()
    assert LOGO in html and "Quitar el logotipo actual" in html
    signers = letterhead_for(institution).signers
    assert [(s.role, s.name, s.position) for s in signers] == [
        ("Elaboró", "Ana Ejemplo Ruiz", "Jefa de Planeación"),
        ("Revisó", "", ""),
        ("Autorizó", "Carmen Ejemplo Díaz", ""),
    ]


def test_a_bad_logo_is_explained_beside_its_field_and_nothing_changes(demo, client):
    client.force_login(demo.users["planeacion"])
    upload = SimpleUploadedFile("logo.png", b"GIF89a fingido", content_type="image/png")
    response = client.post(
        EDIT, post_data(demo, logo=upload, prepared_by_name="Ana", name="Otro nombre")
    )
    assert response.status_code == 400
    assert "El logotipo debe ser una imagen PNG o JPEG." in response.content.decode()
    institution = Institution.objects.get(code="IEEM")
    assert (institution.name, institution.prepared_by_name, institution.logo.name) == (
        demo.institution.name,
        "",
        "",
    )
    assert not AuditEvent.objects.exists()


def test_replacing_and_removing_the_logo_deletes_the_old_file(
    demo, django_capture_on_commit_callbacks
):
    actor = Actor.cli()
    institution = demo.institution
    with django_capture_on_commit_callbacks(execute=True):
        institution_letterhead_update(
            actor=actor, institution=institution, signers={},
            logo=ContentFile(image_bytes("PNG"), name="a.png"),
        )  # fmt: skip
    first = institution.logo.name
    storage = institution.logo.storage
    assert storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        institution_letterhead_update(
            actor=actor, institution=institution, signers={},
            logo=ContentFile(image_bytes("JPEG"), name="b.jpg"),
        )  # fmt: skip
    second = institution.logo.name
    assert second.endswith(".jpg") and not storage.exists(first) and storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        changed = institution_letterhead_update(
            actor=actor, institution=institution, signers={}, remove_logo=True
        )
    assert changed and not institution.logo and not storage.exists(second)
    assert not institution_letterhead_update(actor=actor, institution=institution, signers={})
    assert AuditEvent.objects.filter(action="institution.letterhead_update").count() == 3


@pytest.mark.parametrize("persona", ["enlace_se", "revisor", "consulta"])
def test_only_planeacion_edits_the_letterhead(demo, client, persona):
    client.force_login(demo.users[persona])
    assert client.post(EDIT, post_data(demo, prepared_by_name="Intruso")).status_code == 403
    assert Institution.objects.get(code="IEEM").prepared_by_name == ""


def test_no_logo_is_404(demo, client):
    client.force_login(demo.users["consulta"])
    assert client.get(LOGO).status_code == 404
