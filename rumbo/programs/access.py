"""Who may read and write an activity, create one, capture its progress, see its evidence,
and write, answer or resolve the review's observations.

The rules of programs' objects, built on ``rumbo.institutions.access`` (the user's grant
in the institution and «Planeación any; an Enlace its own area only»); an activity's area
is its own, else the nearest node's (``activity_area_id``).

Who edits activities (creates them, changes their fields, calendar and targets) depends on
the program's state — the one place that says it:

    en formulación     Planeación any; an Enlace its own area's: it proposes activities
                       (creates them) and sets their calendars and targets
    en revisión        Planeación only (``ProgramInReview``, 409, for the rest): the
                       Enlaces answer Planeación's observations
    aprobado, cerrado  nobody edits targets directly: adjustment requests
                       (``lifecycle.require_targets_open``)

The services (``services/activities.py``), the pages and the API all ask these functions.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from rumbo.institutions.access import (
    AnyUser,
    Capability,
    Grant,
    grant_can,
    grant_of,
    is_own_enlace,
    planeacion_or_own_enlace,
)
from rumbo.institutions.models import Role

from .lifecycle import ProgramInReview
from .models import Activity, AnnualProgram, ProgramNode, ProgramState, activity_area_id


def can_access_activity(
    user: AnyUser,
    activity: Activity,
    *,
    for_write: bool,
    nodes: dict[int, ProgramNode] | None = None,
) -> bool:
    """Read: any role in the institution. Write: Planeación any; Enlace its own area only.

    Writing an activity means its description, unit, targets, calendar and alignment.
    Revisor and Consulta read only (the revisor's approvals are a separate check, later).
    """
    grant = grant_of(user, activity.program.institution_id)
    if not grant.can_view:
        return False
    if not for_write:
        return True
    return planeacion_or_own_enlace(grant, lambda: activity_area_id(activity, nodes))


def access_activity(
    user: AnyUser,
    activity: Activity,
    *,
    for_write: bool,
    nodes: dict[int, ProgramNode] | None = None,
) -> Activity:
    """The activity if the user may read (or write) it; ``PermissionDenied`` otherwise."""
    if not can_access_activity(user, activity, for_write=for_write, nodes=nodes):
        verb = "modificar" if for_write else "consultar"
        raise PermissionDenied(f"No tienes permiso para {verb} esta actividad.")
    return activity


def can_capture(
    user: AnyUser, activity: Activity, nodes: dict[int, ProgramNode] | None = None
) -> bool:
    """Capture monthly progress: Planeación any activity; an Enlace its own area's only."""
    grant = grant_of(user, activity.program.institution_id)
    return planeacion_or_own_enlace(grant, lambda: activity_area_id(activity, nodes))


def can_view_evidence(
    user: AnyUser, activity: Activity, nodes: dict[int, ProgramNode] | None = None
) -> bool:
    """Evidence files: whoever holds ``Capability.VIEW_EVIDENCE`` (Planeación, Revisor,
    Fiscalización) and the activity's own Enlace; not Consulta."""
    grant = grant_of(user, activity.program.institution_id)
    if grant_can(grant, Capability.VIEW_EVIDENCE):
        return True
    return is_own_enlace(grant, lambda: activity_area_id(activity, nodes))


# --- who edits activities, by the program's state (see the module's table) -------------------


def _editing_open(grant: Grant, program: AnnualProgram) -> bool:
    return program.state != ProgramState.REVISION or Role.PLANEACION in grant.roles


def editing_open(user: AnyUser, program: AnnualProgram) -> bool:
    """Whether the program's state lets this user edit activities now (en revisión:
    Planeación only). Access by area is a separate question (``can_access_activity``)."""
    return _editing_open(grant_of(user, program.institution_id), program)


def require_editing_open(user: AnyUser, program: AnnualProgram) -> None:
    """``ProgramInReview`` (409) for anyone but Planeación while the program is en revisión."""
    if not editing_open(user, program):
        raise ProgramInReview(program)


def can_write_activity(
    user: AnyUser, activity: Activity, nodes: dict[int, ProgramNode] | None = None
) -> bool:
    """What pages offer: write access to the activity, and its program's state lets the user
    edit now. (An approved program's targets are refused apart: ``targets_frozen``.)"""
    return editing_open(user, activity.program) and can_access_activity(
        user, activity, for_write=True, nodes=nodes
    )


def can_create_activities(user: AnyUser, program: AnnualProgram) -> bool:
    """Whether the user is one who creates activities at all: Planeación, or an Enlace of an
    area (its own area's, while the state lets it: ``require_activity_create``)."""
    grant = grant_of(user, program.institution_id)
    return Role.PLANEACION in grant.roles or bool(
        Role.ENLACE in grant.roles and grant.enlace_area_ids
    )


def can_create_activity_in(
    user: AnyUser, program: AnnualProgram, area_id: int | Callable[[], int | None] | None
) -> bool:
    """Create an activity that answers to ``area_id``: Planeación any; an Enlace its own."""
    return planeacion_or_own_enlace(grant_of(user, program.institution_id), area_id)


def require_activity_create(
    user: AnyUser, program: AnnualProgram, area_id: int | Callable[[], int | None] | None
) -> None:
    """``PermissionDenied`` unless the user may create an activity of that area;
    ``ProgramInReview`` if the program's state does not let the user edit now."""
    if not can_create_activity_in(user, program, area_id):
        raise PermissionDenied(
            "Solo Planeación o el enlace del área responsable pueden crear una actividad en "
            "ese nivel: un enlace propone actividades de su propia área."
        )
    require_editing_open(user, program)


# --- observations during revisión --------------------------------------------------------------


def can_observe(user: AnyUser, program: AnnualProgram) -> bool:
    """Write observations on activities and mark them atendidas: Planeación."""
    return Role.PLANEACION in grant_of(user, program.institution_id).roles


def can_answer_observation(
    user: AnyUser, activity: Activity, nodes: dict[int, ProgramNode] | None = None
) -> bool:
    """Answer an observation: the Enlace of the activity's responsible area, only."""
    grant = grant_of(user, activity.program.institution_id)
    return is_own_enlace(grant, lambda: activity_area_id(activity, nodes))
