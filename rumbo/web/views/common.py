"""What every institution page shares: the institution, the user's roles and capabilities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.core.errors import Refused
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context

__all__ = ["institution_context", "refusal_page"]


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
