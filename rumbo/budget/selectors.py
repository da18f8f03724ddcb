"""Reads of the budget app's pages: the institution's partidas and fuentes with their use."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from rumbo.institutions.models import Institution

from .models import FundingSource, SpecificItem


def specific_items_for(*, institution: Institution) -> QuerySet[SpecificItem]:
    """The institution's partidas específicas, «sin revisar» first, then by key, with their
    genérica, concepto and capítulo (CONAC) and ``line_count``, the budget lines that use
    each (one query)."""
    return (
        SpecificItem.objects.filter(institution=institution)
        .select_related("generic__concept__chapter")
        .annotate(line_count=Count("lines"))
        .order_by("-unreviewed", "key")
    )


def funding_sources_for(*, institution: Institution) -> QuerySet[FundingSource]:
    """The institution's fuentes by key with ``line_count`` (one query)."""
    return (
        FundingSource.objects.filter(institution=institution)
        .annotate(line_count=Count("lines"))
        .order_by("key")
    )
