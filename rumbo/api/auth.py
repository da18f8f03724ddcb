"""Who calls the API: a bearer token (scripts) or the browser's Django session.

A bearer header that is present but wrong is a 401 even if a session cookie came along;
an expired or revoked token's 401 says so (``{"message": "El token venció el …"}``).
Session requests with an unsafe method must carry the CSRF token (``X-CSRFToken``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rumbo.accounts.tokens import TokenRefused, token_verify

CSRF_FAILED = "Falta el token CSRF o no es válido: envía la cabecera X-CSRFToken."


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = token_verify(token)
        except TokenRefused as refused:  # expired or revoked: say which
            raise AuthenticationError(message=refused.message) from None
        if user is None:
            raise AuthenticationError()
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser user; CSRF is checked only once we know a session user exists."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise PermissionDenied(CSRF_FAILED)
        return user


AUTH = [BearerAuth(), SessionAuth()]
