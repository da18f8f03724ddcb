"""Middleware of every response.

- ``ConflictMiddleware``: a refusal by the state of things (``core.errors.Conflict``: a
  locked month, an approved program) that no page caught becomes a 409 page that says
  why — never a 500; so does a clash between writers at the same moment that the
  database resolved by refusing this one (``core.concurrency.is_clash``: a deadlock,
  «database is locked»). The API has its own handler (``core.api.errors``).
- ``NulCharacterMiddleware``: a query or form parameter holding a NUL character (which
  no text in Rumbo contains and PostgreSQL refuses to store or compare) is a 400 (the
  API: its 422) that names the parameter — never a 500 from the database.
- ``ContentSecurityPolicyMiddleware``: the ``RUMBO_CSP`` policy on every response that
  has none (no inline script or style; nothing from another origin).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .concurrency import SavedAtOnce, is_clash
from .errors import Conflict


class ConflictMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if is_clash(exception):
            exception = SavedAtOnce()
        if not isinstance(exception, Conflict):
            return None
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = ""
        context = {"message": exception.message, "back": back}
        return render(request, "409.html", context, status=409)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "RUMBO_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class NulCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = _nul_parameter(request)
        if bad is None:
            return self.get_response(request)
        text = f"El parámetro «{bad}» contiene un carácter nulo (NUL), que no es válido."
        if request.path.startswith("/api/"):  # the API's validation answer (422, declared)
            errors = [{"field": bad, "message": text}]
            return JsonResponse({"message": "Datos no válidos.", "errors": errors}, status=422)
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def _nul_parameter(request: HttpRequest) -> str | None:
    """The first query (or form) parameter whose name or value holds a NUL, or None."""
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    for source in sources:
        for name, values in source.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "␀")
    return None
