"""«Avisos»: a user's own notifications (newest first), opening one (marks it read and
goes to its object), marking all read, the e-mail preference, and the header's unread
count (a fragment the header loads with htmx, so no page pays its query)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from rumbo.audit.services import Actor

from .models import Notification
from .selectors import email_enabled, notifications_for, unread_count
from .services import email_preference_set, notification_read, notifications_read_all


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    items = notifications_for(user=request.user)
    context = {
        "items": items,
        "unread": sum(1 for n in items if n.read_at is None),
        "email_enabled": email_enabled(user=request.user),
        "has_email": bool(getattr(request.user, "email", "")),
    }
    return render(request, "web/notifications.html", context)


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the recipient's own: anybody else's is a 404, as if it did not exist.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_read(notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("web:notifications")


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    count = notifications_read_all(user=request.user)
    if count:
        messages.success(request, "Marcaste todos tus avisos como leídos.")
    else:
        messages.info(request, "No tenías avisos sin leer.")
    return redirect("web:notifications")


@login_required
@require_POST
def notifications_email(request: HttpRequest) -> HttpResponse:
    choice = request.POST.get("email")
    if choice not in {"on", "off"}:
        return HttpResponseBadRequest("Elige si quieres recibir los avisos por correo.")
    email_preference_set(
        actor=Actor.for_user(request.user),
        user=request.user,
        enabled=choice == "on",
    )
    if choice == "on":
        messages.success(request, "Recibirás tus avisos también por correo.")
    else:
        messages.success(
            request, "Ya no recibirás avisos por correo; los seguirás viendo en esta página."
        )
    return redirect("web:notifications")


@login_required
@require_GET
def notifications_badge(request: HttpRequest) -> HttpResponse:
    """The header's «Avisos» link with the unread count (one query)."""
    response = render(
        request, "web/_notifications_badge.html", {"unread": unread_count(user=request.user)}
    )
    response["Cache-Control"] = "no-store"
    return response
