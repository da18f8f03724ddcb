"""One page of a list, as every API list answers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    count: int
    page: int
    page_size: int
    items: list[T]


def paginate(qs: QuerySet[M], *, page: int, page_size: int) -> Page[M]:
    """One page of the queryset (2 queries plus its prefetches); a page past the end is 422."""
    count = qs.count()
    last = max(1, -(-count // page_size))
    if page > last:
        raise ValidationError({"page": f"La página {page} no existe; la última es la {last}."})
    start = (page - 1) * page_size
    items = list(qs[start : start + page_size]) if count else []
    return Page(count=count, page=page, page_size=page_size, items=items)
