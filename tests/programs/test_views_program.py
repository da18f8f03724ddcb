"""The program page: outline with totals, sections on demand, calendar grid, filters, links."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from rumbo.programs.models import Activity
from rumbo.strategy.models import LineOfAction
from tests.factories import AnnualProgramFactory

pytestmark = pytest.mark.django_db


def program_url(year: int = 2024, **params: str) -> str:
    url = reverse("web:program", args=["IEEM", year])
    return f"{url}?{urlencode(params)}" if params else url


def section_url(node, year: int = 2024) -> str:
    return reverse("web:program_section", args=["IEEM", year, node.pk])


def get(client, url: str, **headers: str) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def row_html(html: str, activity) -> str:
    match = re.search(rf'<tr id="actividad-{activity.pk}".*?</tr>', html, re.S)
    assert match, f"row of {activity.key} not found"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def shown(html: str, *activities) -> list[bool]:
    return [f'id="actividad-{a.pk}"' in html for a in activities]


# --- the outline ---------------------------------------------------------------------------


def test_outline_lists_subprograms_collapsed_with_their_totals(as_user, demo):
    one_unit(demo)
    html = get(as_user("consulta"), program_url())
    assert "5 actividades en 2 subprogramas." in html
    # Collapsed, with the body fetched by htmx when opened, and a link without JavaScript.
    assert (
        f'<details class="node depth-0" id="nodo-{demo.subprogram.pk}" '
        f'hx-get="{section_url(demo.subprogram)}" hx-trigger="toggle once"' in html
    )
    assert f'<a href="{section_url(demo.subprogram)}">Ver subprograma 01 completo' in html
    # Totals of the whole subprogram: 4,060 + 1 + 12 + 12, its months, count and flags.
    assert "SE · 4 actividades · total anual 4,085" in html
    assert "2 con hallazgos por atender" in html
    totals = re.search(rf'<caption id="totales-{demo.subprogram.pk}">.*?</table>', html, re.S)
    assert totals
    assert cells(totals.group(0)) == [
        "4,085",
        *["342", "342", "342.25", "342", "341", "342.25", "342", "342", "342.25", "342"],
        *["332", "331.25"],
    ]
    # No activity row is sent until a subprogram is opened.
    assert 'class="activity' not in html


def test_levels_are_named_from_the_program(as_user, demo):
    demo.program.level_names = ["Programa", "Actividad institucional", "Acción"]
    demo.program.save()
    client = as_user("consulta")
    html = get(client, program_url())
    assert "Programa 01" in html
    assert "acciones" in html  # the activity level, plural, in the summaries
    assert "Actividad institucional 0101" in get(client, section_url(demo.subprogram))


def test_area_summary_adds_targets_activities_and_observations_per_area(as_user, demo):
    html = get(as_user("consulta"), program_url())
    table = re.search(r'<table class="area-totals">.*?</table>', html, re.S)
    assert table
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table.group(0), re.S)
    by_area = {name.strip(): cells(f"<tr>{rest}</tr>") for name, rest in rows}
    # activities, with observations, distinct units, annual quantity when one unit
    report_unit = demo.activity_full.unit.name.lower()
    assert by_area["Dirección de Organización (DO)"] == ["1", "0", "1", f"2 {report_unit}"]
    none_added = "2 unidades (no se suman)"
    assert by_area["Secretaría Ejecutiva (SE)"] == ["4", "2", "2", none_added]
    assert by_area["Total del programa"] == ["5", "2", "2", none_added]
    assert "la misma unidad" in html  # the note on never adding different units
    one_unit(demo)
    html = get(as_user("consulta"), program_url())
    table = re.search(r'<table class="area-totals">.*?</table>', html, re.S)
    assert table
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table.group(0), re.S)
    by_area = {name.strip(): cells(f"<tr>{rest}</tr>") for name, rest in rows}
    assert by_area["Secretaría Ejecutiva (SE)"] == ["4", "2", "1", f"4,085 {report_unit}"]
    assert by_area["Total del programa"] == ["5", "2", "1", "4,087"]


def test_empty_program_invites_planning_to_add_its_first_level(as_user, demo):
    AnnualProgramFactory(institution=demo.institution, year=2025)
    html = get(as_user("planeacion"), program_url(2025))
    assert "Este programa todavía no tiene subprogramas ni actividades." in html
    create = reverse("web:node_create", args=["IEEM", 2025])
    assert f'<a class="button" href="{create}">Agregar subprograma</a>' in html
    html = get(as_user("consulta"), program_url(2025))
    assert "Este programa todavía no tiene subprogramas ni actividades." in html
    assert create not in html


def test_structure_links_only_for_planning(as_user, demo):
    planning = get(as_user("planeacion"), program_url())
    for name in ["node_create", "program_template", "program_upload", "alignment"]:
        assert reverse(f"web:{name}", args=["IEEM", 2024]) in planning
    for persona in ["enlace_se", "revisor", "consulta"]:
        html = get(as_user(persona), program_url())
        assert reverse("web:program_upload", args=["IEEM", 2024]) not in html
        assert reverse("web:node_create", args=["IEEM", 2024]) not in html


# --- a section (the body of a subprogram) ----------------------------------------------------


def test_section_shows_area_objective_legal_framework_and_projects(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram))
    assert '<h1><span class="level">Subprograma 01</span> Secretaría Ejecutiva' in html
    assert "Secretaría Ejecutiva (SE)" in html
    assert "Coordinar las actividades de las áreas del Instituto." in html
    assert "Código Electoral del Estado de México, artículo 196." in html
    assert f'<details class="node depth-1" id="nodo-{demo.project.pk}" open>' in html
    assert '<h2 class="node-title">' in html  # the project under the page's h1
    assert shown(html, demo.activity_full, demo.activity_otra) == [True, False]


def test_htmx_gets_the_section_fragment_only(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram), HTTP_HX_REQUEST="true")
    assert "<html" not in html
    assert '<h3 class="node-title">' in html  # under the subprogram's h2 of the program page
    assert "Coordinar las actividades de las áreas del Instituto." in html
    assert shown(html, demo.activity_full) == [True]
    assert "totales-" not in html  # the collapsed node already shows its totals


def test_section_of_another_program_is_not_found(as_user, demo):
    other = AnnualProgramFactory(institution=demo.institution, year=2025)
    response = as_user("consulta").get(
        reverse("web:program_section", args=["IEEM", other.year, demo.subprogram.pk])
    )
    assert response.status_code == 404


def test_activity_row_shows_key_description_unit_target_and_twelve_months(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram))
    row = row_html(html, demo.activity_full)
    activity = reverse("web:activity", args=["IEEM", 2024, "010101"])
    assert f'<th scope="row" class="key"><a href="{activity}">010101</a></th>' in row
    assert "Atención de solicitudes de información pública" in row
    values = cells(row)
    assert values[1] == "Reporte"
    assert values[2] == "4,060"
    assert values[3:15] == ["340"] * 10 + ["330", "330"]
    assert "Cuadra" in row


def test_a_simulated_calendar_is_said_on_the_page_and_on_its_row(as_user, demo):
    notice = "Calendarios simulados: 1 actividad del programa tiene meses simulados."
    html = get(as_user("consulta"), program_url())
    assert notice not in html
    Activity.objects.filter(pk=demo.activity_fraction.pk).update(calendar_simulated=True)
    assert notice in get(as_user("consulta"), program_url())
    section = get(as_user("consulta"), section_url(demo.subprogram))
    assert notice in section
    assert "Calendario simulado" in row_html(section, demo.activity_fraction)
    assert "Calendario simulado" not in row_html(section, demo.activity_full)


def test_month_headers_are_spanish_and_scoped(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram))
    for label in ["Ene", "Feb", "Mar", "Abr", "May", "Jun"]:
        assert f">{label}</abbr></th>" in html
    for label in ["Jul", "Ago", "Sep", "Oct", "Nov", "Dic"]:
        assert f">{label}</abbr></th>" in html
    assert '<th scope="col" class="num"><abbr title="enero">Ene</abbr></th>' in html
    assert '<caption id="cal-' in html


def test_fractions_print_as_es_mx_decimals(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram))
    values = cells(row_html(html, demo.activity_fraction))
    assert values[2] == "1"
    assert values[3:15].count("0.25") == 4
    assert "0,25" not in html


def test_unknown_month_is_a_dash_and_the_row_is_flagged_with_text(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram))
    row = row_html(html, demo.activity_missing)
    values = cells(row)
    assert values[3 + 4] == "—sin dato"  # May: dash for sight, words for screen readers
    assert 'class="activity is-flagged"' in row
    assert "Calendario incompleto: falta 1 mes" in row
    findings = (
        reverse("web:findings", args=["IEEM"])
        + f"?actividad={demo.activity_missing.pk}&amp;estado=open&amp;severidad=error"
    )
    assert f'href="{findings}"' in row
    assert "1 hallazgo por atender" in row


def test_months_that_do_not_add_up_are_flagged_with_their_sum(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram))
    row = row_html(html, demo.activity_mismatch)
    assert 'class="activity is-flagged"' in row
    assert "Los meses suman 11, no 12" in row
    assert "—" not in row


def test_an_unknown_annual_target_is_said_not_zero(as_user, demo):
    one_unit(demo)
    demo.activity_fraction.annual_target = None
    demo.activity_fraction.save()
    html = get(as_user("consulta"), section_url(demo.subprogram))
    row = row_html(html, demo.activity_fraction)
    assert cells(row)[2] == "Sin cantidad anual"
    # Said in its own cell; the row is not flagged: no finding asks for action on it.
    assert 'class="activity"' in row
    assert "total anual 4,084" in html  # the unknown target adds nothing


def test_a_complete_matching_calendar_is_not_flagged(as_user, demo):
    html = get(as_user("consulta"), section_url(demo.subprogram))
    row = row_html(html, demo.activity_fraction)
    assert "is-flagged" not in row
    assert "hallazgo" not in row


def test_totals_per_project_and_subprogram(as_user, demo):
    one_unit(demo)
    html = get(as_user("consulta"), section_url(demo.subprogram))
    total = re.search(r"<tfoot>.*?</tfoot>", html, re.S)
    assert total
    assert "Total de proyecto 0101" in total.group(0)
    assert cells(total.group(0))[0] == "4,085"
    assert "Total de subprograma" in html  # the subprogram's own month totals
    assert "4 actividades · total anual 4,085" in html


def test_years_are_not_printed_with_a_thousands_separator(as_user, demo):
    html = get(as_user("consulta"), program_url())
    assert "Ejercicio 2024" in html
    assert "2,024" not in html


# --- who may edit which row ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "editable"),
    [
        ("planeacion", [True, True]),
        ("enlace_se", [True, False]),
        ("enlace_otra", [False, True]),
        ("revisor", [False, False]),
        ("consulta", [False, False]),
    ],
)
def test_edit_links_follow_the_access_rules(as_user, demo, persona, editable):
    html = get(as_user(persona), program_url(q="0"))  # every activity, expanded
    found = []
    for activity in [demo.activity_full, demo.activity_otra]:
        calendar = reverse("web:activity_calendar", args=["IEEM", 2024, activity.key])
        found.append(f'href="{calendar}"' in row_html(html, activity))
    assert found == editable


def test_leaf_nodes_offer_to_add_activities_to_planning(as_user, demo):
    html = get(as_user("planeacion"), section_url(demo.subprogram))
    create = reverse("web:activity_create", args=["IEEM", 2024])
    assert f'href="{create}?nivel={demo.project.pk}"' in html
    assert f'href="{create}?nivel={demo.subprogram.pk}"' not in html  # it has projects
    node = reverse("web:node_create", args=["IEEM", 2024])
    assert f'href="{node}?padre={demo.subprogram.pk}"' in html  # another project
    assert f"?padre={demo.project.pk}" not in html  # below projects go activities
    # En formulación an enlace proposes activities of its own area: SE's enlace sees the
    # link on SE's project (not the one to add levels); DO's enlace and the revisor do not.
    html = get(as_user("enlace_se"), section_url(demo.subprogram))
    assert f'href="{create}?nivel={demo.project.pk}"' in html
    assert node not in html
    for persona in ("enlace_otra", "revisor"):
        assert create not in get(as_user(persona), section_url(demo.subprogram)), persona


# --- filters ---------------------------------------------------------------------------------


def test_filter_by_area_keeps_only_that_area(as_user, demo):
    html = get(as_user("consulta"), program_url(area="DO"))
    assert shown(html, demo.activity_otra, demo.activity_full) == [True, False]
    assert f'id="nodo-{demo.subprogram.pk}"' not in html
    assert "Se muestran 1 de 5 actividades" in html
    assert '<option value="DO" selected>' in html


def test_filter_by_unit(as_user, demo):
    unit = demo.activity_missing.unit
    html = get(as_user("consulta"), program_url(unidad=str(unit.pk)))
    assert shown(
        html, demo.activity_missing, demo.activity_mismatch, demo.activity_full, demo.activity_otra
    ) == [True, True, False, False]


def test_filter_by_line_of_action_or_without_one(as_user, demo):
    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.2")
    demo.activity_otra.lines_of_action.add(line)
    client = as_user("consulta")
    html = get(client, program_url(linea="1.2"))
    assert shown(html, demo.activity_otra, demo.activity_full) == [True, False]
    assert "Líneas de acción: 1.2" in row_html(html, demo.activity_otra)
    html = get(client, program_url(linea="ninguna"))
    assert shown(html, demo.activity_otra, demo.activity_full) == [False, True]
    assert '<option value="ninguna" selected>Sin línea de acción</option>' in html


def test_filter_only_activities_with_observations(as_user, demo):
    html = get(as_user("consulta"), program_url(observaciones="on"))
    assert shown(
        html, demo.activity_missing, demo.activity_mismatch, demo.activity_full, demo.activity_otra
    ) == [True, True, False, False]
    assert "Se muestran 2 de 5 actividades" in html


def test_text_search_matches_key_or_description_without_accents(as_user, demo):
    client = as_user("consulta")
    html = get(client, program_url(q="atencion"))
    assert shown(html, demo.activity_full, demo.activity_fraction) == [True, False]
    # filtered results are shown expanded, inline
    assert f'<details class="node depth-0" id="nodo-{demo.subprogram.pk}" open>' in html
    html = get(client, program_url(q="010103"))
    assert shown(html, demo.activity_missing, demo.activity_full) == [True, False]


def test_filters_combine(as_user, demo):
    html = get(as_user("consulta"), program_url(area="SE", q="informe", observaciones="on"))
    assert "Ninguna actividad coincide con el filtro." in html
    html = get(as_user("consulta"), program_url(area="SE", q="sesiones", observaciones="on"))
    assert shown(html, demo.activity_missing) == [True]


def test_htmx_filter_returns_the_results_fragment_and_updates_the_status(as_user, demo):
    html = get(as_user("consulta"), program_url(q="sesiones"), HTTP_HX_REQUEST="true")
    assert "<html" not in html
    assert '<form method="get"' not in html
    assert '<div id="programa-estado" hx-swap-oob="innerHTML">Se muestran 1 de 5' in html
    assert shown(html, demo.activity_missing) == [True]


def test_a_history_restore_gets_the_whole_page(as_user, demo):
    html = get(
        as_user("consulta"),
        program_url(q="sesiones"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in html


def test_the_filter_form_works_without_javascript(as_user, demo):
    html = get(as_user("consulta"), program_url())
    form = re.search(r'<form method="get" class="filters program-filters".*?>', html, re.S)
    assert form
    assert f'action="{program_url()}"' in form.group(0)
    assert 'hx-target="#resultados"' in form.group(0)
    assert 'hx-push-url="true"' in form.group(0)
    assert '<button type="submit" class="button">Filtrar</button>' in html
    assert 'id="programa-estado" class="program-status" role="status" aria-live="polite"' in html


def test_a_filter_without_matches_says_so(as_user, demo):
    html = get(as_user("consulta"), program_url(q="inexistente"))
    assert "Ninguna actividad coincide con el filtro." in html


def test_an_unknown_choice_in_the_query_string_filters_nothing(as_user, demo):
    html = get(as_user("consulta"), program_url(area="XX", unidad="999", linea="9.9"))
    assert "Se muestran" not in html
    assert f'id="nodo-{demo.subprogram.pk}"' in html


def test_totals_stay_those_of_the_whole_node_when_filtering(as_user, demo):
    one_unit(demo)
    html = get(as_user("consulta"), program_url(q="atencion"))
    assert "Total de proyecto 0101 (completo)" in html
    assert "4 actividades · total anual 4,085" in html
    assert "(1 de 4 actividades)" in html


def one_unit(demo) -> None:
    """Measure every activity of the demo in the same unit, so that totals add up."""
    Activity.objects.filter(program=demo.program).update(unit=demo.activity_full.unit)


def test_quantities_of_different_units_are_never_added(as_user, demo):
    """Subprogram 01 measures reports (4,060 + 1) and events (12 + 12): no total is printed
    for it, its project or the program; subprogram 02 has one unit and keeps its total."""
    html = get(as_user("consulta"), program_url())
    text = re.sub(r"<[^>]+>", "", html)
    assert "SE · 4 actividades · 2 unidades de medida (no se suman)" in text
    assert "4,085" not in html
    assert "1 actividad · total anual 2" in text
    section = get(as_user("consulta"), section_url(demo.subprogram))
    total = re.search(r"<tfoot>.*?</tfoot>", section, re.S)
    assert total
    assert "2 unidades de medida (no se suman)" in total.group(0)
    assert "4,085" not in section
