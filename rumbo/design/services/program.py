"""A design's cronograma as the activities of its annual program (``program_from_design``).

A program design hangs from a top-level node of an annual program; its cronograma lists
actions with the months they run in, the responsible area and, often, the MIR component
they produce. This service turns each action into an activity of that program, so that
an institution that has only the design (the IECM's Programa Específico de Vinculación)
gets a small annual program to capture and follow:

- **Where**: when the program names a grouping level below the design's node (IEEM:
  Subprograma → *Proyecto* → Actividad; IECM: Programa → *Actividad institucional* →
  Acción), one node per MIR component the actions produce, key ``<node>-<component>``
  (``VINC-C1``), named after the component's resumen narrativo; actions without a
  component go to ``<node>-SC``. Otherwise the activities hang from the design's node.
- **Key**: ``<node>-<component>-<number>`` (``VINC-C1-1``), ``<node>-<number>`` without a
  component; an action without a number takes its position in the cronograma (1, 2…). A
  key used twice in the cronograma, or already held by an activity that is not the
  action's, is refused (nothing is written): no guess about which is which.
- **What**: description of the action; unit «Acción realizada»; monthly target 1 in
  each month of the action and 0 in the others, so the annual target is the number of
  months. An action without months gets 0 and a finding (``schedule_no_months``).
- **Area**: the ``responsible`` text when it names an existing area exactly (canonical
  name, known spelling or siglas: ``institutions.selectors.areas_by_spelling``); blank,
  the design node's area (inherited); not found, also the node's area *and* a finding
  ``area_unresolved`` on the activity, open until someone gives the activity an area of
  its own (every run re-evaluates the findings of the activities it gave; one no longer
  true is closed as resolved).
- **Links**: the action points at its activity (``ScheduleAction.activity``) and the
  activity at the action's MIR row (``ActivityMirLink``).
- **Simulated months**: an action whose months are simulated (``months_simulated``) gives
  an activity whose calendar is flagged ``calendar_simulated``; the pages say so.

An action that already points at an activity is left alone (its activity may have been
edited since), so running it again changes nothing. The program must be en formulación
(or in review) to receive new activities. Every write goes through the services of
programs, design and indicators (each audited), plus one ``program.from_design`` event
with the summary; all in one transaction. ``dry_run`` does everything and rolls it back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, Change, audit_record_many
from rumbo.core.text import clean
from rumbo.imports.base import FindingDraft
from rumbo.imports.finding_sync import findings_sync
from rumbo.indicators.models import MirRow
from rumbo.indicators.services.mir import activity_mir_link_set
from rumbo.institutions.access import Capability, require
from rumbo.institutions.models import Area
from rumbo.institutions.selectors import areas_by_spelling
from rumbo.programs.lifecycle import require_targets_open
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode, node_area
from rumbo.programs.services import activity_create, node_create, unit_get_or_create
from rumbo.programs.services.keys import KEY_MAX_LENGTH

from ..models import ProgramDesign, ScheduleAction
from .risks import schedule_action_update

UNIT = "Acción realizada"
FINDINGS_KIND = "diseno-programa"  # QualityFinding.kind of the findings this service raises
NO_COMPONENT = "SC"  # the group node of the actions without a MIR component


@dataclass
class PlannedAction:
    """What becomes of one action of the cronograma."""

    action: ScheduleAction
    key: str
    group: MirRow | None  # the MIR row whose node it hangs from (None: no component)
    area: Area | None  # the responsible area found; None: the node's (inherited)


@dataclass
class FromDesignResult:
    institution: str
    year: int
    design: str  # its title
    dry_run: bool
    level_names: tuple[str, str]  # the grouping level's name («» without), the activities'
    actions: int = 0  # in the cronograma
    already_linked: list[str] = field(default_factory=list)  # keys of the activities kept
    nodes_created: list[str] = field(default_factory=list)
    activities_created: list[str] = field(default_factory=list)
    monthly_targets: int = 0
    mir_links: int = 0
    simulated_calendars: int = 0
    findings: list[str] = field(default_factory=list)  # what the findings raised say

    @property
    def changed(self) -> bool:
        return bool(self.nodes_created or self.activities_created)

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": self.design,
            "actions": self.actions,
            "already_linked": len(self.already_linked),
            "nodes_created": self.nodes_created,
            "activities_created": self.activities_created,
            "monthly_targets": self.monthly_targets,
            "mir_links": self.mir_links,
            "simulated_calendars": self.simulated_calendars,
            "findings": len(self.findings),
        }

    def to_text(self) -> str:
        where = f"{self.institution} {self.year}"
        source = f"el cronograma de «{self.design}»"
        if not self.changed:
            lines = [
                f"Programa {where} desde {source}: sin cambios "
                f"({len(self.already_linked)} de {self.actions} acciones ya tienen su "
                f"{self.level_names[1].lower()} en el programa)."
            ]
        else:
            head = "Simulación (no se guardó nada): se crearía" if self.dry_run else "Se creó"
            lines = [f"{head} en el programa {where}, desde {source} (en formulación):"]
            counts = [
                (self.level_names[0], len(self.nodes_created)) if self.level_names[0] else None,
                (self.level_names[1], len(self.activities_created)),
                ("metas mensuales", self.monthly_targets),
                ("vínculos con la MIR", self.mir_links),
            ]
            rows = [c for c in counts if c is not None]
            width = max(len(label) for label, _ in rows)
            lines += [f"  {label + ':':<{width + 1}} {n:,}" for label, n in rows]
            if self.already_linked:
                lines.append(
                    f"  Acciones que ya tenían su {self.level_names[1].lower()} (no se tocan): "
                    f"{len(self.already_linked)}"
                )
            if self.simulated_calendars:
                lines.append(
                    f"  Calendarios simulados: {self.simulated_calendars} (el cronograma marca "
                    "sus meses como simulados; las páginas lo dicen)"
                )
        if self.findings:
            lines.append(f"  Hallazgos de calidad ({len(self.findings)}):")
            lines += [f"    {message}" for message in self.findings]
        return "\n".join(lines)


class _DryRunRollback(Exception):
    pass


def program_from_design(
    *, actor: Actor, design: ProgramDesign, dry_run: bool = False
) -> FromDesignResult:
    """Give ``design``'s annual program one activity per action of its cronograma (see the
    module doc). ``ValidationError`` (Spanish, per field) when a key cannot be made;
    ``TargetsFrozen`` when the program is approved and something would be added;
    ``PermissionDenied`` for a user who may not edit the program."""
    design = ProgramDesign.objects.select_related(
        "node__program__institution", "node__area", "node__parent"
    ).get(pk=design.pk)
    node = design.node
    program = node.program
    if actor.user is not None:
        require(actor.user, program.institution, Capability.EDIT_PROGRAM)
    names = program.effective_level_names
    grouped = node.depth + 2 < len(names)  # a named grouping level below the design's node
    result = FromDesignResult(
        institution=program.institution.code,
        year=program.year,
        design=design.title,
        dry_run=dry_run,
        level_names=(names[node.depth + 1] if grouped else "", program.activity_level_name),
    )
    try:
        with transaction.atomic():
            _run(actor, design, grouped, result)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return result


def _run(actor: Actor, design: ProgramDesign, grouped: bool, result: FromDesignResult) -> None:
    node = design.node
    program = node.program
    actions = list(
        ScheduleAction.objects.filter(design=design)
        .select_related("component", "activity")
        .order_by("order", "pk")
    )
    result.actions = len(actions)
    plan = _plan(program, node, actions, grouped)
    pending = [p for p in plan if p.action.activity_id is None]
    result.already_linked = [p.action.activity.key for p in plan if p.action.activity]
    if pending:
        require_targets_open(program, "sus actividades")
        _check_structure(node, grouped)
        groups = _groups(actor, program, node, pending, grouped, result)
        unit = unit_get_or_create(actor=actor, institution=program.institution, name=UNIT)
        reason = f"Desde el cronograma del diseño «{design.title}»"
        for p in pending:
            months = [1 if m in p.action.months else 0 for m in range(1, 13)]
            activity = activity_create(
                actor=actor,
                program=program,
                node=groups.get(p.group.pk if p.group else None, node),
                key=p.key,
                description=p.action.description,
                unit=unit,
                area=p.area,
                annual_target=sum(months),
                months=months,
                reason=reason,
                calendar_simulated=p.action.months_simulated,
            )
            schedule_action_update(actor=actor, action=p.action, changes={"activity": activity})
            p.action.activity = activity
            result.activities_created.append(activity.key)
            result.monthly_targets += 12
            result.simulated_calendars += p.action.months_simulated
            if p.action.component is not None:
                activity_mir_link_set(actor=actor, activity=activity, row=p.action.component)
                result.mir_links += 1
    _findings(actor, design, plan, result)


def _key(node: ProgramNode, action: ScheduleAction, position: int) -> str:
    number = clean(action.number) or str(position)
    component = clean(action.component.code) if action.component is not None else ""
    return "-".join(part for part in (node.key, component, number) if part).replace(" ", "")


def _plan(
    program: AnnualProgram, node: ProgramNode, actions: list[ScheduleAction], grouped: bool
) -> list[PlannedAction]:
    """Key, group and area of every action, checked before anything is written."""
    labels = {clean(a.responsible) for a in actions if clean(a.responsible)}
    areas = areas_by_spelling(institution=program.institution, labels=labels)
    plan = []
    for position, action in enumerate(actions, start=1):
        label = clean(action.responsible)
        plan.append(
            PlannedAction(
                action=action,
                key=_key(node, action, position),
                group=action.component if grouped else None,
                area=areas.get(label),
            )
        )
    errors: list[str] = []
    pending = [p for p in plan if p.action.activity_id is None]
    twice = Counter(p.key for p in pending)
    for key in sorted(k for k, n in twice.items() if n > 1):
        same = ", ".join(f"«{p.action.description[:40]}»" for p in pending if p.key == key)
        errors.append(
            f"Las acciones {same} darían la misma clave {key}: corrige su número o su "
            "componente en el cronograma."
        )
    for p in pending:
        if len(p.key) > KEY_MAX_LENGTH:
            errors.append(
                f"La clave {p.key} pasa de {KEY_MAX_LENGTH} caracteres: acorta la clave del "
                f"nivel {node.key}, la del componente o el número de la acción."
            )
    held = dict(
        Activity.objects.filter(program=program, key__in=[p.key for p in pending]).values_list(
            "key", "pk"
        )
    )
    for p in pending:
        if p.key in held:
            errors.append(
                f"Ya hay una actividad {p.key} en el programa {program.year} y no es la de la "
                f"acción «{p.action.description[:60]}»: si es la misma, vincúlala en el "
                "cronograma del diseño; si no, cambia la clave de una de las dos."
            )
    if errors:
        raise ValidationError({"key": errors})
    return plan


def _check_structure(node: ProgramNode, grouped: bool) -> None:
    if grouped and Activity.objects.filter(node=node).exists():
        raise ValidationError(
            {
                "node": f"{node.key} ya tiene actividades que cuelgan de él directamente; las "
                "acciones del cronograma irían en un nivel inferior. Muévelas a un nivel "
                "inferior primero."
            }
        )
    if not grouped and ProgramNode.objects.filter(parent=node).exists():
        raise ValidationError(
            {
                "node": f"{node.key} tiene niveles inferiores: las actividades cuelgan del "
                "último nivel del árbol."
            }
        )


def _groups(
    actor: Actor,
    program: AnnualProgram,
    node: ProgramNode,
    pending: list[PlannedAction],
    grouped: bool,
    result: FromDesignResult,
) -> dict[int | None, ProgramNode]:
    """The node each MIR row's actions hang from (None: the actions without a component),
    created when missing; an existing node with that key must hang from the design's."""
    if not grouped:
        return {}
    rows: dict[int | None, MirRow | None] = {}
    for p in pending:
        rows.setdefault(p.group.pk if p.group else None, p.group)
    keys = {
        pk: f"{node.key}-{clean(row.code).replace(' ', '') if row and row.code else NO_COMPONENT}"
        for pk, row in rows.items()
    }
    existing = {
        n.key: n for n in ProgramNode.objects.filter(program=program, key__in=keys.values())
    }
    groups: dict[int | None, ProgramNode] = {}
    for pk, row in rows.items():
        key = keys[pk]
        found = existing.get(key)
        if found is not None:
            if found.parent_id != node.pk:
                raise ValidationError(
                    {
                        "node": f"Ya hay un nivel {key} en el programa {program.year} que no "
                        f"cuelga de {node.key}: cambia su clave para agrupar ahí las acciones."
                    }
                )
            groups[pk] = found
            continue
        name = clean(row.summary) if row is not None else "Acciones sin componente de la MIR"
        groups[pk] = node_create(actor=actor, program=program, parent=node, key=key, name=name)
        result.nodes_created.append(key)
    return groups


def _findings(
    actor: Actor, design: ProgramDesign, plan: list[PlannedAction], result: FromDesignResult
) -> None:
    """The findings about the activities the cronograma gave (re-evaluated on every run:
    one fixed since — an alias added, an area set by hand — is closed as resolved)."""
    node = design.node
    program = node.program
    area = node_area(node)
    area_text = f"{area.name} ({area.code})" if area else "ninguna"
    level = program.activity_level_name.lower()
    drafts: list[FindingDraft] = []
    evaluated: set[int] = set()
    for p in plan:
        activity = p.action.activity
        if activity is None or activity.key != p.key:
            continue  # only the activities this service gives (an action linked by hand: not)
        evaluated.add(activity.pk)
        where = f"acción {p.action.number or p.key} del cronograma de «{design.title}»"
        responsible = clean(p.action.responsible)
        if responsible and activity.area_id is None:
            drafts.append(
                FindingDraft(
                    code="area_unresolved",
                    line=None,
                    message=(
                        f"El responsable de la {where}, «{responsible}», no es ningún área de "
                        f"{program.institution.code}: la {level} {activity.key} queda con el área "
                        f"de {node.key}, {area_text}, hasta que alguien le asigne su área "
                        "responsable."
                    ),
                    object_label=activity.key,
                    obj=activity,
                )
            )
        if not p.action.months:
            drafts.append(
                FindingDraft(
                    code="schedule_no_months",
                    line=None,
                    message=(
                        f"La {where} no marca ningún mes: la {level} {activity.key} queda con "
                        "meta anual 0 hasta que alguien programe su calendario."
                    ),
                    object_label=activity.key,
                    obj=activity,
                )
            )
    changes: list[Change] = []
    findings_sync(
        institution=program.institution,
        kind=FINDINGS_KIND,
        year=program.year,
        source_file=f"Cronograma: {design.title}"[:255],
        drafts=drafts,
        evaluated={Activity: evaluated},
        changes=changes,
    )
    result.findings = [d.message for d in drafts]
    if result.changed:
        changes.append(Change("program.from_design", program, None, result.to_dict()))
    audit_record_many(
        actor=actor,
        institution_id=program.institution_id,
        changes=changes,
        reason=f"Programa desde el cronograma del diseño «{design.title}»",
    )
