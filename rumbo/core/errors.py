"""A service's refusals as the faces show them: the messages of a ``ValidationError`` (on a
form, in a list, in a CLI line, in the API's errors) and a 403 that says why and what to do.

Services raise ``ValidationError`` with Spanish messages, per field when they can; every
page, endpoint and command reads them through these functions, so a message is never
lost or shown twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of ``exc`` in order, field by field (its fields' names dropped)."""
    return list(exc.messages)


def error_text(exc: ValidationError, sep: str = " ") -> str:
    """Every message of ``exc`` on one line (a CLI error, a flash message)."""
    return sep.join(error_messages(exc))


def error_items(exc: ValidationError) -> list[tuple[str, str]]:
    """``(field, message)`` pairs in order; the field is ``""`` for a message about no
    field in particular (a plain list, or ``NON_FIELD_ERRORS``)."""
    if not hasattr(exc, "error_dict"):
        return [("", m) for m in exc.messages]
    return [
        ("" if field == NON_FIELD_ERRORS else field, message)
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def form_add_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    *,
    rename: Mapping[str, str | None] | None = None,
    keep_others: bool = False,
) -> list[str]:
    """Put each message of a service's ``ValidationError`` next to the form field of the
    same name; ``rename`` (service name → form field) replaces that matching when the
    names differ. A message for no field of the form goes on top of the form, or, with
    ``keep_others``, is returned for the page to show apart."""
    others: list[str] = []
    for key, message in error_items(exc):
        name = key if rename is None else rename.get(key)
        field = name if name and name in form.fields else None
        if field is None and keep_others:
            others.append(message)
        else:
            form.add_error(field, message)
    return others


class Refused(PermissionDenied):
    """A 403 that explains itself: why (``message``), what to do (``hint``), and whatever
    else the refusal page needs (``context``). Pages catch it and render their own
    «denied» template with status 403 (``rumbo.institutions.pages.refusal_page``); anywhere
    else it is a plain ``PermissionDenied``."""

    def __init__(self, message: str, hint: str = "", **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.context = context


class ImportFailure(Exception):
    """A fatal problem with an input file. ``str()`` is the one-line reason for the user."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


class Conflict(Exception):
    """A write refused because of the state of things, not because of bad input (a locked
    month, a frozen program): the API answers 409 with ``message`` and ``extra()``."""

    default_message = "La operación entra en conflicto con el estado actual."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def extra(self) -> dict[str, Any]:
        """Fields added to the 409 body beside ``message``."""
        return {}
