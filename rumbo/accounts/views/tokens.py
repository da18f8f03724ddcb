"""«Mis tokens de la API»: each signed-in user creates (the secret shown once), lists and
revokes their own API tokens. Nobody else's: Planeación and the CLI (`rumbo token`) or
the admin revoke others'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors

from ..forms import TokenCreateForm
from ..models import ApiToken
from ..selectors import tokens_for_user
from ..tokens import DEFAULT_DAYS, MAX_DAYS, token_create, token_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    secret = ""
    created = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = token_create(
                actor=Actor.for_user(request.user),  # type: ignore[arg-type]  # login_required: a User
                user=request.user,  # type: ignore[arg-type]  # login_required: a User
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            form = TokenCreateForm()
    context = {
        "form": form,
        "tokens": list(tokens_for_user(user=request.user)),  # type: ignore[arg-type]  # login_required: a User
        "created": created,
        "secret": secret,
        "default_days": DEFAULT_DAYS,
        "max_days": MAX_DAYS,
    }
    status = 400 if form.errors else 200
    response = render(request, "web/api_tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # may show a secret once
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Only one's own: another user's token is a 404, as if it did not exist.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    already = token.revoked_at is not None
    token_revoke(actor=Actor.for_user(request.user), token=token)  # type: ignore[arg-type]  # login_required: a User
    if already:
        messages.info(request, f"El token {token.prefix}… ya estaba revocado.")
    else:
        messages.success(request, f"Revocaste el token {token.prefix}…; ya no sirve para la API.")
    return redirect("web:api_tokens")
