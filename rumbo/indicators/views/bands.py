"""An indicator's own semáforo bands: the same page as an activity's
(``rumbo.monitoring.views.monitoring_admin.bands_override_page``)."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.indicators.models import IndicatorBands
from rumbo.indicators.selectors import bands_for_indicators
from rumbo.indicators.services import bands_clear_indicator, bands_set_indicator
from rumbo.institutions.access import Capability, require
from rumbo.monitoring.views.monitoring_admin import bands_override_page

from .shared import indicator_for


@login_required
@require_http_methods(["GET", "POST"])
def indicator_bands(request: HttpRequest, code: str, indicator_id: int) -> HttpResponse:
    institution, indicator = indicator_for(request, code, indicator_id)
    require(request.user, institution, Capability.MANAGE_MONITORING)
    return bands_override_page(
        request,
        institution,
        override=IndicatorBands.objects.filter(indicator=indicator).first(),
        effective=bands_for_indicators([indicator])[indicator.pk],
        set_bands=partial(bands_set_indicator, indicator=indicator),
        clear_bands=partial(bands_clear_indicator, indicator=indicator),
        set_message=f"El indicador «{indicator.name}» tiene su propio semáforo.",
        clear_message=(
            f"El indicador «{indicator.name}» vuelve a usar el semáforo de la institución."
        ),
        page_url=reverse(
            "web:indicator_bands", kwargs={"code": institution.code, "indicator_id": indicator.pk}
        ),
        template="web/indicator_bands.html",
        ind=indicator,
        design=indicator.row.mir.design,
    )
