"""Writes of areas: spellings from documents resolve here, and only here; edits by hand."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, Change, audit_record
from rumbo.core.text import acronym, clean, normalize

from ..models import Area, AreaAlias, Institution

MatchKind = Literal["exact", "new", "alias", "fuzzy", "ambiguous"]

# A fuzzy name match is accepted from this similarity on (0–1), or from the lower
# threshold when the written acronyms also agree. Below, the spelling is a new area.
NAME_SIMILARITY_ACCEPT = 0.90
NAME_SIMILARITY_WITH_ACRONYM = 0.75
# Two candidates closer than this to each other make a match ambiguous.
AMBIGUITY_MARGIN = 0.03

_LABEL_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<acronym>[^()]{1,30})\)\s*$")


@dataclass(frozen=True)
class AreaSpelling:
    label: str
    name: str
    acronym: str  # as written; '' when the label carries none

    @property
    def name_key(self) -> str:
        return normalize(self.name)

    @property
    def acronym_key(self) -> str:
        return acronym_key(self.acronym) if self.acronym else ""


def acronym_key(written: str) -> str:
    """Acronyms compare without the connective 'y'/'e' and case: DEAPyF = DEAPYF = DEAPF."""
    letters = re.sub(r"[^A-Za-z]", "", normalize(written))
    return letters.upper().replace("Y", "")


def split_area_label(label: str) -> AreaSpelling:
    text = clean(label)
    m = _LABEL_RE.match(text)
    if m and m.group("name"):
        return AreaSpelling(label=text, name=clean(m.group("name")), acronym=m.group("acronym"))
    return AreaSpelling(label=text, name=text, acronym="")


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class AreaMatch:
    label: str
    area: Area
    kind: MatchKind
    similarity: float = 1.0
    message: str = ""

    @property
    def needs_review(self) -> bool:
        return self.kind in ("alias", "fuzzy", "ambiguous")


def _unique_code(base: str, taken: set[str]) -> str:
    base = (base or "AREA")[:24]
    code = base
    n = 2
    while code.upper() in taken:
        code = f"{base}{n}"
        n += 1
    taken.add(code.upper())
    return code


def area_resolve_many(
    *,
    institution: Institution,
    labels: Sequence[str],
    actor: Actor,
    changes: list[Change],
) -> dict[str, AreaMatch]:
    """Resolve area labels as printed in a document to one canonical area each.

    Matching is accent-, case- and acronym-aware: an exact canonical name or known alias
    wins; otherwise the closest existing area by name similarity (helped by an agreeing
    acronym). Spellings are processed from the most to the least frequent, so the most
    used spelling of a new area becomes its canonical name. Every non-canonical spelling
    is stored as an alias. Returns a match for every distinct label (keys as given).
    """
    areas = list(Area.objects.filter(institution=institution))
    aliases = list(AreaAlias.objects.filter(institution=institution).select_related("area"))
    by_name: dict[str, Area] = {a.normalized_name: a for a in areas}
    by_alias: dict[str, Area] = {al.normalized: al.area for al in aliases}
    codes_taken = {a.code.upper() for a in areas}
    counts = Counter(clean(label) for label in labels if clean(label))
    spellings = sorted(
        (split_area_label(label) for label in counts), key=lambda s: (-counts[s.label], s.label)
    )
    result: dict[str, AreaMatch] = {}

    def add_alias(area: Area, text: str) -> None:
        key = normalize(text)
        if not key or key == area.normalized_name or key in by_alias or key in by_name:
            return
        alias = AreaAlias.objects.create(institution=institution, area=area, alias=text)
        by_alias[key] = area
        changes.append(Change("create", alias, None, {"alias": text, "area": area.code}))

    def is_canonical(area: Area, spelling: AreaSpelling) -> bool:
        same_name = spelling.name == area.name
        same_code = not spelling.acronym or spelling.acronym == area.code
        return same_name and same_code

    def adopt_acronym(area: Area, spelling: AreaSpelling) -> None:
        """A real acronym replaces the code an import made up; the old code stays an alias."""
        written = spelling.acronym.replace(" ", "")
        if not area.code_provisional or not written or len(written) > 30:
            return
        same = written.upper() == area.code.upper()
        other = by_alias.get(normalize(written))
        if not same and (written.upper() in codes_taken or other not in (None, area)):
            return  # another area's code or spelling: keep the provisional one
        old = area.code
        area.code, area.code_provisional = written, False
        area.save(update_fields=["code", "code_provisional", "updated_at"])
        codes_taken.add(written.upper())
        if same:
            reason = (
                f"Se confirmaron las siglas {written}, que se habían formado con las iniciales "
                f"del nombre al importar: el documento las trae en «{spelling.label}»."
            )
        else:
            reason = (
                f"Las siglas provisionales {old}, formadas con las iniciales del nombre al "
                f"importar, se reemplazaron por las siglas reales {written}, leídas en "
                f"«{spelling.label}». {old} se conserva como otra grafía del área."
            )
        audit_record(
            actor=actor,
            institution_id=institution.pk,
            action="area.update",
            obj=area,
            before={"code": old, "code_provisional": True},
            after={"code": written, "code_provisional": False},
            reason=reason,
        )
        if not same:
            add_alias(area, old)

    for spelling in spellings:
        label_key = normalize(spelling.label)
        area = by_alias.get(label_key) or by_name.get(spelling.name_key)
        if area is None and spelling.acronym:
            area = by_name.get(label_key)
        if area is not None:
            adopt_acronym(area, spelling)
            if is_canonical(area, spelling):
                match = AreaMatch(spelling.label, area, "exact")
            else:
                match = AreaMatch(
                    spelling.label,
                    area,
                    "alias",
                    message=(
                        f"Área escrita «{spelling.label}»; su nombre canónico es "
                        f"«{area.name} ({area.code})»."
                    ),
                )
                add_alias(area, spelling.label)
            result[spelling.label] = match
            continue

        scored = []
        for candidate in by_name.values():
            score = similarity(spelling.name_key, candidate.normalized_name)
            same_acronym = bool(spelling.acronym_key) and spelling.acronym_key == acronym_key(
                candidate.code
            )
            if score >= NAME_SIMILARITY_ACCEPT or (
                same_acronym and score >= NAME_SIMILARITY_WITH_ACRONYM
            ):
                scored.append((score + (0.05 if same_acronym else 0.0), score, candidate))
        scored.sort(key=lambda item: -item[0])
        if scored:
            best_rank, best_score, best = scored[0]
            ambiguous = len(scored) > 1 and best_rank - scored[1][0] < AMBIGUITY_MARGIN
            pct = f"{best_score * 100:.0f} %"
            if ambiguous:
                others = ", ".join(f"«{c.name}»" for _, _, c in scored[1:3])
                match = AreaMatch(
                    spelling.label,
                    best,
                    "ambiguous",
                    best_score,
                    f"Área «{spelling.label}» ambigua: se asignó a «{best.name} ({best.code})» "
                    f"(similitud {pct}) pero también se parece a {others}; verifique.",
                )
            else:
                adopt_acronym(best, spelling)
                match = AreaMatch(
                    spelling.label,
                    best,
                    "fuzzy",
                    best_score,
                    f"Área «{spelling.label}» identificada como «{best.name} ({best.code})» "
                    f"por similitud ({pct}); verifique que sea la misma.",
                )
                add_alias(best, spelling.label)
                add_alias(best, spelling.name)
            result[spelling.label] = match
            continue

        # Without a written acronym the code is made up from the initials: provisional.
        provisional = not spelling.acronym
        code = _unique_code(spelling.acronym or acronym(spelling.name), codes_taken)
        area = Area.objects.create(
            institution=institution, name=spelling.name, code=code, code_provisional=provisional
        )
        by_name[area.normalized_name] = area
        created: dict[str, Any] = {"name": area.name, "code": area.code}
        if provisional:
            created["code_provisional"] = True
        changes.append(Change("create", area, None, created))
        if spelling.acronym:
            add_alias(area, spelling.label)
        result[spelling.label] = AreaMatch(spelling.label, area, "new")

    # Callers look labels up as they printed them; map the raw forms too.
    for raw in labels:
        key = clean(raw)
        if key in result and raw not in result:
            result[raw] = result[key]
    return result


# --- areas created or edited by hand ---------------------------------------------------------


def _area_snapshot(area: Area) -> dict[str, Any]:
    return {
        "name": area.name,
        "code": area.code,
        "parent": area.parent.code if area.parent_id and area.parent else None,
    }


def _area_check(
    *,
    institution: Institution,
    name: str,
    code: str,
    parent: Area | None,
    area: Area | None = None,
) -> tuple[str, str]:
    """Cleaned (name, code) for a new or renamed area, unique in the institution."""
    errors: dict[str, list[str]] = {}
    name = clean(name)
    code = clean(code).replace(" ", "")
    others = Area.objects.filter(institution=institution)
    if area is not None:
        others = others.exclude(pk=area.pk)
    if not name:
        errors["name"] = ["El nombre del área es obligatorio."]
    elif len(name) > 255:
        errors["name"] = ["El nombre admite hasta 255 caracteres."]
    else:
        key = normalize(name)
        same = others.filter(normalized_name=key).first()
        aliases = AreaAlias.objects.filter(institution=institution, normalized=key)
        if area is not None:
            aliases = aliases.exclude(area=area)
        alias = aliases.select_related("area").first()
        if same is not None:
            errors["name"] = [f"Ya existe el área «{same.name}» ({same.code})."]
        elif alias is not None:
            errors["name"] = [
                f"«{name}» es otra forma de escribir el área «{alias.area.name}» "
                f"({alias.area.code})."
            ]
    if not code:
        errors["code"] = ["Las siglas son obligatorias."]
    elif len(code) > 30:
        errors["code"] = ["Las siglas admiten hasta 30 caracteres."]
    else:
        same_code = others.filter(code__iexact=code).first()
        if same_code is not None:
            errors["code"] = [f"Las siglas {code} ya son del área «{same_code.name}»."]
    if parent is not None:
        if parent.institution_id != institution.pk:
            errors["parent"] = ["El área superior debe ser de la misma institución."]
        elif area is not None:
            node: Area | None = parent
            seen: set[int] = set()
            while node is not None and node.pk not in seen:
                if node.pk == area.pk:
                    errors["parent"] = ["Un área no puede depender de sí misma ni de sus subáreas."]
                    break
                seen.add(node.pk)
                node = node.parent
    if errors:
        raise ValidationError(errors)
    return name, code


@transaction.atomic
def area_create(
    *, actor: Actor, institution: Institution, name: str, code: str, parent: Area | None = None
) -> Area:
    name, code = _area_check(institution=institution, name=name, code=code, parent=parent)
    area = Area.objects.create(institution=institution, name=name, code=code, parent=parent)
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="area.create",
        obj=area,
        after=_area_snapshot(area),
    )
    return area


@transaction.atomic
def area_update(
    *, actor: Actor, area: Area, name: str, code: str, parent: Area | None = None
) -> bool:
    """Rename an area or move it; the old name stays as an alias so imports still match it."""
    institution = area.institution
    name, code = _area_check(
        institution=institution, name=name, code=code, parent=parent, area=area
    )
    before = _area_snapshot(area)
    old_name, old_key, old_code = area.name, area.normalized_name, area.code
    area.name, area.code, area.parent = name, code, parent
    after = _area_snapshot(area)
    changed = [k for k in after if before[k] != after[k]]
    if not changed:
        return False
    # Siglas chosen by a person are real: provisional ones stay as another spelling.
    replaced_provisional = area.code_provisional and "code" in changed
    if replaced_provisional:
        area.code_provisional = False
        before["code_provisional"], after["code_provisional"] = True, False
        changed.append("code_provisional")
    area.save()
    if normalize(name) != old_key:
        AreaAlias.objects.filter(institution=institution, normalized=normalize(name)).delete()
        if not AreaAlias.objects.filter(institution=institution, normalized=old_key).exists():
            AreaAlias.objects.create(institution=institution, area=area, alias=old_name)
    if (
        replaced_provisional
        and not AreaAlias.objects.filter(
            institution=institution, normalized=normalize(old_code)
        ).exists()
    ):
        AreaAlias.objects.create(institution=institution, area=area, alias=old_code)
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="area.update",
        obj=area,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return True
