"""Reads of institutions' catalogues: areas with what uses them, searched, by code."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from rumbo.core.text import normalize
from rumbo.programs.models import Activity, ProgramNode

from .models import Area, AreaAlias, Institution, Membership


def _count(model: type, field: str) -> Coalesce:
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})  # type: ignore[attr-defined]  # django-stubs: a plain type has no manager
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def area_list(*, institution: Institution) -> QuerySet[Area]:
    """The institution's areas by name, with ``parent`` and the counts ``activity_count``,
    ``node_count``, ``membership_count`` and ``alias_count`` (one query)."""
    return (
        Area.objects.filter(institution=institution)
        .select_related("parent")
        .annotate(
            activity_count=_count(Activity, "area"),
            node_count=_count(ProgramNode, "area"),
            membership_count=_count(Membership, "area"),
            alias_count=Count("aliases"),
        )
        .order_by("name")
    )


def area_search(*, institution: Institution, q: str = "") -> QuerySet[Area]:
    """The institution's areas by code, with ``parent``; ``q`` matches the code or the name
    (case- and accent-insensitive). No counts: the API's paginated list."""
    qs = Area.objects.filter(institution=institution).select_related("parent")
    text = q.strip()
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(normalized_name__contains=normalize(text)))
    return qs.order_by("code", "pk")


def area_get(*, institution: Institution, area_id: int) -> Area | None:
    return Area.objects.filter(institution=institution, pk=area_id).select_related("parent").first()


def area_by_code(*, institution: Institution, code: str) -> Area | None:
    """The area with these siglas, or the one that had them as provisional siglas (kept as
    an alias when the real ones replaced them), so old links still resolve."""
    area = Area.objects.filter(institution=institution, code=code.strip()).first()
    if area is None and code.strip():
        alias = (
            AreaAlias.objects.filter(institution=institution, normalized=normalize(code))
            .select_related("area")
            .first()
        )
        area = alias.area if alias is not None else None
    return area


def area_choices(*, institution: Institution) -> QuerySet[Area]:
    """The institution's areas by name, to choose from in a form (one query when read)."""
    return Area.objects.filter(institution=institution).order_by("name")
