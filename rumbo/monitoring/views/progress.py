"""The activities behind a progress figure: a filtered list with each activity's figures, so
that every figure can be traced to the activities it counts.

Every count of a report or a dashboard («3 en rojo en SE») links here with the same month
and filters, and this page lists exactly those activities. The figures and their summary
come from ``rumbo.monitoring.figures`` (one call of ``program_figures`` for the whole
program); this module only chooses rows. Any member of the institution may read it.

GET parameters, all optional: ``mes`` (1–12), ``area`` (area code), ``nodo`` (a node id:
its subtree), ``semaforo`` (verde, amarillo, rojo, gris), ``estado`` (oficial, preliminar,
pendiente), ``formato=csv``. An unknown parameter is ignored; a malformed value is named in
an error line and replaced by its default (never a 404 or a 500).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from rumbo.core.exportfile import attachment, safe_csv_writer
from rumbo.core.numbers import normalize_decimal
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.semaforo import Light
from rumbo.core.text import whole_number
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.pages import institution_context
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode
from rumbo.programs.selectors import program_or_404

from ..dashboard import dashboard_month
from ..figures import (
    AVERAGE_METHOD,
    LIGHTS,
    STATES,
    ActivityFigure,
    ActivityRow,
    FigureState,
    ProgramFigures,
    program_figures,
)

LIGHT_VALUES = {light.value: light for light in LIGHTS}
STATE_VALUES = {state.value: state for state in STATES}
T = TypeVar("T")
SHOWN_RAW = 40  # characters of a malformed value repeated in its error line


# --- the filters ------------------------------------------------------------------------------


@dataclass
class Filters:
    """The valid filters of a request (a malformed one is left out: its default applies)."""

    month: int
    area: Area | None = None
    node: ProgramNode | None = None
    light: Light | None = None
    state: FigureState | None = None

    def params(self, *, without: str = "") -> list[tuple[str, str]]:
        """The query of these filters (``without`` one of them), in a stable order."""
        pairs = [
            ("mes", str(self.month)),
            ("area", self.area.code if self.area else ""),
            ("nodo", str(self.node.pk) if self.node else ""),
            ("semaforo", self.light.value if self.light else ""),
            ("estado", self.state.value if self.state else ""),
        ]
        return [(k, v) for k, v in pairs if v and k != without]

    def query(self, *, without: str = "", **extra: str) -> str:
        return "?" + urlencode([*self.params(without=without), *extra.items()])


def _raw(get: Mapping[str, str], name: str) -> str:
    return (get.get(name) or "").strip()


def _shown(raw: str) -> str:
    return raw if len(raw) <= SHOWN_RAW else raw[: SHOWN_RAW - 1] + "…"


def parse_month(get: Mapping[str, str]) -> tuple[int | None, str | None]:
    """The ``mes`` asked for, or None for the default; and the error line when malformed."""
    raw = _raw(get, "mes")
    if not raw:
        return None, None
    month = whole_number(raw)
    if month is not None and 1 <= month <= 12:
        return month, None
    return None, f"El mes «{_shown(raw)}» no es válido: debe ser un número del 1 al 12."


def parse_filters(
    get: Mapping[str, str], *, month: int, figures: ProgramFigures
) -> tuple[Filters, list[str]]:
    """The area, node, light and state filters, resolved against the program's own areas
    and nodes (already loaded by ``figures``: no query); and an error line per malformed
    one."""
    errors: list[str] = []

    def pick(name: str, choices: Mapping[str, T], refusal: str) -> T | None:
        raw = _raw(get, name)
        found = choices.get(raw) if raw else None
        if raw and found is None:
            errors.append(refusal.format(_shown(raw)))
        return found

    filters = Filters(
        month=month,
        area=pick(
            "area",
            {a.code: a for a in figures.areas.values()},
            "No existe el área «{}»; se muestran todas las áreas.",
        ),
        node=pick(
            "nodo",
            {str(pk): node for pk, node in figures.nodes.items()},
            "No existe el nivel «{}» en el programa; se muestra todo el programa.",
        ),
        light=pick(
            "semaforo",
            LIGHT_VALUES,
            "El semáforo «{}» no es válido (verde, amarillo, rojo o gris);"
            " se muestran todos los colores.",
        ),
        state=pick(
            "estado",
            STATE_VALUES,
            "El estado «{}» no es válido (oficial, preliminar o pendiente);"
            " se muestran todos los estados.",
        ),
    )
    return filters, errors


# --- the rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One activity of the list: what its row shows."""

    activity: Activity
    area: Area | None
    unit: str
    figure: ActivityFigure

    @property
    def light_label(self) -> str:
        reason = self.figure.grade.reason
        return f"{self.figure.light.label} ({reason.value})" if reason else self.figure.light.label


def _tree_position(nodes: Mapping[int, ProgramNode]) -> dict[int, tuple[tuple[int, str], ...]]:
    """Node id → its (order, key) path from the root: sorting by it walks the tree."""
    out: dict[int, tuple[tuple[int, str], ...]] = {}

    def position(node: ProgramNode) -> tuple[tuple[int, str], ...]:
        if node.pk not in out:
            parent = () if node.parent_id is None else position(nodes[node.parent_id])
            out[node.pk] = (*parent, (node.order, node.key))
        return out[node.pk]

    for node in nodes.values():
        position(node)
    return out


def filtered_rows(figures: ProgramFigures, filters: Filters) -> list[ActivityRow]:
    """The program's activities that pass every filter, in the order of the program tree."""
    in_node = figures.subtree(filters.node.pk) if filters.node else None
    rows = [
        r
        for r in figures.rows
        if (filters.area is None or r.area_id == filters.area.pk)
        and (in_node is None or r.activity.node_id in in_node)
        and (filters.light is None or r.figure.light is filters.light)
        and (filters.state is None or r.figure.state is filters.state)
    ]
    position = _tree_position(figures.nodes)
    rows.sort(key=lambda r: position[r.activity.node_id])  # stable: keeps order, key inside
    return rows


def listed(figures: ProgramFigures, rows: Iterable[ActivityRow]) -> list[Listed]:
    return [
        Listed(
            activity=r.activity,
            area=figures.areas.get(r.area_id) if r.area_id is not None else None,
            unit=r.unit,
            figure=r.figure,
        )
        for r in rows
    ]


# --- the CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = [
    "Clave",
    "Descripción",
    "Área",
    "Unidad de medida",
    "Meta anual",
    "Programado en el mes",
    "Programado acumulado",
    "Alcanzado en el mes",
    "Alcanzado acumulado",
    "% acumulado",
    "Semáforo",
    "Estado de la cifra",
]


def _number(value: Decimal | None) -> str:
    """A plain number with a dot for decimals, whatever the locale (empty: no figure)."""
    return "" if value is None else f"{normalize_decimal(value):f}"


def csv_bytes(rows: Iterable[Listed]) -> bytes:
    """UTF-8 with a BOM (Excel reads the accents); text cells cannot become formulas
    (``safe_csv_writer``); a
    pending figure is an empty cell with «Pendiente» in the state column, never 0."""
    out = io.StringIO()
    writer = safe_csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        f = r.figure
        writer.writerow(
            [
                r.activity.key,
                r.activity.description,
                r.area.code if r.area else "",
                r.unit,
                _number(r.activity.annual_target),
                _number(f.programmed_month),
                _number(f.programmed_to_date),
                _number(f.achieved_month),
                _number(f.achieved_to_date),
                _number(f.percent),
                r.light_label,
                f.state.label,
            ]
        )
    return out.getvalue().encode("utf-8-sig")


# --- the view ---------------------------------------------------------------------------------


def _program(request: HttpRequest, code: str, year: int) -> tuple[Institution, AnnualProgram]:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    return institution, program_or_404(institution=institution, year=year)


def _chips(filters: Filters, program: AnnualProgram) -> list[tuple[str, str]]:
    """(label, the query without that filter) for each active filter."""
    chips = []
    if filters.area:
        chips.append((f"Área: {filters.area.code}", "area"))
    if filters.node:
        node = filters.node
        chips.append((f"{program.level_name(node.depth)} {node.key}: {node.name}", "nodo"))
    if filters.light:
        chips.append((f"Semáforo: {filters.light.label}", "semaforo"))
    if filters.state:
        chips.append((f"Estado: {filters.state.label}", "estado"))
    return [(label, filters.query(without=name)) for label, name in chips]


@login_required
@require_http_methods(["GET", "HEAD"])
def progress_activities(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution, program = _program(request, code, year)
    asked, month_error = parse_month(request.GET)
    month = asked if asked is not None else dashboard_month(program=program) or 1
    errors = [f"{month_error} Se muestra {MONTH_NAMES[month - 1]}."] if month_error else []
    figures = program_figures(program=program, month=month)
    filters, filter_errors = parse_filters(request.GET, month=month, figures=figures)
    errors += filter_errors
    chosen = filtered_rows(figures, filters)
    rows = listed(figures, chosen)

    fmt = _raw(request.GET, "formato").lower()
    if fmt and fmt != "csv":
        errors.append(f"El formato «{_shown(fmt)}» no está disponible (solo csv).")
    elif fmt == "csv" and not errors:
        name = f"{institution.code}-avance-actividades-{program.year}-{month:02d}.csv"
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = attachment(name)
        return response

    summary = figures.summary(chosen)
    context = institution_context(
        request,
        institution,
        "program",
        program=program,
        filters=filters,
        month_name=MONTH_NAMES[month - 1],
        rows=rows,
        summary=summary,
        light_counts=[
            (light, summary.lights[light], filters.query(without="semaforo", semaforo=light))
            for light in LIGHTS
        ],
        state_counts=[(state, summary.states[state]) for state in STATES],
        average_method=AVERAGE_METHOD,
        chips=_chips(filters, program),
        errors=errors,
        months=list(enumerate(MONTH_NAMES, start=1)),
        areas=sorted(figures.areas.values(), key=lambda a: a.name),
        lights=LIGHTS,
        states=STATES,
        clear_query=Filters(month=month).query(),
        csv_query=filters.query(formato="csv"),
    )
    return render(request, "web/progress_activities.html", context)
