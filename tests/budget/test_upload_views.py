"""The budget upload pages: who may use them, the preview writes nothing and shows the
differences, «Aplicar» stores what the CLI stores, a stale preview is refused, a bad file
shows every row error and no apply button; query counts pinned."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.budget.importer import import_budget
from rumbo.budget.models import BudgetLine, FundingSource, SpecificItem
from rumbo.budget.services import cog_load
from rumbo.budget.views.upload import SESSION_KEY
from rumbo.imports.models import ImportRun, QualityFinding
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

TEMPLATE = reverse("web:budget_template", args=["IEEM", 2024])
UPLOAD = reverse("web:budget_upload", args=["IEEM", 2024])
APPLY = reverse("web:budget_upload_apply", args=["IEEM", 2024])
ITEMS = reverse("web:budget_items", args=["IEEM"])
PROGRAM = reverse("web:program", args=["IEEM", 2024])
HEADER = "Clave programática,Partida,Fuente,Mes,Momento,Importe,Nombre de la partida"
V1 = [
    '0101,21101,11,1,aprobado,"1,000.00",Materiales de oficina',
    '0101,21101,11,1,modificado,"1,000.00",',
    "010101,33401,11,2,aprobado,250.50,Capacitación",
]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    cog_load()  # the flushed test database lost CONAC's classifier
    return tmp_path


def csv_file(rows: list[str], name: str = "presupuesto.csv") -> SimpleUploadedFile:
    text = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def digest_in(html: str) -> str:
    match = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert match, "the preview posts the fingerprint of the lines it compared"
    return match.group(1)


def counts() -> tuple[int, ...]:
    return (
        BudgetLine.objects.count(),
        SpecificItem.objects.count(),
        FundingSource.objects.count(),
        AuditEvent.objects.count(),
        ImportRun.objects.count(),
        QualityFinding.objects.count(),
    )


def stored() -> dict[tuple[str, str, int], tuple[Decimal, Decimal]]:
    """The stored lines by plain SQL (key, partida, month) → (aprobado, modificado)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(a.key, n.key), i.key, l.month, l.aprobado, l.modificado "
            "FROM budget_budgetline l JOIN programs_programnode n ON n.id = l.node_id "
            "LEFT JOIN programs_activity a ON a.id = l.activity_id "
            "JOIN budget_specificitem i ON i.id = l.item_id"
        )
        return {(k, i, m): (Decimal(str(a)), Decimal(str(b))) for k, i, m, a, b in cursor}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_planning_uploads_and_applies(as_user, demo, persona):
    client = as_user(persona)
    allowed = persona == "planeacion"
    assert client.get(TEMPLATE).status_code == 200  # every member reads the template
    assert client.get(UPLOAD).status_code == (200 if allowed else 403)
    before = counts()
    response = client.post(UPLOAD, {"file": csv_file(V1)})
    assert response.status_code == (200 if allowed else 403)
    assert client.post(APPLY, {"digest": "0" * 64}).status_code == (302 if allowed else 403)
    assert counts() == before


def test_another_institution_and_anonymous_get_nothing(client, as_user, demo):
    login = reverse(settings.LOGIN_URL)
    assert client.get(UPLOAD)["Location"].startswith(f"{login}?next=")
    outsider = as_user("ajeno")
    assert outsider.get(UPLOAD).status_code == 403
    assert outsider.post(UPLOAD, {"file": csv_file(V1)}).status_code == 403
    assert outsider.post(APPLY, {"digest": "0" * 64}).status_code == 403
    assert outsider.get(TEMPLATE).status_code == 403
    assert BudgetLine.objects.count() == 0


def test_the_template_has_this_programs_keys(as_user, demo):
    response = as_user("planeacion").get(TEMPLATE)
    assert 'filename="plantilla-presupuesto-IEEM-2024.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["Presupuesto"][1]][:6] == HEADER.split(",")[:6]
    keys = [row[0] for row in wb["Claves"].iter_rows(min_row=2, values_only=True)]
    assert {"01", "0101", "010101", "020101"} <= set(keys)


def test_the_upload_page_offers_the_template_and_the_closed_month(as_user, demo):
    client = as_user("planeacion")
    html = client.get(UPLOAD).content.decode()
    assert f'href="{TEMPLATE}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert '<option value="9">Septiembre</option>' in html
    assert f'href="{ITEMS}"' in html
    assert client.get(APPLY).status_code == 405


def test_the_preview_writes_nothing_and_shows_the_differences(as_user, demo):
    client = as_user("planeacion")
    before = counts()
    response = client.post(UPLOAD, {"file": csv_file(V1), "through": "3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert counts() == before
    assert "Nada se ha guardado todavía" in html
    assert '<dd data-count="created">2</dd>' in html
    assert '<dd data-count="updated">0</dd>' in html
    # Totals by hand: aprobado 1,000.00 + 250.50; modificado 1,000.00.
    total = re.search(r'id="total-aprobado">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"\$[\d,.]+|\+\$[\d,.]+", total) == ["$0.00", "$1,250.50", "+$1,250.50"]
    assert "Aprobado $1,000.00 · Modificado $1,000.00" in html
    # New partidas and the finding each raises, linked to the review page.
    assert "Partidas nuevas" in html and f'href="{ITEMS}"' in html
    assert "<strong>21101</strong> Materiales de oficina" in html
    assert "Partida específica nueva en el catálogo" in html
    assert "Último mes cerrado: marzo (elegido al cargar)" in html
    assert ">Aplicar</button>" in html


def test_apply_stores_what_the_cli_stores(as_user, demo, data_dir, tmp_path):
    client = as_user("planeacion")
    html = client.post(UPLOAD, {"file": csv_file(V1)}).content.decode()
    kept = list((data_dir / "uploads").iterdir())
    assert len(kept) == 1  # the file kept between preview and apply
    response = client.post(APPLY, {"digest": digest_in(html)})
    # back to the budget as it is stored now
    assert response.status_code == 302
    assert response["Location"] == "/i/IEEM/programa/2024/presupuesto/"
    assert not (data_dir / "uploads" / kept[0].name).exists()  # discarded once applied
    assert SESSION_KEY not in client.session
    web = stored()
    assert web == {
        ("0101", "21101", 1): (Decimal("1000.00"), Decimal("1000.00")),
        ("010101", "33401", 2): (Decimal("250.50"), Decimal(0)),
    }
    run = ImportRun.objects.get()
    assert (run.kind, run.source_file, run.actor) == (
        "presupuesto",
        "presupuesto.csv",
        "planeacion",
    )
    events = AuditEvent.objects.filter(actor_label="planeacion", action="create").count()
    assert events == 2 + 2 + 10  # two lines, two partidas, CONAC's ten fuentes
    findings = sorted(
        QualityFinding.objects.filter(kind="presupuesto").values_list("code", flat=True)
    )
    assert findings == ["budget_item_unknown", "budget_item_unknown"]
    followed = client.get(UPLOAD).content.decode()
    assert (
        "Presupuesto aplicado desde «presupuesto.csv»: 2 renglones nuevos, 0 modificados y "
        "0 eliminados; 2 hallazgos." in followed
    )

    # The same file through the CLI, into a copy of the program's state: same lines.
    BudgetLine.objects.all().delete()
    path = tmp_path / "presupuesto.csv"
    path.write_text("\n".join([HEADER, *V1]) + "\n", encoding="utf-8")
    import_budget(path, institution_code="IEEM", year=2024, actor=Actor.cli())
    assert stored() == web


def test_the_same_file_again_says_sin_cambios_without_apply(as_user, demo, data_dir):
    client = as_user("planeacion")
    html = client.post(UPLOAD, {"file": csv_file(V1)}).content.decode()
    client.post(APPLY, {"digest": digest_in(html)})
    before = counts()
    again = client.post(UPLOAD, {"file": csv_file(V1)}).content.decode()
    assert "Sin cambios." in again
    assert "2 renglones iguales" in again
    assert ">Aplicar</button>" not in again
    assert not list((data_dir / "uploads").iterdir())  # nothing kept: nothing to apply
    assert counts() == before


def test_a_changed_amount_shows_before_and_after(as_user, demo):
    client = as_user("planeacion")
    client.post(
        APPLY, {"digest": digest_in(client.post(UPLOAD, {"file": csv_file(V1)}).content.decode())}
    )
    v2 = ['0101,21101,11,1,aprobado,"1,500.00",', '0101,21101,11,1,modificado,"1,000.00",']
    html = client.post(UPLOAD, {"file": csv_file(v2)}).content.decode()
    assert '<dd data-count="updated">1</dd>' in html
    assert '<dd data-count="deleted">1</dd>' in html
    row = re.search(r"<td>Aprobado</td>(.*?)</tr>", html, re.S).group(1)
    assert "$1,000.00" in row and "$1,500.00" in row
    assert "010101 · 33401 · 11" in html  # the line the file no longer names


def test_a_stale_preview_is_refused(as_user, demo, tmp_path):
    client = as_user("planeacion")
    html = client.post(UPLOAD, {"file": csv_file(V1)}).content.decode()
    path = tmp_path / "otro.csv"
    path.write_text(f"{HEADER}\n0201,21101,11,5,aprobado,9,\n", encoding="utf-8")
    import_budget(path, institution_code="IEEM", year=2024, actor=Actor.cli())  # meanwhile
    before = counts()
    response = client.post(APPLY, {"digest": digest_in(html)}, follow=True)
    assert (
        "El presupuesto cambió desde la vista previa; vuelve a cargar el archivo"
        in response.content.decode()
    )
    assert counts() == before
    assert stored() == {("0201", "21101", 5): (Decimal(9), Decimal(0))}


def test_a_bad_file_shows_each_row_error_and_no_apply(as_user, demo, data_dir):
    client = as_user("planeacion")
    bad = [
        "0101,2110,11,1,aprobado,5,",  # row 2: partida of four digits
        '0101,21101,11,13,aprobado,"1.234,56",',  # row 3: month 13 and a decimal comma
    ]
    before = counts()
    response = client.post(UPLOAD, {"file": csv_file(bad, "malo.csv")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "No se aplicó nada: 3 errores en «malo.csv»" in html
    rows = re.findall(
        r'<th scope="row" class="num">(\d+)</th>\s*<td class="nowrap">([^<]+)</td>', html
    )
    assert rows == [("2", "Partida"), ("3", "Mes"), ("3", "Importe")]
    assert "se esperaban 5 dígitos" in html
    assert "coma decimal" in html
    assert "Aplicar" not in html
    assert not (data_dir / "uploads").exists() or not list((data_dir / "uploads").iterdir())
    assert counts() == before


def test_a_file_that_is_not_a_table_is_a_form_error(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        UPLOAD, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")}
    )
    assert response.status_code == 400
    assert (
        "Solo se aceptan archivos CSV (.csv) o libros de Excel (.xlsx)" in response.content.decode()
    )
    empty = client.post(UPLOAD, {"file": SimpleUploadedFile("vacio.csv", b"   \n")})
    assert empty.status_code == 400


def test_the_program_page_links_the_upload_and_the_review(as_user, demo):
    html = as_user("planeacion").get(PROGRAM).content.decode()
    assert f'href="{UPLOAD}"' in html and f'href="{ITEMS}"' in html
    consulta = as_user("consulta").get(PROGRAM).content.decode()
    assert f'href="{UPLOAD}"' not in consulta and f'href="{ITEMS}"' in consulta


def _rows(n: int, bump: int = 0) -> list[str]:
    keys = ["0101", "010101", "010102", "0201"]
    return [
        f"{keys[i % 4]},2110{i // 12 + 1},11,{i % 12 + 1},aprobado,{i + 1 + bump},"
        for i in range(n)
    ]


@pytest.mark.parametrize("size", [4, 40])
def test_query_counts_do_not_grow_with_the_file(as_user, demo, size, django_assert_num_queries):
    client = as_user("planeacion")
    with django_assert_num_queries(6):
        assert client.get(UPLOAD).status_code == 200
    first = client.post(UPLOAD, {"file": csv_file(_rows(size))}).content.decode()
    client.post(APPLY, {"digest": digest_in(first)})
    # The preview: 29, plus the adecuaciones' ledger read by the diff and by the dry run,
    # and the dry run's lock of the program row (no adecuaciones here: no key queries).
    with django_assert_num_queries(32):
        html = client.post(UPLOAD, {"file": csv_file(_rows(size, bump=1))}).content.decode()
    assert f'<dd data-count="updated">{size}</dd>' in html
    with django_assert_num_queries(28):  # 26 + the ledger read + the writer's lock
        assert client.post(APPLY, {"digest": digest_in(html)}).status_code == 302
