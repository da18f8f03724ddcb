"""Who may see and change what in an institution: roles, capabilities, areas.

Roles come from ``Membership`` (see ``Role``). A superuser acts as Planeación in every
institution. Memberships are read once per request and user, then cached on the user
object, so checking many activities costs no extra queries. The rules of an app's own
objects live in that app and build on these (``rumbo.programs.access``: activities,
their capture and evidence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Area, Institution, Membership, Role

AnyUser = AbstractBaseUser | AnonymousUser


class _ProgramLike(Protocol):
    @property
    def institution_id(self) -> int: ...


class _NodeLike(Protocol):
    """``rumbo.programs.models.ProgramNode``: what ``can_edit_design`` reads of it."""

    @property
    def program(self) -> _ProgramLike: ...

    @property
    def area_id(self) -> int | None: ...


class ProgramDesignLike(Protocol):
    """``rumbo.design.models.ProgramDesign`` (not imported: the design app depends on this one)."""

    @property
    def node(self) -> _NodeLike: ...


_CACHE_ATTR = "_rumbo_access_cache"


@dataclass(frozen=True)
class Grant:
    """What one user holds in one institution."""

    roles: frozenset[str]
    enlace_area_ids: frozenset[int]

    @property
    def can_view(self) -> bool:
        return bool(self.roles)


NO_GRANT = Grant(roles=frozenset(), enlace_area_ids=frozenset())
SUPERUSER_GRANT = Grant(roles=frozenset({Role.PLANEACION.value}), enlace_area_ids=frozenset())


def _is_active_user(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _is_superuser(user: AnyUser) -> bool:
    return _is_active_user(user) and bool(getattr(user, "is_superuser", False))


def grant_of(user: AnyUser, institution_id: int) -> Grant:
    """What the user holds in the institution (cached on the user for the request)."""
    if not _is_active_user(user):
        return NO_GRANT
    if _is_superuser(user):
        return SUPERUSER_GRANT
    cache: dict[int, Grant] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if institution_id not in cache:
        rows = Membership.objects.filter(
            user_id=cast(int, user.pk), institution_id=institution_id
        ).values_list("role", "area_id")
        roles: set[str] = set()
        areas: set[int] = set()
        for role, area_id in rows:
            roles.add(role)
            if role == Role.ENLACE and area_id is not None:
                areas.add(area_id)
        cache[institution_id] = Grant(roles=frozenset(roles), enlace_area_ids=frozenset(areas))
    return cache[institution_id]


class Capability(StrEnum):
    """What a user may do in an institution, beyond activity-level writes (see below)."""

    VIEW = "view"
    EDIT_PLAN = "edit_plan"  # strategic plan: misión, visión, tree, FODA
    EDIT_PROGRAM = "edit_program"  # program structure, activities of any area, Excel upload
    MANAGE_INSTITUTION = "manage_institution"  # institution data, areas, units
    MANAGE_USERS = "manage_users"  # memberships of the institution
    REVIEW_FINDINGS = "review_findings"  # accept or resolve quality findings
    REVIEW_PROGRESS = "review_progress"  # approve or return a month's capture
    MANAGE_MONITORING = "manage_monitoring"  # capture windows, semáforo bands, reopening
    PUBLISH_OPEN_DATA = "publish_open_data"  # publish or withdraw program years and MIRs
    EDIT_TRANSPARENCY = "edit_transparency"  # correct imported transparency rows (fr. IV)
    # reads beyond VIEW: the audit log (and its exports), and every activity's evidence
    # (an Enlace also sees its own area's: rumbo.programs.access.can_view_evidence)
    VIEW_AUDIT = "view_audit"
    VIEW_EVIDENCE = "view_evidence"


_CAPABILITY_ROLES: dict[Capability, frozenset[str]] = {
    Capability.VIEW: frozenset(Role.values),
    Capability.EDIT_PLAN: frozenset({Role.PLANEACION.value}),
    Capability.EDIT_PROGRAM: frozenset({Role.PLANEACION.value}),
    Capability.MANAGE_INSTITUTION: frozenset({Role.PLANEACION.value}),
    Capability.MANAGE_USERS: frozenset({Role.PLANEACION.value}),
    Capability.REVIEW_FINDINGS: frozenset({Role.PLANEACION.value, Role.REVISOR.value}),
    Capability.REVIEW_PROGRESS: frozenset({Role.PLANEACION.value, Role.REVISOR.value}),
    Capability.MANAGE_MONITORING: frozenset({Role.PLANEACION.value}),
    Capability.PUBLISH_OPEN_DATA: frozenset({Role.PLANEACION.value}),
    Capability.EDIT_TRANSPARENCY: frozenset({Role.PLANEACION.value}),
    # Fiscalización (oversight) reads what Planeación and Revisión read; Consulta does not.
    Capability.VIEW_AUDIT: frozenset(
        {Role.PLANEACION.value, Role.REVISOR.value, Role.FISCALIZACION.value}
    ),
    Capability.VIEW_EVIDENCE: frozenset(
        {Role.PLANEACION.value, Role.REVISOR.value, Role.FISCALIZACION.value}
    ),
}

_DENIED_MESSAGES: dict[Capability, str] = {
    Capability.VIEW: "No perteneces a esta institución.",
    Capability.EDIT_PLAN: "Solo Planeación puede modificar el plan.",
    Capability.EDIT_PROGRAM: "Solo Planeación puede modificar la estructura del programa.",
    Capability.MANAGE_INSTITUTION: "Solo Planeación puede administrar la institución.",
    Capability.MANAGE_USERS: "Solo Planeación puede administrar los usuarios.",
    Capability.REVIEW_FINDINGS: "Solo Planeación o Revisión pueden atender hallazgos.",
    Capability.REVIEW_PROGRESS: "Solo Planeación o Revisión pueden aprobar o devolver avances.",
    Capability.MANAGE_MONITORING: "Solo Planeación puede administrar el seguimiento.",
    Capability.PUBLISH_OPEN_DATA: "Solo Planeación puede publicar datos abiertos.",
    Capability.EDIT_TRANSPARENCY: (
        "Solo Planeación puede corregir las filas de los formatos de transparencia."
    ),
    Capability.VIEW_AUDIT: (
        "Solo Planeación, Revisión y Fiscalización pueden consultar la bitácora."
    ),
    Capability.VIEW_EVIDENCE: (
        "Solo Planeación, Revisión, Fiscalización y el enlace del área pueden consultar las "
        "evidencias."
    ),
}


def grant_can(grant: Grant, capability: Capability) -> bool:
    """Whether a grant (``grant_of``) holds the capability: the one place roles map to it."""
    return bool(grant.roles & _CAPABILITY_ROLES[capability])


def can(user: AnyUser, institution: Institution, capability: Capability) -> bool:
    return grant_can(grant_of(user, institution.pk), capability)


def require(user: AnyUser, institution: Institution, capability: Capability) -> None:
    """``PermissionDenied`` (with a Spanish message) unless the user holds the capability."""
    if not can(user, institution, capability):
        raise PermissionDenied(_DENIED_MESSAGES[capability])


def capabilities(user: AnyUser, institution: Institution) -> frozenset[str]:
    """Every capability the user holds there (for templates: ``"edit_plan" in caps``)."""
    return frozenset(c.value for c in Capability if can(user, institution, c))


def can_create_institution(user: AnyUser) -> bool:
    """A superuser, or anyone who already runs Planeación somewhere, may found an institution."""
    if not _is_active_user(user):
        return False
    if _is_superuser(user):
        return True
    return Membership.objects.filter(user_id=cast(int, user.pk), role=Role.PLANEACION).exists()


def can_manage_account(user: AnyUser, target: AbstractBaseUser) -> bool:
    """Whether ``user`` may deactivate or reset ``target``'s account (it spans institutions).

    Only when ``user`` may manage the users of every institution the target belongs to;
    a superuser's account only by a superuser.
    """
    if not _is_active_user(user):
        return False
    if getattr(target, "is_superuser", False) and not _is_superuser(user):
        return False
    institutions = Institution.objects.filter(memberships__user_id=target.pk).distinct()
    return all(can(user, inst, Capability.MANAGE_USERS) for inst in institutions)


def user_institutions(user: AnyUser) -> QuerySet[Institution]:
    """The institutions the user may open: all for a superuser, else those with a membership."""
    if not _is_active_user(user):
        return Institution.objects.none()
    if _is_superuser(user):
        return Institution.objects.order_by("code")
    return (
        Institution.objects.filter(memberships__user_id=cast(int, user.pk))
        .distinct()
        .order_by("code")
    )


def user_roles(user: AnyUser, institution: Institution) -> frozenset[str]:
    """Role slugs (``Role`` values) the user holds in the institution; empty when none."""
    return grant_of(user, institution.pk).roles


def can_view_institution(user: AnyUser, institution: Institution) -> bool:
    return grant_of(user, institution.pk).can_view


def institution_for_user(
    user: AnyUser, code: str, capability: Capability = Capability.VIEW
) -> Institution:
    """The institution with that code, if the user may see it (404 if absent, else 403).

    With a capability other than VIEW, also 403 unless the user holds it.
    """
    institution = Institution.objects.filter(code=code).first()
    if institution is None:
        raise Http404("No existe la institución.")
    require(user, institution, Capability.VIEW)
    if capability is not Capability.VIEW:
        require(user, institution, capability)
    return institution


def forget_grants(user: AnyUser) -> None:
    """Drop the per-request cache (after memberships change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def planeacion_or_own_enlace(grant: Grant, area_id: int | Callable[[], int | None] | None) -> bool:
    """«Planeación any; an Enlace its own area only»: the one place that says it.

    ``area_id`` may be a callable, called only for an Enlace (it may cost queries).
    """
    if Role.PLANEACION in grant.roles:
        return True
    return is_own_enlace(grant, area_id)


def is_own_enlace(grant: Grant, area_id: int | Callable[[], int | None] | None) -> bool:
    """Whether the grant is the Enlace of that area (Planeación is not, unless it also is).

    ``area_id`` may be a callable, called only for an Enlace (it may cost queries).
    """
    if Role.ENLACE not in grant.roles:
        return False
    if callable(area_id):
        area_id = area_id()
    return area_id is not None and area_id in grant.enlace_area_ids


def can_submit_period(user: AnyUser, institution: Institution, area: Area) -> bool:
    """Send a month's capture of an area for review: that area's Enlace, or Planeación."""
    return planeacion_or_own_enlace(grant_of(user, institution.pk), area.pk)


def can_write_for_area(user: AnyUser, institution_id: int, area_id: int | None) -> bool:
    """Planeación anything of the institution; an Enlace what belongs to its own area only."""
    return planeacion_or_own_enlace(grant_of(user, institution_id), area_id)


def can_edit_design(user: AnyUser, design: ProgramDesignLike) -> bool:
    """A program design (MML, MIR, indicators' fichas, risks, cronograma).

    Planeación any; the Enlace of the area of the design's program node, that one only.
    """
    node = design.node
    return can_write_for_area(user, node.program.institution_id, node.area_id)


def require_edit_design(user: AnyUser, design: ProgramDesignLike) -> None:
    if not can_edit_design(user, design):
        raise PermissionDenied(
            "Solo Planeación o el enlace del área responsable pueden modificar este diseño."
        )


def can_capture_indicator(user: AnyUser, *, institution_id: int, area_id: int | None) -> bool:
    """Capture an indicator's measurements: Planeación any; the Enlace of its area."""
    return can_write_for_area(user, institution_id, area_id)


def require_capture_indicator(user: AnyUser, *, institution_id: int, area_id: int | None) -> None:
    if not can_capture_indicator(user, institution_id=institution_id, area_id=area_id):
        raise PermissionDenied(
            "Solo Planeación o el enlace del área responsable pueden capturar este indicador."
        )
