"""Who is told: the people of an institution by role (and area), from their memberships.

Active users only, each once, in a stable order (by id)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from rumbo.institutions.models import Area, Institution, Role


def members(*, institution_id: int, role: str, area_id: int | None = None) -> list[Any]:
    """The active users holding ``role`` in the institution (in ``area_id``, if given)."""
    filters: dict[str, Any] = {
        "memberships__institution_id": institution_id,
        "memberships__role": role,
    }
    if area_id is not None:
        filters["memberships__area_id"] = area_id
    users = get_user_model().objects.filter(is_active=True, **filters).distinct().order_by("pk")
    return list(users)


def area_enlaces(area: Area) -> list[Any]:
    """The enlaces of an area."""
    return members(institution_id=area.institution_id, role=Role.ENLACE, area_id=area.pk)


def institution_reviewers(institution: Institution) -> list[Any]:
    """The revisores of an institution."""
    return members(institution_id=institution.pk, role=Role.REVISOR)


def institution_planeacion(institution: Institution) -> list[Any]:
    """The Planeación members of an institution."""
    return members(institution_id=institution.pk, role=Role.PLANEACION)


def reviewers_or_planeacion(institution: Institution) -> list[Any]:
    """Who reviews a capture: the revisores, or Planeación where there is none."""
    return institution_reviewers(institution) or institution_planeacion(institution)


def without(users: list[Any], user: Any) -> list[Any]:
    """``users`` but the one who acted (nobody is told of their own action)."""
    pk = getattr(user, "pk", None)
    return [u for u in users if pk is None or u.pk != pk]
