"""One error shape for the whole API: ``{"message": "…"}``, plus ``errors`` on 422.

``{"message": "Datos no válidos.", "errors": [{"field": "monthly_targets.3", "message": "…"}]}``

The handlers map Django's and ninja's exceptions (``PermissionDenied`` → 403, ``Http404``
→ 404, ``ValidationError`` from services or from request parsing → 422, missing or bad
credentials → 401, a ``core.errors.Conflict`` — a locked period, a closed capture window,
a stale version — → 409, and so is a clash between writers at the same moment that the
database resolved by refusing this one: a deadlock, a serialization failure, SQLite's
«database is locked» (``core.concurrency``)). ``responses()`` declares these per
operation in the OpenAPI document.

A stale version (optimistic lock) also says what each side holds::

    {"message": "…", "current_version": 3, "submitted_version": 2,
     "current": {"achieved": "340", …}, "submitted": {"achieved": "335"}}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from rumbo.core.concurrency import SavedAtOnce, is_clash
from rumbo.core.errors import Conflict, error_items

UNAUTHORIZED = (
    "Se necesitan credenciales válidas: envía «Authorization: Bearer TOKEN» o inicia sesión."
)
INVALID = "Datos no válidos."
DATABASE_UNAVAILABLE = (
    "La base de datos no está disponible en este momento. Vuelve a intentarlo en unos minutos."
)
INTERNAL = "Error interno del servidor. Quedó registrado; si se repite, avisa al administrador."

# Service field names that the API calls otherwise (the activity's months are `months.N`).
logger = logging.getLogger("rumbo.api")

FIELD_NAMES = {"months": "monthly_targets"}


class ErrorOut(Schema):
    message: str


class ConflictOut(Schema):
    """409. The version fields come only with a stale version (someone saved in between)."""

    message: str
    current_version: int | None = Field(None, description="Versión guardada; null = no existe.")
    submitted_version: int | None = Field(None, description="Versión enviada; null = nueva.")
    current: dict[str, Any] | None = Field(None, description="Lo que está guardado.")
    submitted: dict[str, Any] | None = Field(None, description="Lo que enviaste.")


class FieldErrorOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    message: str
    errors: list[FieldErrorOut]


def responses(
    *,
    forbidden: bool = True,
    not_found: bool = True,
    invalid: bool = True,
    conflict: bool = False,
) -> dict:
    """The error responses an operation declares (401 always: every operation needs a user)."""
    declared: dict[int, Any] = {401: ErrorOut}
    if forbidden:
        declared[403] = ErrorOut
    if not_found:
        declared[404] = ErrorOut
    if conflict:
        declared[409] = ConflictOut
    if invalid:
        declared[422] = ValidationErrorOut
    return declared


def api_field(name: str) -> str:
    head, dot, rest = name.partition(".")
    return FIELD_NAMES.get(head, head) + dot + rest


# --- request parsing (pydantic) -----------------------------------------------------------

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _location_field(loc: Iterable[Any], body_params: frozenset[str]) -> str:
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        where = parts.pop(0)
        if where == "body" and parts and parts[0] in body_params:
            parts.pop(0)  # the view's argument name ("payload") is no field of the API
    # Months are numbered 1–12, like the service's `months.N`, not from 0.
    if len(parts) >= 2 and parts[0] == "monthly_targets" and isinstance(parts[1], int):
        parts[1] = parts[1] + 1
    return ".".join(str(p) for p in parts if p not in {"function-after", "[key]"})


def _spanish(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "Este dato es obligatorio."
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return "Se esperaba un número entero."
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"}:
        return "Se esperaba una cantidad (número)."
    if kind in {"string_type", "string_unicode"}:
        return "Se esperaba texto."
    if kind in {"bool_parsing", "bool_type"}:
        return "Se esperaba verdadero o falso."
    if kind in {"list_type", "tuple_type"}:
        return "Se esperaba una lista."
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "Se esperaba un objeto JSON."
    if kind == "too_short":
        if "min_length" in ctx and ctx.get("field_type") == "List":
            return f"Se esperaban al menos {ctx['min_length']} elementos."
        return "Es demasiado corto."
    if kind == "too_long":
        if "max_length" in ctx and ctx.get("field_type") == "List":
            return f"Se esperaban como máximo {ctx['max_length']} elementos."
        return "Es demasiado largo."
    if kind == "string_too_long":
        return f"Admite hasta {ctx.get('max_length')} caracteres."
    if kind == "string_too_short":
        return f"Necesita al menos {ctx.get('min_length')} caracteres."
    if kind == "greater_than_equal":
        return f"Debe ser mayor o igual que {ctx.get('ge')}."
    if kind == "greater_than":
        return f"Debe ser mayor que {ctx.get('gt')}."
    if kind == "less_than_equal":
        return f"Debe ser menor o igual que {ctx.get('le')}."
    if kind == "less_than":
        return f"Debe ser menor que {ctx.get('lt')}."
    if kind in {"literal_error", "enum"}:
        return f"Valor no válido; se esperaba {ctx.get('expected', 'otro valor')}."
    if kind == "extra_forbidden":
        return "Campo desconocido."
    if kind == "json_invalid":
        return "El cuerpo de la petición no es JSON válido."
    return "Valor no válido."


def _ninja_field_errors(
    errors: Iterable[Mapping[str, Any]], body_params: frozenset[str]
) -> list[dict[str, str]]:
    return [
        {"field": _location_field(e.get("loc", ()), body_params), "message": _spanish(e)}
        for e in errors
    ]


# --- handlers -------------------------------------------------------------------------------


def install(api: NinjaAPI, *, body_params: Iterable[str] = ("payload",)) -> None:
    """Register the handlers on the API (``body_params``: names of the views' body arguments)."""
    params = frozenset(body_params)

    def message(request: HttpRequest, status: int, text: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"message": text, **extra}, status=status)

    def on_unauthorized(request: HttpRequest, exc: AuthenticationError | Any) -> HttpResponse:
        # A credential refused for a reason of its own (an expired token) says it.
        text = getattr(exc, "message", "")
        response = message(request, 401, text if text and text != "Unauthorized" else UNAUTHORIZED)
        response["WWW-Authenticate"] = 'Bearer realm="rumbo"'
        return response

    def on_forbidden(request: HttpRequest, exc: PermissionDenied | Any) -> HttpResponse:
        return message(request, 403, str(exc) or "No tienes permiso para esta operación.")

    def on_not_found(request: HttpRequest, exc: Http404 | Any) -> HttpResponse:
        text = str(exc) if exc.args else ""
        return message(request, 404, text or "No existe.")

    def on_service_invalid(request: HttpRequest, exc: DjangoValidationError | Any) -> HttpResponse:
        errors = [
            {"field": api_field(field) if field else "", "message": message}
            for field, message in error_items(exc)
        ]
        return message(request, 422, INVALID, errors=errors)

    def on_request_invalid(request: HttpRequest, exc: NinjaValidationError | Any) -> HttpResponse:
        return message(request, 422, INVALID, errors=_ninja_field_errors(exc.errors, params))

    def on_conflict(request: HttpRequest, exc: Conflict | Any) -> HttpResponse:
        return message(request, 409, exc.message, **exc.extra())

    def on_http_error(request: HttpRequest, exc: HttpError | Any) -> HttpResponse:
        if exc.status_code == 400:  # ninja: the body is not JSON
            errors = [{"field": "body", "message": "El cuerpo de la petición no es JSON válido."}]
            return message(request, 422, INVALID, errors=errors)
        return message(request, exc.status_code, exc.message)

    api.add_exception_handler(AuthenticationError, on_unauthorized)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(DjangoValidationError, on_service_invalid)
    api.add_exception_handler(NinjaValidationError, on_request_invalid)
    api.add_exception_handler(Conflict, on_conflict)

    def on_database_error(request: HttpRequest, exc: DatabaseError | Any) -> HttpResponse:
        """Two writers clashed (``core.concurrency.is_clash``: a deadlock, «database is
        locked»): a 409, nothing saved. Otherwise the database cannot answer (down,
        unreachable, out of connections): a JSON 503 with Retry-After, never Django's HTML
        error page. Logged for the operators."""
        if is_clash(exc):
            return on_conflict(request, SavedAtOnce())
        logger.error("API %s %s: database error: %s", request.method, request.path, exc)
        response = message(request, 503, DATABASE_UNAVAILABLE)
        response["Retry-After"] = "30"
        return response

    def on_unexpected(request: HttpRequest, exc: Exception | Any) -> HttpResponse:
        """A bug: logged with its traceback; the client gets JSON, not an HTML page."""
        logger.exception("API %s %s: unexpected error", request.method, request.path)
        return message(request, 500, INTERNAL)

    api.add_exception_handler(OperationalError, on_database_error)
    api.add_exception_handler(InterfaceError, on_database_error)
    api.add_exception_handler(Exception, on_unexpected)


def unknown_path(request: HttpRequest, path: str | None = "") -> HttpResponse:
    """Any URL under /api/v1/ that no operation serves: the JSON 404, never an HTML page."""
    from django.http import JsonResponse

    return JsonResponse(
        {"message": f"No existe la ruta /api/v1/{path or ''} en la API. Consulte /api/v1/docs."},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
