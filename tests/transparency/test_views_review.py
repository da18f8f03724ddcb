"""«Revisar antes de descargar» and the correction of an imported fr. IV row, through the
pages. IECM (the demo's other institution, whose Planeación is the «ajeno» persona) gets
the real fr. IV sample; the browser flow is in tests/browser/test_transparency_flow.py."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.imports.sipot_objectives import import_sipot_objectives
from rumbo.institutions.models import Institution
from rumbo.programs.models import AreaObjective
from tests.factories import Demo
from tests.imports.test_sipot_objectives import data_lines

pytestmark = pytest.mark.django_db

REVIEW = "/i/IECM/transparencia/fr-iv/revision/?ejercicio=2024"
BACK = quote(REVIEW, safe="")
LINK = 8  # «Hipervínculo» column of the sample, by position


@pytest.fixture
def iecm(demo: Demo, sipot_iv_file: Path) -> Institution:
    Institution.objects.filter(code="IECM").update(web_domains=["iecm.mx"])
    import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    return Institution.objects.get(code="IECM")


def wrong_rows(sipot_iv_file: Path) -> list[int]:
    """Row numbers of the sample whose link is outside iecm.mx, read from the file."""
    rows = data_lines(sipot_iv_file)
    return [i + 1 for i, (_, cells) in enumerate(rows) if "//www.iecm.mx/" not in cells[LINK]]


def edit_url(row: AreaObjective, back: str = BACK) -> str:
    return f"/i/IECM/transparencia/objetivos/{row.pk}/editar/?volver={back}"


def form_data(row: AreaObjective, **changes: object) -> dict[str, object]:
    """The edit form as the page fills it for ``row``, with ``changes``."""
    data: dict[str, object] = {
        "area": row.area_id,
        **{f: getattr(row, f) for f in ("objective", "indicator", "goal", "unit", "hyperlink")},
        **{f: getattr(row, f) for f in ("responsible", "note")},
        "reason": "",
    }
    return {**data, **changes}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_rows(html: str, table: str = "errores") -> list[str]:
    """The <tr> of a findings table («errores», «advertencias»), as HTML."""
    start = html.index(f'id="tabla-{table}"')
    return html[start : html.index("</table>", start)].split("<tr")[2:]  # after the header


def test_the_review_lists_each_failing_row_with_the_link_that_fixes_it(
    as_user, iecm: Institution, sipot_iv_file: Path
) -> None:
    response = as_user("ajeno").get(REVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    plain = text(html)
    assert "139 filas de datos" in plain and "67 errores" in plain and "276 advertencias" in plain
    # Before the download buttons, the page says how many rows will fail.
    warning = plain.index("67 filas no pasarán la revisión de publicación")
    assert warning < plain.index("Descargar: XLSX")
    rows = {r.row_number: r for r in AreaObjective.objects.filter(institution=iecm)}
    errors = table_rows(html)
    assert len(errors) == 67 and all("sev-error" in tr for tr in errors)
    assert len(table_rows(html, "advertencias")) == 276
    for tr, number in zip(errors, wrong_rows(sipot_iv_file), strict=True):
        # Severity and code, the XLSX row (data from row 7), column, record, the fix's link.
        cells = [text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        assert cells[:4] == [
            "✖ Error suspicious_link",
            str(number + 6),
            "Hipervínculo al documento del programa (I)",
            f"Fila {number} de los objetivos importados",
        ]
        link = f'<a href="{edit_url(rows[number]).replace("&", "&amp;")}">Corregir la fila</a>'
        assert link in tr, number


def test_correcting_a_row_on_its_page_removes_it_from_the_review(
    as_user, iecm: Institution, sipot_iv_file: Path
) -> None:
    client = as_user("ajeno")
    number = wrong_rows(sipot_iv_file)[0]
    row = AreaObjective.objects.get(institution=iecm, row_number=number)
    page = client.get(edit_url(row))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Corregir la fila" in html and "suspicious_link" in html
    assert f'value="{row.hyperlink}"' in html  # the form starts from the stored row

    good = re.sub(r"^https://www\.[a-z]+\.mx/", "https://www.iecm.mx/", row.hyperlink)
    data = form_data(row, hyperlink=good, reason="Dominio corregido", volver=REVIEW)
    response = client.post(edit_url(row), data)
    assert response.status_code == 302 and response["Location"] == REVIEW
    finding = QualityFinding.objects.get(object_id=row.pk, code="suspicious_link")
    assert finding.status == FindingStatus.RESOLVED
    assert finding.resolved_by is not None and finding.resolved_by.username == "ajeno"
    assert AuditEvent.objects.filter(action="area_objective.update", object_id=row.pk).exists()

    after = client.get(REVIEW).content.decode()
    assert "66 filas no pasarán la revisión de publicación" in text(after)
    record = f"<td>Fila {number} de los objetivos importados</td>"
    assert not any(record in tr for tr in table_rows(after))
    assert any(record in tr for tr in table_rows(after, "advertencias"))  # its warnings remain


def test_a_correction_without_reason_is_refused_on_the_page(as_user, iecm: Institution) -> None:
    row = AreaObjective.objects.get(institution=iecm, row_number=1)
    response = as_user("ajeno").post(edit_url(row), form_data(row, unit="Porcentaje"))
    assert response.status_code == 400
    assert "Escribe el motivo de la corrección" in response.content.decode()
    row.refresh_from_db()
    assert row.unit == "Trimestral"
    assert not AuditEvent.objects.filter(action="area_objective.update").exists()


@pytest.mark.parametrize(
    "back", ["https://evil.example/", "//evil.example/x", "/i/IEEM/transparencia/", "/admin/"]
)
def test_volver_never_leaves_the_institutions_transparency_pages(
    as_user, iecm: Institution, back: str
) -> None:
    row = AreaObjective.objects.get(institution=iecm, row_number=1)
    here = f"/i/IECM/transparencia/objetivos/{row.pk}/editar/"
    response = as_user("ajeno").post(
        here, form_data(row, unit="Porcentaje", reason="Unidad", volver=back)
    )
    assert response.status_code == 302 and response["Location"] == here


def test_readers_see_where_but_only_planeacion_gets_the_row_link(as_user, demo: Demo) -> None:
    row = AreaObjective.objects.filter(institution=demo.institution, year=2024).first()
    row.hyperlink = "https://www.iem.org.mx/poa.pdf"  # outside ieem.org.mx: an error
    row.save()
    url = "/i/IEEM/transparencia/fr-iv/revision/?ejercicio=2024"
    reader = as_user("consulta").get(url).content.decode()
    assert "Corregir la fila (Planeación)" in reader
    assert f"/transparencia/objetivos/{row.pk}/editar/" not in reader
    assert (
        as_user("consulta").get(f"/i/IEEM/transparencia/objetivos/{row.pk}/editar/").status_code
        == 403
    )


def test_a_format_without_errors_says_so(as_user, demo: Demo) -> None:
    html = text(
        as_user("enlace_otra")
        .get("/i/IEEM/transparencia/fr-iv/revision/?ejercicio=2024")
        .content.decode()
    )
    assert "El formato pasa la revisión de publicación: no tiene errores." in html
    assert "no pasará" not in html


def test_the_formats_page_links_each_review_with_its_period(as_user, demo: Demo) -> None:
    html = as_user("consulta").get("/i/IEEM/transparencia/?ejercicio=2024&trimestre=2").content
    for format_id in ("fr-iv", "fr-v", "fr-vi", "cdmx-121-iv", "cdmx-121-xxii"):
        href = f'href="/i/IEEM/transparencia/{format_id}/revision/?ejercicio=2024&amp;trimestre=2"'
        assert href in html.decode(), format_id


def test_an_unknown_format_or_period_is_404(as_user, demo: Demo) -> None:
    client = as_user("consulta")
    assert client.get("/i/IEEM/transparencia/fr-x/revision/").status_code == 404
    assert client.get("/i/IEEM/transparencia/fr-iv/revision/?ejercicio=1800").status_code == 404


def test_the_findings_page_links_a_fr_iv_finding_to_its_row(as_user, iecm: Institution) -> None:
    html = as_user("ajeno").get("/i/IECM/hallazgos/?codigo=suspicious_link").content.decode()
    row = AreaObjective.objects.get(institution=iecm, row_number=1)
    assert f'href="/i/IECM/transparencia/objetivos/{row.pk}/editar/"' in html


# ---------------------------------------------------------------- query counts


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_review_queries_do_not_depend_on_the_rows(
    as_user, iecm: Institution, django_assert_num_queries
) -> None:
    client = as_user("ajeno")
    client.get(REVIEW)  # warm the session and the per-process caches
    with django_assert_num_queries(REVIEW_QUERIES["imported"]):
        client.get(REVIEW)
    AreaObjective.objects.filter(institution=iecm, row_number__gt=20).delete()
    with django_assert_num_queries(REVIEW_QUERIES["imported"]):
        client.get(REVIEW)


def test_review_queries_of_derived_rows_do_not_depend_on_the_activities(
    as_user, demo: Demo, django_assert_num_queries
) -> None:
    AreaObjective.objects.all().delete()  # fr. IV rows derived from the program
    client = as_user("planeacion")
    url = "/i/IEEM/transparencia/fr-iv/revision/?ejercicio=2024"
    client.get(url)
    with django_assert_num_queries(REVIEW_QUERIES["derived"]):
        client.get(url)
    demo.activity_otra.unit = None
    demo.activity_otra.save()
    demo.activity_full.delete()
    with django_assert_num_queries(REVIEW_QUERIES["derived"]):
        client.get(url)


def test_edit_page_queries_do_not_depend_on_findings_or_history(
    as_user, iecm: Institution, django_assert_num_queries
) -> None:
    client = as_user("ajeno")
    row = AreaObjective.objects.get(institution=iecm, row_number=1)
    url = f"/i/IECM/transparencia/objetivos/{row.pk}/editar/"
    client.get(url)
    with django_assert_num_queries(EDIT_QUERIES):
        client.get(url)
    for reason in ("Primera", "Segunda"):
        client.post(url, form_data(row, goal=reason, unit="Porcentaje", reason=reason))
    assert AuditEvent.objects.filter(object_id=row.pk, action="area_objective.update").count() == 2
    with django_assert_num_queries(EDIT_QUERIES):
        client.get(url)


# Session, user, institution, memberships, the years (2), then the format's own rows
# (imported: 1; derived from the program: program, nodes, activities, areas, the fr. IV
# rows looked for first) and the checker's area check (savepoint, areas, aliases, rollback,
# release). The same whatever the number of rows or findings.
REVIEW_QUERIES = {"imported": 13, "derived": 17}  # + the program, for its «Datos simulados» notice
# Session, user, institution, memberships, the row, its findings, the areas (twice: the
# select, and Django's look at its first option for the «required» attribute), its history.
EDIT_QUERIES = 9
