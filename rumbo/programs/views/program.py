"""The annual program page, one section of it, and new levels of its tree.

The page without filters shows the top-level nodes collapsed with their totals; each one's
body is ``program_section``, fetched by htmx when the node opens (or followed as a link
without JavaScript). With filters, the matching activities are shown expanded. htmx
requests get the results fragment only; the queries are the same for any program size.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors
from rumbo.core.text import whole_number
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context
from rumbo.institutions.selectors import area_list
from rumbo.programs import services
from rumbo.programs.access import can_create_activities, can_observe, editing_open
from rumbo.programs.forms.program import NodeForm, ProgramFilterForm
from rumbo.programs.models import AnnualProgram, ProgramNode, ProgramState
from rumbo.programs.pages import finding_counts_to_attend
from rumbo.programs.selectors import (
    activity_rows,
    node_get,
    open_observation_count,
    program_or_404,
    program_outline,
)
from rumbo.programs.tree import matching_activity_ids, outline_areas, outline_units, program_page
from rumbo.strategy.selectors import line_of_action_list


def _program(
    request: HttpRequest, code: str, year: int, capability: Capability
) -> tuple[Institution, AnnualProgram]:
    institution = institution_for_user(request.user, code, capability)
    return institution, program_or_404(institution=institution, year=year)


def _wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for a region (a history restore needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@login_required
@vary_on_headers("HX-Request")
def program_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution, program = _program(request, code, year, Capability.VIEW)
    outline = program_outline(program=program)
    findings = finding_counts_to_attend(institution=institution, year=year)
    lines = list(line_of_action_list(institution=institution, year=year))
    areas = outline_areas(outline)
    form = ProgramFilterForm(
        request.GET or None, areas=areas, units=outline_units(outline), lines=lines
    )
    filters = form.filters()
    rows = None
    if filters.active:
        ids = matching_activity_ids(
            outline,
            filters,
            findings_by_activity=findings,
            areas_by_code={a.code: a.pk for a in areas},
            lines_by_code={line.code: line.pk for line in lines},
        )
        rows = activity_rows(program=program, activity_ids=ids)
    page = program_page(
        program=program,
        outline=outline,
        findings_by_activity=findings,
        user=request.user,
        rows=rows,
        filtering=filters.active,
    )
    fragment = _wants_fragment(request)
    in_review = program.state == ProgramState.REVISION
    return render(
        request,
        "web/_program_results.html" if fragment else "web/program.html",
        institution_context(
            request,
            institution,
            "program",
            program=program,
            page=page,
            form=form,
            filtering=filters.active,
            fragment=fragment,
            in_review=in_review,
            # one query, en revisión only (the pins of the other states do not change)
            open_observations=(
                open_observation_count(program=program) if in_review and not fragment else 0
            ),
            may_observe=can_observe(request.user, program),
            may_add_activity=can_create_activities(request.user, program)
            and editing_open(request.user, program),
        ),
    )


@login_required
@vary_on_headers("HX-Request")
def program_section(request: HttpRequest, code: str, year: int, node_id: int) -> HttpResponse:
    """One node and everything under it: the htmx body of a collapsed node, or a page."""
    institution, program = _program(request, code, year, Capability.VIEW)
    outline = program_outline(program=program)
    section = outline.outline_nodes.get(node_id)
    if section is None:
        raise Http404("No existe ese nivel en el programa.")
    findings = finding_counts_to_attend(institution=institution, year=year)
    rows = activity_rows(program=program, node_ids=[n.node.pk for n in section.walk()])
    fragment = _wants_fragment(request)
    page = program_page(
        program=program,
        outline=outline,
        findings_by_activity=findings,
        user=request.user,
        rows=rows,
        section=section,
        # Inside the program page the node is under the h1; alone, the node is the h1.
        heading_base=2 if fragment else 1 - section.node.depth,
    )
    ancestors: list[ProgramNode] = []
    parent_id = section.node.parent_id
    while parent_id is not None:
        ancestors.insert(0, outline.nodes[parent_id])
        parent_id = outline.nodes[parent_id].parent_id
    return render(
        request,
        "web/_program_section.html" if fragment else "web/program_section.html",
        institution_context(
            request,
            institution,
            "program",
            program=program,
            page=page,
            node=page.roots[0],
            ancestors=ancestors,
            fragment=fragment,
            root_fragment=fragment,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def node_create(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A new level of the tree under ``?padre=<id>`` (or at the top without it)."""
    institution, program = _program(request, code, year, Capability.EDIT_PROGRAM)
    parent = None
    parent_id = request.GET.get("padre", "")
    if parent_id:
        node_id = whole_number(parent_id)
        parent = node_get(program=program, node_id=node_id) if node_id is not None else None
        if parent is None:
            raise Http404("No existe ese nivel en el programa.")
    depth = 0 if parent is None else parent.depth + 1
    if depth >= len(program.effective_level_names) - 1:
        raise Http404("Bajo ese nivel solo van actividades.")
    level_name = program.level_name(depth)
    form = NodeForm(request.POST or None, areas=area_list(institution=institution))
    if request.method == "POST" and form.is_valid():
        try:
            node = services.node_create(
                actor=Actor.for_user(request.user),
                program=program,
                parent=parent,
                key=form.cleaned_data["key"],
                name=form.cleaned_data["name"],
                area=form.cleaned_data["area"],
                objective=form.cleaned_data["objective"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Se agregó {level_name.lower()} {node.key}.")
            if parent is None:
                url = reverse("web:program", args=[institution.code, program.year])
                return HttpResponseRedirect(f"{url}#nodo-{node.pk}")
            url = reverse("web:program_section", args=[institution.code, program.year, parent.pk])
            return HttpResponseRedirect(f"{url}#nodo-{node.pk}")
    return render(
        request,
        "web/node_create.html",
        institution_context(
            request,
            institution,
            "program",
            program=program,
            parent=parent,
            parent_level_name=program.level_name(parent.depth) if parent else "",
            level_name=level_name,
            form=form,
        ),
        status=400 if form.errors else 200,
    )
