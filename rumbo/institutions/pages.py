"""What every page of an institution shares, whichever app draws it: the institution, the
user's roles and capabilities, and the navigation section."""

from __future__ import annotations

from django.http import HttpRequest

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
