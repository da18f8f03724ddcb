"""Writes of institutions, from scratch: create one with its founder, edit its names."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean

from ..letterhead import LOGO_FORMATS, SIGNER_FIELDS, logo_check
from ..models import Institution, Membership, Role

_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def web_domains_parse(value: str | Sequence[str]) -> list[str]:
    """Official domains from text (commas, spaces or lines) or a list: ``ieem.org.mx``.

    A pasted address (``https://www.ieem.org.mx/x``) keeps its host without ``www.``.
    """
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else list(value)
    domains: list[str] = []
    bad: list[str] = []
    for item in items:
        text = item.strip().lower()
        if not text:
            continue
        text = re.sub(r"^[a-z]+://", "", text).split("/")[0].split(":")[0]
        text = text.removeprefix("www.")
        if _DOMAIN_RE.match(text):
            if text not in domains:
                domains.append(text)
        else:
            bad.append(item.strip())
    if bad:
        raise ValidationError(
            {"web_domains": f"No parece un dominio web: {', '.join(f'«{b}»' for b in bad)}."}
        )
    return domains


def _institution_fields(*, name: str, short_name: str, web_domains: str | Sequence[str]) -> dict:
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {"name": clean(name), "short_name": clean(short_name)}
    if not data["name"]:
        errors["name"] = ["El nombre es obligatorio."]
    elif len(data["name"]) > 255:
        errors["name"] = ["El nombre admite hasta 255 caracteres."]
    if len(data["short_name"]) > 60:
        errors["short_name"] = ["El nombre corto admite hasta 60 caracteres."]
    try:
        data["web_domains"] = web_domains_parse(web_domains)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return data


def _institution_snapshot(institution: Institution) -> dict[str, Any]:
    return {
        "code": institution.code,
        "name": institution.name,
        "short_name": institution.short_name,
        "web_domains": list(institution.web_domains or []),
    }


@transaction.atomic
def institution_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    short_name: str = "",
    web_domains: str | Sequence[str] = (),
    founder: User | None = None,
) -> Institution:
    """A new institution; its founder (usually the actor) becomes its Planeación."""
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().upper()
    if not code:
        errors["code"] = ["La clave es obligatoria."]
    elif not _CODE_RE.match(code):
        errors["code"] = [
            "La clave admite hasta 20 letras sin acentos, números, guiones o guiones bajos "
            "(ejemplo: IEEM)."
        ]
    elif Institution.objects.filter(code__iexact=code).exists():
        errors["code"] = [f"Ya existe una institución con la clave {code}."]
    try:
        data = _institution_fields(name=name, short_name=short_name, web_domains=web_domains)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    institution = Institution.objects.create(code=code, **data)
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="institution.create",
        obj=institution,
        after=_institution_snapshot(institution),
    )
    if founder is not None:
        membership = Membership.objects.create(
            user=founder, institution=institution, role=Role.PLANEACION
        )
        audit_record(
            actor=actor,
            institution_id=institution.pk,
            action="membership.create",
            obj=membership,
            after={"user": founder.get_username(), "role": Role.PLANEACION.value, "area": None},
        )
    return institution


@transaction.atomic
def institution_update(
    *,
    actor: Actor,
    institution: Institution,
    name: str,
    short_name: str,
    web_domains: str | Sequence[str],
) -> bool:
    """Change the institution's names and domains (its code is fixed); True if anything did."""
    data = _institution_fields(name=name, short_name=short_name, web_domains=web_domains)
    before = _institution_snapshot(institution)
    for key, value in data.items():
        setattr(institution, key, value)
    after = _institution_snapshot(institution)
    changed = [k for k in after if before[k] != after[k]]
    if not changed:
        return False
    institution.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="institution.update",
        obj=institution,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return True


def _letterhead_snapshot(institution: Institution) -> dict[str, Any]:
    return {
        "logo": institution.logo.name or None,
        **{name: getattr(institution, name) for name in SIGNER_FIELDS},
    }


def _signer_fields(signers: Mapping[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in SIGNER_FIELDS:
        value = clean(signers.get(name) or "")
        limit = getattr(Institution._meta.get_field(name), "max_length", 0) or 0
        if len(value) > limit:
            errors[name] = f"Admite hasta {limit} caracteres."
        data[name] = value
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def institution_letterhead_update(
    *,
    actor: Actor,
    institution: Institution,
    signers: Mapping[str, str],
    logo: UploadedFile | File | None = None,
    remove_logo: bool = False,
) -> bool:
    """The reports' letterhead: the signers (Elaboró, Revisó, Autorizó: name and position;
    blank clears one) and the logo (a PNG or JPEG up to 1 MB, checked by its content;
    ``remove_logo`` takes it away). Audited with before and after; True if anything changed.
    A replaced or removed logo file is deleted once the change is committed."""
    data = _signer_fields(signers)
    fmt = logo_check(logo, size=getattr(logo, "size", None)) if logo is not None else None
    before = _letterhead_snapshot(institution)
    old_logo = institution.logo.name
    for key, value in data.items():
        setattr(institution, key, value)
    if fmt is not None and logo is not None:
        extension = LOGO_FORMATS[fmt][0]
        name = f"{institution.code.lower()}-{secrets.token_hex(4)}.{extension}"
        institution.logo.save(name, logo, save=False)
    elif remove_logo:
        institution.logo = None  # type: ignore[assignment]  # a FileField accepts None
    after = _letterhead_snapshot(institution)
    changed = [k for k in after if before[k] != after[k]]
    if not changed:
        return False
    fields = [k for k in changed if k != "logo"] + (["logo"] if "logo" in changed else [])
    institution.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="institution.letterhead_update",
        obj=institution,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    if old_logo and old_logo != institution.logo.name:
        storage = institution.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return True
