"""Reads of institutions' catalogues: areas with what uses them, searched, by code."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from rumbo.core.text import normalize

from .models import Area, AreaAlias, Institution, Membership
from .services.areas import split_area_label

# What hangs from an area in the apps above this one (``activity_count``: the activities
# whose own area it is…): name → (model, the field pointing to the area). Each app
# registers its own in ``AppConfig.ready`` (``register_area_use``); ``area_list`` counts them.
_AREA_USES: dict[str, tuple[type[Model], str]] = {}


def register_area_use(name: str, model: type[Model], field: str) -> None:
    """Called by an app above institutions so that ``area_list`` annotates ``name``: how
    many ``model`` rows point to the area through ``field``."""
    _AREA_USES[name] = (model, field)


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
    """The institution's areas by name, with ``parent`` and the counts of what uses them:
    the registered apps' (``activity_count``, ``node_count``), ``membership_count`` and
    ``alias_count`` (one query)."""
    return (
        Area.objects.filter(institution=institution)
        .select_related("parent")
        .annotate(
            **{name: _count(model, field) for name, (model, field) in _AREA_USES.items()},
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


def areas_by_spelling(*, institution: Institution, labels: Iterable[str]) -> dict[str, Area]:
    """The existing area each label names exactly, by the rule the importers use for an
    exact match (``area_resolve_many``): its canonical name or a known spelling (alias),
    ignoring accents, case and spaces, with or without «(SIGLAS)»; or its siglas. No
    similarity guess and nothing created: a label not found is absent from the result
    (the caller reports it). Two queries."""
    areas = list(Area.objects.filter(institution=institution))
    by_name = {a.normalized_name: a for a in areas}
    by_code = {a.code.upper(): a for a in areas}
    by_alias = {
        al.normalized: al.area
        for al in AreaAlias.objects.filter(institution=institution).select_related("area")
    }
    found: dict[str, Area] = {}
    for label in labels:
        spelling = split_area_label(label)
        if not spelling.label:
            continue
        key = normalize(spelling.label)
        area = (
            by_alias.get(key)
            or by_name.get(spelling.name_key)
            or by_name.get(key)
            or by_code.get(spelling.label.replace(" ", "").upper())
        )
        if area is not None:
            found[label] = area
    return found


def area_choices(*, institution: Institution) -> QuerySet[Area]:
    """The institution's areas by name, to choose from in a form (one query when read)."""
    return Area.objects.filter(institution=institution).order_by("name")


def memberships_of(user_id: int) -> list[Membership]:
    """Every role the user holds, with its institution and area (one query): the pages
    that span all of a person's institutions («Mis pendientes»)."""
    return list(
        Membership.objects.filter(user_id=user_id)
        .select_related("institution", "area")
        .order_by("institution__code", "role", "area__code")
    )


def areas_of(institution_ids: Iterable[int]) -> dict[int, Area]:
    """Area id → area of those institutions (one query)."""
    return {a.pk: a for a in Area.objects.filter(institution_id__in=set(institution_ids))}
