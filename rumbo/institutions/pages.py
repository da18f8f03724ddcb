"""What every page of an institution shares, whichever app draws it: the institution, the
user's roles and capabilities, and the navigation section."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.core.errors import Refused

from .access import capabilities, user_roles
from .models import Institution, Role


def institution_context(
    request: HttpRequest, institution: Institution, section: str, **extra: object
) -> dict:
    """Base template context: ``roles`` (labels), ``caps`` (capability slugs), nav ``section``."""
    roles = user_roles(request.user, institution)
    return {
        "institution": institution,
        "roles": [label for value, label in Role.choices if value in roles],
        "caps": capabilities(request.user, institution),
        "section": section,
        **extra,
    }


def refusal_page(
    request: HttpRequest,
    institution: Institution,
    template: str,
    exc: PermissionDenied,
    section: str = "program",
    **context: Any,
) -> HttpResponse:
    """A 403 page that says why (``message``) and what to do (``hint``): ``exc`` is a
    ``Refused`` (its context joins ``context``) or a plain ``PermissionDenied``."""
    refused = exc if isinstance(exc, Refused) else Refused(str(exc))
    extra = {**context, **refused.context, "message": refused.message, "hint": refused.hint}
    return render(
        request, template, institution_context(request, institution, section, **extra), status=403
    )
