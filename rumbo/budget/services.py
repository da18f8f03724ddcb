"""Writes of the budget app besides the import (``importer``), each in one transaction.

The institution's catalogues, by Planeación (``Capability.EDIT_PROGRAM``, checked here):
a partida específica's name and its review (``specific_item_update``,
``specific_items_review``: a reviewed partida stops the import's ``budget_item_unknown``
finding, and its open ones are resolved), and the fuentes de financiamiento
(``funding_source_create``, ``funding_source_update``). Every change is audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.core.text import clean
from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.imports.review import findings_close
from rumbo.institutions.access import Capability, require
from rumbo.institutions.models import Institution

from .catalog import cog_sync, funding_source_defaults
from .models import Chapter, Concept, FundingSource, GenericItem, SpecificItem

User = AbstractBaseUser | AnonymousUser
NAME_MAX_LENGTH = 255
SOURCE_KEY_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,9}$")
ITEM_UNKNOWN = "budget_item_unknown"
REVIEWED_COMMENT = "La partida se marcó como revisada en el catálogo de partidas."


@transaction.atomic
def cog_load() -> dict[str, int]:
    """Sync CONAC's classifier (the same for every institution: it is reference data, like
    shipped with Rumbo, so it is not an institution's audited change)."""
    return cog_sync(Chapter, Concept, GenericItem)


def funding_sources_seed(*, institution: Institution) -> list[FundingSource]:
    """Give an institution without fuentes CONAC's default set (``data/fuentes_conac.csv``).
    The caller records the audit: the import among its own changes, the page's service in
    its event."""
    return FundingSource.objects.bulk_create(
        FundingSource(institution=institution, key=key, name=name)
        for key, name in funding_source_defaults()
    )


def _name(text: str, what: str) -> str:
    name = clean(text or "")
    if not name:
        raise ValidationError({"name": f"Escribe el nombre de {what}."})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"El nombre admite hasta {NAME_MAX_LENGTH} caracteres."})
    return name


# --- partidas específicas --------------------------------------------------------------


def _resolve_unknown_findings(
    *, actor: Actor, institution: Institution, items: list[SpecificItem]
) -> int:
    """Resolve the open «partida nueva» findings of partidas just reviewed."""
    findings = list(
        QualityFinding.objects.select_for_update()
        .filter(
            institution=institution,
            code=ITEM_UNKNOWN,
            status=FindingStatus.OPEN,
            content_type=ContentType.objects.get_for_model(SpecificItem),
            object_id__in=[i.pk for i in items],
        )
        .order_by("pk")
    )
    findings_close(
        actor=actor,
        institution=institution,
        findings=findings,
        status=FindingStatus.RESOLVED,
        comment=REVIEWED_COMMENT,
    )
    return len(findings)


@transaction.atomic
def specific_item_update(
    *, actor: Actor, user: User, item: SpecificItem, name: str, reviewed: bool
) -> bool:
    """Rename a partida específica and set whether it is reviewed; True if it changed.
    Marking it reviewed resolves its open ``budget_item_unknown`` findings."""
    require(user, item.institution, Capability.EDIT_PROGRAM)
    item = SpecificItem.objects.select_for_update().get(pk=item.pk)
    text = _name(name, "la partida")
    before = {"name": item.name, "unreviewed": item.unreviewed}
    after = {"name": text, "unreviewed": not reviewed}
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return False
    item.name, item.unreviewed = text, not reviewed
    item.save(update_fields=list(changed))
    audit_record(
        actor=actor,
        institution_id=item.institution_id,
        action="budget_item.update",
        obj=item,
        before={k: before[k] for k in changed},
        after=changed,
    )
    if reviewed:
        _resolve_unknown_findings(actor=actor, institution=item.institution, items=[item])
    return True


@transaction.atomic
def specific_items_review(
    *, actor: Actor, user: User, institution: Institution, item_ids: Iterable[int]
) -> int:
    """Mark partidas of the institution reviewed (those still «sin revisar»; one audit event
    each) and resolve their open ``budget_item_unknown`` findings. Returns how many."""
    require(user, institution, Capability.EDIT_PROGRAM)
    ids = set(item_ids)
    if not ids:
        raise ValidationError({"items": "Elige al menos una partida sin revisar."})
    items = list(
        SpecificItem.objects.select_for_update()
        .filter(institution=institution, pk__in=ids)
        .order_by("key")
    )
    if len(items) != len(ids):
        raise ValidationError({"items": "Alguna de las partidas elegidas no es de la institución."})
    pending = [i for i in items if i.unreviewed]
    if not pending:
        raise ValidationError({"items": "Las partidas elegidas ya estaban revisadas."})
    SpecificItem.objects.filter(pk__in=[i.pk for i in pending]).update(unreviewed=False)
    for item in pending:
        item.unreviewed = False
    audit_record_many(
        actor=actor,
        institution_id=institution.pk,
        changes=[
            Change("budget_item.review", item, {"unreviewed": True}, {"unreviewed": False})
            for item in pending
        ],
        reason="Revisión del catálogo de partidas",
    )
    _resolve_unknown_findings(actor=actor, institution=institution, items=pending)
    return len(pending)


# --- fuentes de financiamiento ---------------------------------------------------------


def _source_key(institution: Institution, text: str) -> str:
    key = (text or "").strip()
    if not SOURCE_KEY_RE.match(key):
        raise ValidationError(
            {
                "key": "La clave de la fuente lleva de 1 a 10 letras o números, sin espacios "
                "(p. ej. 11 o 25)."
            }
        )
    if FundingSource.objects.filter(institution=institution, key=key).exists():
        raise ValidationError({"key": f"Ya existe la fuente {key}."})
    return key


@transaction.atomic
def funding_source_create(
    *, actor: Actor, user: User, institution: Institution, key: str, name: str
) -> FundingSource:
    """Add a fuente. An institution without fuentes first gets CONAC's default set (what
    its first import would have added), so adding one never hides the defaults."""
    require(user, institution, Capability.EDIT_PROGRAM)
    changes = []
    if not FundingSource.objects.filter(institution=institution).exists():
        changes = [
            Change("funding_source.create", s, None, {"key": s.key, "name": s.name})
            for s in funding_sources_seed(institution=institution)
        ]
    text = _name(name, "la fuente")
    key = _source_key(institution, key)
    source = FundingSource.objects.create(institution=institution, key=key, name=text)
    changes.append(Change("funding_source.create", source, None, {"key": key, "name": text}))
    audit_record_many(
        actor=actor,
        institution_id=institution.pk,
        changes=changes,
        reason="Catálogo de fuentes de financiamiento",
    )
    return source


@transaction.atomic
def funding_source_update(*, actor: Actor, user: User, source: FundingSource, name: str) -> bool:
    """Rename a fuente (its key stays: the financial system's files name it); True if it
    changed."""
    require(user, source.institution, Capability.EDIT_PROGRAM)
    text = _name(name, "la fuente")
    if text == source.name:
        return False
    before = source.name
    source.name = text
    source.save(update_fields=["name"])
    audit_record(
        actor=actor,
        institution_id=source.institution_id,
        action="funding_source.update",
        obj=source,
        before={"name": before},
        after={"name": text},
    )
    return True
