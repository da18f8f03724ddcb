"""Who may read and write an activity, capture its progress and see its evidence.

The rules of programs' objects, built on ``rumbo.institutions.access`` (the user's grant
in the institution and «Planeación any; an Enlace its own area only»); an activity's area
is its own, else the nearest node's (``activity_area_id``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from rumbo.institutions.access import AnyUser, grant_of, planeacion_or_own_enlace
from rumbo.institutions.models import Role

from .models import Activity, ProgramNode, activity_area_id


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
    """Evidence files: Planeación, Revisor and the activity's own Enlace; not Consulta."""
    grant = grant_of(user, activity.program.institution_id)
    if Role.REVISOR in grant.roles:
        return True
    return planeacion_or_own_enlace(grant, lambda: activity_area_id(activity, nodes))
