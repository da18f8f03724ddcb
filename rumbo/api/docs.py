"""The /api/v1/docs page: Swagger UI served from django-ninja's bundled files, no CDN.

django-ninja falls back to a CDN when "ninja" is not an installed app; Rumbo runs where
there may be no internet, so the page and its assets come from this server.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset(
    {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js", "favicon.png", "favicon.svg"}
)


class OfflineSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        url = self.get_openapi_url(api, kwargs)
        self.settings["url"] = url
        context = {
            "openapi_url": url,
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,
        }
        return render(request, self.template, context)


@require_GET
@cache_control(public=True, max_age=86400)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404("No existe el recurso.")
    content_type, _ = mimetypes.guess_type(name)
    return FileResponse((ASSETS_DIR / name).open("rb"), content_type=content_type)


def asset_urls() -> list[Any]:
    return [path("docs/assets/<str:name>", docs_asset, name="docs-asset")]
