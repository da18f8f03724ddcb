"""The JSON API under /api/v1/ (django-ninja). Routers live in this package.

Every operation needs a user: a bearer token (``rumbo token create USUARIO``) or the
browser's session (with CSRF on unsafe methods). Errors share one
shape (see rumbo/core/api/errors.py).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from rumbo.adjustments.api import router as adjustments_router
from rumbo.budget.api import router as budget_router
from rumbo.core.api import errors
from rumbo.core.api.renderer import Renderer
from rumbo.design.api import router as designs_router
from rumbo.imports.api import router as findings_router
from rumbo.indicators.api import router as mirs_router
from rumbo.institutions.api import router as institutions_router
from rumbo.monitoring.api import router as progress_router
from rumbo.opendata.api import router as open_router
from rumbo.programs.api import router as programs_router
from rumbo.strategy.api import router as plans_router

from .auth import AUTH
from .docs import OfflineSwagger, asset_urls


class RumboAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:
        # The docs page's Swagger UI files, served here (no CDN: see docs.py).
        return [*asset_urls(), *super()._get_urls()]


api = RumboAPI(
    title="Rumbo API",
    version="1",
    description=(
        "API JSON de Rumbo: instituciones, áreas, planes, programas anuales, actividades, "
        "hallazgos de calidad, seguimiento mensual (avances, envío y aprobación), diseño "
        "de programas (Marco Lógico), MIR con sus indicadores, fichas y mediciones, y el "
        "presupuesto (renglones y momentos contables). "
        "Autenticación: «Authorization: Bearer TOKEN» (créalo con "
        "`rumbo token create USUARIO`) o la sesión del navegador. Errores: "
        '{"message": "…"} y, en 422, "errors": [{"field", "message"}].'
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    docs=OfflineSwagger(),
    renderer=Renderer(),
)
errors.install(api)
api.add_router("", institutions_router)
api.add_router("", plans_router)
api.add_router("", programs_router)
api.add_router("", findings_router)
api.add_router("", progress_router)
api.add_router("", budget_router)
api.add_router("", mirs_router)
api.add_router("", designs_router)
api.add_router("", adjustments_router)
api.add_router("", open_router)  # anonymous: /open/… (published data only)
