"""The program tree page: levels, calendar grid, flags, totals, filters, constant queries."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    AreaFactory,
    ProgramNodeFactory,
    QualityFindingFactory,
)

pytestmark = pytest.mark.django_db

# session + user + institution + membership + program + tree (6) + findings per activity
PROGRAM_PAGE_QUERIES = 11


def program_url(year: int = 2024, **params: str) -> str:
    url = reverse("web:program", args=["IEEM", year])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def row_html(html: str, activity) -> str:
    match = re.search(rf'<tr id="actividad-{activity.pk}".*?</tr>', html, re.S)
    assert match, f"row of {activity.key} not found"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_levels_are_named_from_the_program(as_user, demo):
    demo.program.level_names = ["Programa", "Actividad institucional", "Acción"]
    demo.program.save()
    html = as_user("consulta").get(program_url()).content.decode()
    assert "Programa 01" in html
    assert "Actividad institucional 0101" in html
    assert "acciones" in html  # the activity level, plural, in the summaries


def test_subprogram_shows_area_objective_and_legal_framework(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    assert "Secretaría Ejecutiva (SE)" in html
    assert "Coordinar las actividades de las áreas del Instituto." in html
    assert "Marco legal" in html
    assert "Código Electoral del Estado de México, artículo 196." in html


def test_levels_are_collapsible_without_javascript(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    assert f'<details class="node depth-0" id="nodo-{demo.subprogram.pk}">' in html
    assert f'<details class="node depth-1" id="nodo-{demo.project.pk}" open>' in html
    assert "<summary>" in html


def test_activity_row_shows_key_description_unit_target_and_twelve_months(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    row = row_html(html, demo.activity_full)
    assert "010101" in row
    assert "Atención de solicitudes de información pública" in row
    values = cells(row)
    assert values[1] == "Reporte"
    assert values[2] == "4,060"
    assert values[3:15] == ["340"] * 10 + ["330", "330"]
    assert "Cuadra" in row


def test_month_headers_are_spanish_and_scoped(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    for label in [
        "Ene",
        "Feb",
        "Mar",
        "Abr",
        "May",
        "Jun",
        "Jul",
        "Ago",
        "Sep",
        "Oct",
        "Nov",
        "Dic",
    ]:
        assert '<th scope="col" class="num"><abbr title=' in html
        assert f">{label}</abbr></th>" in html
    assert '<caption id="cal-' in html
    assert '<th scope="row" class="key">010101</th>' in html


def test_fractions_print_as_es_mx_decimals(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    values = cells(row_html(html, demo.activity_fraction))
    assert values[2] == "1"
    assert values[3:15].count("0.25") == 4
    assert "0,25" not in html


def test_unknown_month_is_a_dash_and_the_row_is_flagged_with_text(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    row = row_html(html, demo.activity_missing)
    values = cells(row)
    assert values[3 + 4] == "—sin dato"  # May: dash for sight, words for screen readers
    assert 'class="activity is-flagged"' in row
    assert "Calendario incompleto: falta 1 mes" in row
    assert "⚠" in row
    findings = reverse("web:findings", args=["IEEM"]) + f"?actividad={demo.activity_missing.pk}"
    assert f'href="{findings}"' in row
    assert "1 hallazgo abierto" in row


def test_months_that_do_not_add_up_are_flagged_with_their_sum(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    row = row_html(html, demo.activity_mismatch)
    assert 'class="activity is-flagged"' in row
    assert "Los meses suman 11, no 12" in row
    assert "—" not in row


def test_a_complete_matching_calendar_is_not_flagged(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    row = row_html(html, demo.activity_fraction)
    assert "is-flagged" not in row
    assert "hallazgo" not in row


def test_totals_per_project_and_subprogram(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    # 4,060 + 1 + 12 + 12 in project 0101, which is all of subprogram 01.
    assert "Total de proyecto 0101" in html
    assert "Total de subprograma" in html
    assert html.count(">4,085<") == 2
    assert "total anual 4,085" in html
    assert "4 actividades" in html


def test_years_are_not_printed_with_a_thousands_separator(as_user, demo):
    html = as_user("consulta").get(program_url()).content.decode()
    assert "Ejercicio 2024" in html
    assert "2,024" not in html


def test_filter_by_area_keeps_only_that_area(as_user, demo):
    html = as_user("consulta").get(program_url(area="DO")).content.decode()
    assert f'id="actividad-{demo.activity_otra.pk}"' in html
    assert f'id="actividad-{demo.activity_full.pk}"' not in html
    assert "Secretaría Ejecutiva</span>" not in html
    assert "Se muestran 1 de 5 actividades" in html
    assert '<option value="DO" selected>' in html


def test_text_search_matches_key_or_description_without_accents(as_user, demo):
    html = as_user("consulta").get(program_url(q="atencion")).content.decode()
    assert f'id="actividad-{demo.activity_full.pk}"' in html
    assert f'id="actividad-{demo.activity_fraction.pk}"' not in html
    # filtered results are shown expanded
    assert f'<details class="node depth-0" id="nodo-{demo.subprogram.pk}" open>' in html
    html = as_user("consulta").get(program_url(q="010103")).content.decode()
    assert f'id="actividad-{demo.activity_missing.pk}"' in html
    assert f'id="actividad-{demo.activity_full.pk}"' not in html


def test_a_filter_without_matches_says_so(as_user, demo):
    html = as_user("consulta").get(program_url(q="inexistente")).content.decode()
    assert "Ninguna actividad coincide con el filtro." in html


def test_an_unknown_area_in_the_query_string_filters_nothing(as_user, demo):
    response = as_user("consulta").get(program_url(area="XX"))
    assert response.status_code == 200
    assert f'id="actividad-{demo.activity_full.pk}"' in response.content.decode()


def test_an_empty_program_says_it_has_no_activities(as_user, demo):
    AnnualProgramFactory(institution=demo.institution, year=2025)
    html = as_user("consulta").get(program_url(2025)).content.decode()
    assert "Este programa todavía no tiene actividades." in html


def grow(demo, subprograms: int, projects: int, activities: int) -> int:
    """Add subprograms × projects × activities, each with months and a finding."""
    created = 0
    for s in range(subprograms):
        area = AreaFactory(institution=demo.institution, name=f"Unidad {s}", code=f"U{s}")
        sub = ProgramNodeFactory(program=demo.program, key=f"{s + 10:02d}", area=area)
        for p in range(projects):
            project = ProgramNodeFactory(
                program=demo.program, parent=sub, key=f"{s + 10:02d}{p:02d}"
            )
            for a in range(activities):
                activity = ActivityFactory(
                    node=project,
                    key=f"{s + 10:02d}{p:02d}{a:02d}",
                    annual_target=Decimal(12),
                    months=[1] * 11 + [None],
                )
                QualityFindingFactory(institution=demo.institution, concerns=activity)
                created += 1
    return created


def test_query_count_does_not_grow_with_the_program(as_user, demo, django_assert_num_queries):
    client = as_user("consulta")
    with django_assert_num_queries(PROGRAM_PAGE_QUERIES):
        small = client.get(program_url())
    assert small.status_code == 200
    assert grow(demo, subprograms=3, projects=3, activities=4) == 36
    with django_assert_num_queries(PROGRAM_PAGE_QUERIES):
        large = client.get(program_url())
    assert (
        large.content.decode().count('class="activity is-flagged"') == 36 + 2
    )  # plus 010103 and 010104
    with django_assert_num_queries(PROGRAM_PAGE_QUERIES):
        client.get(program_url(area="U1", q="informe"))
