"""The JSON API under /api/v1/ (django-ninja). Routers live in this package."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Rumbo API",
    version="1",
    urls_namespace="api-v1",
)
