"""Users of an institution: list, create with a first role, add or take roles, (de)activate,
reset the password. Only Planeación of the institution (``Capability.MANAGE_USERS``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.accounts import services
from rumbo.accounts.selectors import member_get, member_list
from rumbo.audit.services import Actor
from rumbo.core.errors import error_messages, form_add_errors
from rumbo.institutions.access import (
    Capability,
    can,
    can_manage_account,
    forget_grants,
    institution_for_user,
)
from rumbo.institutions.models import Institution, Membership
from rumbo.institutions.pages import institution_context

from ..forms import MemberCreateForm, RoleForm


def _manage(request: HttpRequest, code: str) -> Institution:
    return institution_for_user(request.user, code, Capability.MANAGE_USERS)


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages that show a password once must not be kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_list(request: HttpRequest, code: str) -> HttpResponse:
    institution = _manage(request, code)
    members = member_list(institution=institution)
    return render(
        request,
        "web/users.html",
        institution_context(request, institution, "users", members=members),
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest, code: str) -> HttpResponse:
    institution = _manage(request, code)
    form = MemberCreateForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.member_create(
                actor=Actor.for_user(request.user),
                institution=institution,
                role=data["role"],
                area=data["area"],
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"] or None,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            generated = not data["password"]
            return _no_store(
                render(
                    request,
                    "web/users_password.html",
                    institution_context(
                        request,
                        institution,
                        "users",
                        member=user,
                        password=password if generated else None,
                        created=True,
                    ),
                )
            )
    return render(
        request,
        "web/users_create.html",
        institution_context(request, institution, "users", form=form),
        status=400 if form.errors else 200,
    )


def _detail(
    request: HttpRequest,
    institution: Institution,
    member: User,
    *,
    role_form: RoleForm | None = None,
    account_errors: list[str] | None = None,
    role_errors: list[str] | None = None,
) -> HttpResponse:
    context = institution_context(
        request,
        institution,
        "users",
        member=member,
        role_form=role_form or RoleForm(institution=institution),
        manageable=can_manage_account(request.user, member),
        account_errors=account_errors or [],
        role_errors=role_errors or [],
    )
    template = (
        "web/users_roles.html" if request.headers.get("HX-Request") else "web/users_detail.html"
    )
    return render(request, template, context)


@login_required
def user_detail(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    institution = _manage(request, code)
    member = member_get(institution=institution, user_id=user_id)
    return _detail(request, institution, member)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _after_roles_change(
    request: HttpRequest, institution: Institution, user_id: int
) -> HttpResponse:
    """Back to the person's roles, or away when the change took them (or the actor) out."""
    forget_grants(request.user)
    if not can(request.user, institution, Capability.MANAGE_USERS):
        return _go(request, reverse("web:home"))  # the actor gave up their own Planeación
    if not Membership.objects.filter(user_id=user_id, institution=institution).exists():
        return _go(request, reverse("web:users", args=[institution.code]))
    if request.headers.get("HX-Request"):
        return _detail(request, institution, member_get(institution=institution, user_id=user_id))
    return redirect("web:user_detail", code=institution.code, user_id=user_id)


@login_required
@require_POST
def user_role_add(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    institution = _manage(request, code)
    member = member_get(institution=institution, user_id=user_id)
    form = RoleForm(request.POST, institution=institution)
    if form.is_valid():
        try:
            membership = services.membership_add(
                actor=Actor.for_user(request.user),
                user=member,
                institution=institution,
                role=form.cleaned_data["role"],
                area=form.cleaned_data["area"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, f"Se agregó el rol {membership.get_role_display()} a «{member.username}»."
            )
            return _after_roles_change(request, institution, user_id)
    return _detail(request, institution, member, role_form=form)


@login_required
@require_POST
def user_role_remove(
    request: HttpRequest, code: str, user_id: int, membership_id: int
) -> HttpResponse:
    institution = _manage(request, code)
    member = member_get(institution=institution, user_id=user_id)
    membership = get_object_or_404(
        Membership.objects.select_related("area", "user", "institution"),
        pk=membership_id,
        institution=institution,
        user_id=user_id,
    )
    try:
        services.membership_remove(actor=Actor.for_user(request.user), membership=membership)
    except ValidationError as exc:
        return _detail(request, institution, member, role_errors=error_messages(exc))
    messages.success(
        request, f"Se quitó el rol {membership.get_role_display()} a «{member.username}»."
    )
    return _after_roles_change(request, institution, user_id)


def _account(request: HttpRequest, code: str, user_id: int) -> tuple[Institution, User]:
    institution = _manage(request, code)
    member = member_get(institution=institution, user_id=user_id)
    if not can_manage_account(request.user, member):
        raise PermissionDenied(
            "Esta cuenta también pertenece a otra institución que no administras."
        )
    return institution, member


@login_required
@require_POST
def user_set_active(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    institution, member = _account(request, code, user_id)
    active = request.POST.get("activo") == "1"
    try:
        services.user_set_active(
            actor=Actor.for_user(request.user), user=member, active=active, institution=institution
        )
    except ValidationError as exc:
        return _detail(request, institution, member, account_errors=error_messages(exc))
    if active:
        messages.success(request, f"La cuenta «{member.username}» puede volver a entrar.")
    else:
        messages.success(request, f"La cuenta «{member.username}» quedó desactivada.")
    return redirect("web:user_detail", code=institution.code, user_id=user_id)


@login_required
@require_POST
def user_password_reset(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    institution, member = _account(request, code, user_id)
    password = services.user_set_password(
        actor=Actor.for_user(request.user), user=member, institution=institution
    )
    return _no_store(
        render(
            request,
            "web/users_password.html",
            institution_context(
                request, institution, "users", member=member, password=password, created=False
            ),
        )
    )
