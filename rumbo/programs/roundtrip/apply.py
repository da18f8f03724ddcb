"""Applying a ChangeSet: every edit through the program services, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.versions import StaleVersion
from rumbo.programs.models import AnnualProgram
from rumbo.programs.services import activity_create, activity_delete, activity_update

from .diff import ChangeSet


@dataclass(frozen=True)
class ApplyResult:
    added: int
    changed: int
    removed: int


def upload_reason(source_name: str) -> str:
    return f"Carga de Excel: {source_name}"


@transaction.atomic
def program_apply_upload(
    *, actor: Actor, program: AnnualProgram, changeset: ChangeSet, source_name: str
) -> ApplyResult:
    """Apply the additions, changes and removals of an upload, all or nothing.

    The ChangeSet must be free of row errors. Each change carries the version of the
    activity it was computed on: one saved by someone else since is refused
    (``ValidationError``), and nothing is applied. Each activity's history records the edit
    with the reason «Carga de Excel: <file>». A ValidationError from a service rolls
    everything back and is raised with the activity key in front of the message.
    """
    if changeset.errors:
        raise ValidationError("La carga tiene errores por fila; no se aplicó nada.")
    reason = upload_reason(source_name)
    for edit in changeset.changed:
        if edit.activity.program_id != program.pk:
            raise ValidationError("Una actividad no pertenece a este programa.")
        try:
            activity_update(
                actor=actor,
                activity=edit.activity,
                reason=reason,
                version=edit.version,
                **edit.updates,
            )
        except ValidationError as exc:
            raise _with_key(edit.key, exc) from exc
        except StaleVersion as exc:  # saved by someone else since the changes were computed
            raise ValidationError(
                f"{edit.key}: otra persona la cambió mientras se aplicaba la carga. "
                "Carga el archivo de nuevo para ver las diferencias actuales."
            ) from exc
    for add in changeset.added:
        try:
            activity_create(actor=actor, program=program, reason=reason, **add.values)
        except ValidationError as exc:
            raise _with_key(add.key, exc) from exc
    for removal in changeset.removed:
        if removal.activity.program_id != program.pk:
            raise ValidationError("Una actividad no pertenece a este programa.")
        activity_delete(actor=actor, activity=removal.activity, reason=reason)
    return ApplyResult(
        added=len(changeset.added), changed=len(changeset.changed), removed=len(changeset.removed)
    )


def _with_key(key: str, exc: ValidationError) -> ValidationError:
    return ValidationError(f"Actividad {key}: {error_text(exc)}")
