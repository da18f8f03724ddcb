"""Writes of user accounts and memberships: create, give or take roles, (de)activate, reset.

Every function validates first (``ValidationError`` with field → Spanish message), writes in
one transaction and leaves an audit record. Passwords never reach the audit trail.
Callers check the actor's permission (``rumbo.institutions.access``) before calling.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean
from rumbo.institutions.models import Area, Institution, Membership, Role

# Generated passwords: 4 groups of 5 characters from 54 unambiguous symbols (~115 bits).
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105  # an alphabet, not a secret
_PASSWORD_GROUPS = 4
_PASSWORD_GROUP_LENGTH = 5

USERNAME_MAX_LENGTH = 150


def password_generate() -> str:
    """A strong random password that is still easy to copy: ``aB3cD-eF4gH-…``."""
    return "-".join(
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(_PASSWORD_GROUP_LENGTH))
        for _ in range(_PASSWORD_GROUPS)
    )


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
    }


def _membership_snapshot(membership: Membership) -> dict[str, Any]:
    return {
        "user": membership.user.get_username(),
        "role": membership.role,
        "area": membership.area.code if membership.area_id and membership.area else None,
    }


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


# --- users ----------------------------------------------------------------------------------


def user_validate(*, username: str, first_name: str, last_name: str, email: str) -> dict[str, str]:
    """Cleaned account fields, or ``ValidationError`` naming each bad field in Spanish."""
    user_model = get_user_model()
    data = {
        "username": (username or "").strip(),
        "first_name": clean(first_name or "")[:150],
        "last_name": clean(last_name or "")[:150],
        "email": (email or "").strip().lower(),
    }
    errors: dict[str, list[str]] = {}
    name = data["username"]
    if not name:
        errors["username"] = ["El nombre de usuario es obligatorio."]
    elif len(name) > USERNAME_MAX_LENGTH:
        errors["username"] = [
            f"El nombre de usuario admite hasta {USERNAME_MAX_LENGTH} caracteres."
        ]
    else:
        try:
            user_model.username_validator(name)  # type: ignore[attr-defined]  # User's
        except ValidationError:
            errors["username"] = ["Usa solo letras, números y los signos @ . + - _ (sin espacios)."]
        else:
            if user_model.objects.filter(username__iexact=name).exists():
                errors["username"] = [f"Ya existe el usuario «{name}»."]
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            errors["email"] = [f"«{data['email']}» no es un correo electrónico válido."]
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    institution: Institution | None = None,
) -> tuple[User, str]:
    """Create an active user. Without a password one is generated; both are returned once.

    ``institution`` only files the audit record under the institution that created it.
    """
    errors: dict[str, list[str]] = {}
    try:
        data = user_validate(
            username=username, first_name=first_name, last_name=last_name, email=email
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        data = {"username": username, "first_name": first_name, "last_name": last_name}
    user: User = get_user_model()(**data)
    if password:
        try:
            _password_check(password, user)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    else:
        password = password_generate()
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        institution_id=institution.pk if institution else None,
        action="user.create",
        obj=user,
        after=_user_snapshot(user),
    )
    return user, password


@transaction.atomic
def member_create(
    *,
    actor: Actor,
    institution: Institution,
    role: str,
    area: Area | None = None,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """A new user with a first role in the institution: both or nothing."""
    errors: dict[str, list[str]] = {}
    try:
        _membership_check(institution=institution, role=role, area=area)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        user, secret = user_create(
            actor=actor,
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            password=password,
            institution=institution,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    membership_add(actor=actor, user=user, institution=institution, role=role, area=area)
    return user, secret


def _active_planners(institution: Institution) -> set[int]:
    return set(
        Membership.objects.filter(
            institution=institution, role=Role.PLANEACION, user__is_active=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def user_set_active(
    *, actor: Actor, user: User, active: bool, institution: Institution | None = None
) -> bool:
    """Allow or refuse the user's logins; returns whether anything changed.

    Refuses to deactivate one's own account or the last active Planeación of an institution.
    """
    if user.is_active == active:
        return False
    if not active:
        if actor.user is not None and actor.user.pk == user.pk:
            raise ValidationError({"is_active": "No puedes desactivar tu propia cuenta."})
        planned = Membership.objects.filter(user=user, role=Role.PLANEACION).select_related(
            "institution"
        )
        for membership in planned:
            if _active_planners(membership.institution) <= {user.pk}:
                raise ValidationError(
                    {
                        "is_active": (
                            f"«{user.get_username()}» es la única persona de Planeación activa "
                            f"en {membership.institution.code}; nadie más podría administrarla."
                        )
                    }
                )
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        institution_id=institution.pk if institution else None,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return True


@transaction.atomic
def user_set_password(
    *,
    actor: Actor,
    user: User,
    password: str | None = None,
    institution: Institution | None = None,
) -> str:
    """Set a new password (generated when not given) and return it, to be shown once.

    The audit record says that the password changed, never what it is.
    """
    if password:
        _password_check(password, user)
    else:
        password = password_generate()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        institution_id=institution.pk if institution else None,
        action="user.password_reset",
        obj=user,
        after={"password": "cambiada"},
    )
    return password


@transaction.atomic
def user_password_set_by_link(*, user: User, password: str) -> None:
    """The person sets their own password from the link mailed to them («¿Olvidaste tu
    contraseña?»; the link's token was checked by the caller). Audited in each of their
    institutions (never the password itself)."""
    _password_check(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    actor = Actor(user=user, label=user.get_username())
    institution_ids: Sequence[int | None] = sorted(
        set(Membership.objects.filter(user=user).values_list("institution_id", flat=True))
    )
    for institution_id in institution_ids or [None]:
        audit_record(
            actor=actor,
            institution_id=institution_id,
            action="user.password_reset_by_link",
            obj=user,
            after={"password": "cambiada"},
            reason="Con el enlace enviado a su correo («¿Olvidaste tu contraseña?»)",
        )


# --- memberships ---------------------------------------------------------------------------


def _membership_check(*, institution: Institution, role: str, area: Area | None) -> None:
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Rol desconocido «{role}»; los válidos son: {', '.join(Role.values)}."}
        )
    if role == Role.ENLACE and area is None:
        raise ValidationError({"area": "Un enlace de área necesita un área."})
    if role != Role.ENLACE and area is not None:
        raise ValidationError({"area": "Solo el rol de enlace se asigna a un área."})
    if area is not None and area.institution_id != institution.pk:
        raise ValidationError({"area": "El área no pertenece a esta institución."})


@transaction.atomic
def membership_add(
    *,
    actor: Actor,
    user: User,
    institution: Institution,
    role: str,
    area: Area | None = None,
) -> Membership:
    """Give the user a role in the institution (an enlace, for one area)."""
    _membership_check(institution=institution, role=role, area=area)
    if Membership.objects.filter(user=user, institution=institution, role=role, area=area).exists():
        where = f" para {area.code}" if area else ""
        raise ValidationError(
            {"role": f"«{user.get_username()}» ya tiene el rol {Role(role).label}{where}."}
        )
    membership = Membership.objects.create(user=user, institution=institution, role=role, area=area)
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="membership.create",
        obj=membership,
        after=_membership_snapshot(membership),
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """Take a role away. The last active Planeación of an institution cannot be removed."""
    if membership.role == Role.PLANEACION:
        others = _active_planners(membership.institution) - {membership.user_id}
        if not others:
            raise ValidationError(
                {
                    "role": (
                        "Es la única persona de Planeación activa de la institución; "
                        "asigna ese rol a otra persona antes de quitarlo."
                    )
                }
            )
    before = _membership_snapshot(membership)
    audit_record(
        actor=actor,
        institution_id=membership.institution_id,
        action="membership.delete",
        obj=membership,
        before=before,
    )
    membership.delete()


# --- who may change an account -------------------------------------------------------------
