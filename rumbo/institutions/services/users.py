"""Users made by commands (demo data, set-up): one user with one membership."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from rumbo.audit.services import Actor, audit_record

from ..models import Area, Institution, Membership, Role


@transaction.atomic
def user_ensure(
    *,
    username: str,
    password: str,
    institution: Institution,
    role: str,
    area: Area | None,
    actor: Actor,
    first_name: str = "",
) -> tuple[User, bool]:
    """Create a user with one membership, or make sure an existing one has it."""
    if role not in Role.values:
        raise ValueError(f"rol desconocido: {role!r} (válidos: {', '.join(Role.values)})")
    if role == Role.ENLACE and area is None:
        raise ValueError("un enlace de área necesita un área")
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = user_model.objects.create_user(
            username=username, password=password, first_name=first_name
        )
        audit_record(
            actor=actor,
            institution_id=institution.pk,
            action="create",
            obj=user,
            after={"username": username},
        )
    membership, m_created = Membership.objects.get_or_create(
        user=user, institution=institution, role=role, area=area
    )
    if m_created:
        audit_record(
            actor=actor,
            institution_id=institution.pk,
            action="create",
            obj=membership,
            after={"role": role, "area": area.code if area else None},
        )
    return user, created
