"""The JSON every API response is written as (the NinjaAPI's renderer), for an endpoint
that renders its already-shaped data itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # «Planeación», not «Planeaci\u00f3n»


def json_response(request: HttpRequest, data: Any) -> HttpResponse:
    """``data`` as the API writes it, status 200, without validating it against the
    operation's response schema (the caller's data already has that shape)."""
    renderer = Renderer()
    return HttpResponse(
        renderer.render(request, data, response_status=200),
        content_type=f"{renderer.media_type}; charset={renderer.charset}",
    )
