"""Load a program design (diseño, MIR, indicators, risks, cronograma) from a JSON data file.

The layout is documented field by field in ``docs/design-data.md``; the sample is
``data/samples/iecm_vinculacion_2024.json``. ``rumbo import diseno FILE --institution CODE
[--year YYYY]`` and ``rumbo demo`` call :func:`import_design`.

Two steps, like every importer (``rumbo.imports.base``): the whole file is validated first
— every problem is reported with its JSON path (``mir.rows[3].indicators[0].frequency``)
and what was expected, and nothing is written — then one transaction writes it, with one
audit event per object.

Re-loading rule: the design already stored is compared with the file. Equal → nothing is
written and the report says «sin cambios». Different → the design is replaced wholesale
(deleted and created again from the file), unless its MIR is approved or closed (its
targets change only by adjustment request) or already holds measurements, POA activity
links or indicator bands: those belong to the institution, not to the file, so the load
is refused and nothing changes. The annual program and its node are created
when absent; an existing program keeps its name and levels.

Content the source document does not give is flagged in the file: ``targets_simulated``
on an indicator (the MIR notes list those indicators as «[Simulado]») and ``simulated`` on
a risk (its text starts with «[Simulado]»).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rumbo.audit.services import Actor, Change
from rumbo.imports.base import ImportFailure, ImportReport, read_text_file, run_import
from rumbo.institutions.models import Institution

from ..models import ProgramDesign
from .checker import FORMAT, KIND, KIND_LABEL, SIMULATED, DesignFileError
from .read import DesignPlan, design_plan_read
from .write import DesignWriter, areas_resolve, design_label, plan_snapshot, stored_snapshot

__all__ = [
    "FORMAT",
    "KIND",
    "KIND_LABEL",
    "SIMULATED",
    "DesignFileError",
    "DesignPlan",
    "design_plan_read",
    "import_design",
]


def _apply(
    plan: DesignPlan, file: str, actor: Actor
) -> Callable[[Institution, ImportReport, list[Change]], None]:
    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        writer = DesignWriter(plan, file, report, changes)
        areas, node_area = areas_resolve(plan, institution, actor, changes, report)
        node = writer.program_and_node(institution, node_area)
        design = ProgramDesign.objects.filter(node=node).first()
        outcome = "creado"
        if design is not None:
            if stored_snapshot(design) == plan_snapshot(plan, areas, node_area):
                for label, n in writer.counts().items():
                    report.unchanged[label] += n
                report.extra.update({"resultado": "sin cambios", "diseño": design.pk})
                return
            writer.refuse_if_in_use(design)
            ProgramDesign.objects.filter(pk=design.pk).delete()  # cascades; keeps design.pk
            changes.append(Change("delete", design, {"title": design.title}, None))
            report.deleted[design_label()] += 1
            outcome = "reemplazado"
        design = writer.design(node, areas, node_area)
        report.extra.update({"resultado": outcome, "diseño": design.pk})

    return apply


def import_design(
    path: str | Path,
    *,
    institution_code: str,
    year: int | None = None,
    dry_run: bool = False,
    actor: Actor,
) -> ImportReport:
    """Load a design file for ``institution_code`` (see the module doc for the rules)."""
    source = read_text_file(path, kind_label=KIND_LABEL)
    plan = design_plan_read(source)
    code = institution_code.strip().upper()
    if plan.institution != code:
        raise ImportFailure(
            source.name, f"institution: el archivo es de «{plan.institution}», no de «{code}»"
        )
    if year is not None and year != plan.year:
        raise ImportFailure(
            source.name, f"year: el archivo es del ejercicio {plan.year}, no de {year}"
        )
    return run_import(
        kind=KIND,
        source=source,
        institution_code=code,
        year=plan.year,
        dry_run=dry_run,
        actor=actor,
        apply=_apply(plan, source.name, actor),
    )
