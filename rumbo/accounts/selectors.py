"""Reads of user accounts: the members of an institution with their roles there."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from rumbo.institutions.models import Institution, Membership

from .models import ApiToken


def _members(institution: Institution) -> QuerySet:
    roles = Membership.objects.filter(institution=institution).select_related("area")
    return (
        get_user_model()
        .objects.filter(memberships__institution=institution)
        .distinct()
        .prefetch_related(
            Prefetch("memberships", queryset=roles.order_by("role", "area__name"), to_attr="roles")
        )
    )


def member_list(*, institution: Institution) -> list[User]:
    """Every user with a role in the institution (``user.roles``: those memberships), 2 queries."""
    return list(_members(institution).order_by("-is_active", "last_name", "first_name", "username"))


def member_get(*, institution: Institution, user_id: int) -> User:
    """One member of the institution with ``roles``; 404 when not a member there."""
    user = _members(institution).filter(pk=user_id).first()
    if user is None:
        raise Http404("Esa persona no pertenece a esta institución.")
    return user


# --- API tokens -----------------------------------------------------------------------------


def tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (revoked and expired ones too)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def tokens_all(*, username: str | None = None) -> QuerySet[ApiToken]:
    """Every API token with its user (of one user name when given), by user, newest first."""
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    return tokens.filter(user__username=username) if username else tokens
