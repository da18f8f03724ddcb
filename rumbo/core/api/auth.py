"""The user of an API operation, whichever credential the API's ``AUTH`` (``rumbo.api.auth``)
accepted."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


def api_user(request: HttpRequest) -> AbstractBaseUser:
    """The user authenticated by one of ``AUTH`` (ninja stores it as ``request.auth``)."""
    return request.auth  # type: ignore[attr-defined]  # set by ninja before the view runs
