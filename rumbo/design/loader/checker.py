"""Reading values out of a parsed design file, collecting every error with its JSON path."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from rumbo.imports.base import (
    ImportFailure,
)

KIND = "diseno"
KIND_LABEL = "un diseño de programa en JSON (formato rumbo-diseno/1)"
FORMAT = "rumbo-diseno/1"
SIMULATED = "[Simulado]"
VARIABLE_NAME_MAX = 40


# --- validation ------------------------------------------------------------------------------


class DesignFileError(ImportFailure):
    """Every problem of a design file, each as (JSON path, message)."""

    def __init__(self, file: str, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        shown = "; ".join(f"{path}: {msg}" if path else msg for path, msg in errors[:20])
        more = f" (y {len(errors) - 20} errores más)" if len(errors) > 20 else ""
        super().__init__(file, shown + more)


class Checker:
    """Reads values out of the parsed JSON, collecting errors with their paths."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def err(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def obj(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.err(path, f"se esperaba un objeto {{…}}; se encontró {kind_of(value)}")
            return {}
        for key in sorted(set(value) - allowed):
            self.err(join(path, key), "campo desconocido")
        return value

    def items(self, data: dict[str, Any], key: str, path: str, *, required: bool) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required and data:
                self.err(join(path, key), "falta el campo (se esperaba una lista)")
            return []
        if not isinstance(value, list):
            self.err(join(path, key), f"se esperaba una lista; se encontró {kind_of(value)}")
            return []
        return value

    def text(
        self, data: dict[str, Any], key: str, path: str, *, required: bool = True, max_len: int = 0
    ) -> str:
        value = data.get(key)
        where = join(path, key)
        if value is None:
            if required and data:
                self.err(where, "falta el campo (se esperaba texto)")
            return ""
        if not isinstance(value, str):
            self.err(where, f"se esperaba texto; se encontró {kind_of(value)}")
            return ""
        text = value.strip()
        if required and not text:
            self.err(where, "no puede estar vacío")
        if max_len and len(text) > max_len:
            self.err(where, f"admite hasta {max_len} caracteres; tiene {len(text)}")
        return text

    def choice(
        self, data: dict[str, Any], key: str, path: str, choices: list[str], *, default: str = ""
    ) -> str:
        value = data.get(key, default)
        if value in choices:
            return str(value)
        listed = ", ".join(c or "«» (vacío)" for c in choices)
        self.err(join(path, key), f"se esperaba uno de: {listed}; se encontró {value!r}")
        return default

    def score(self, data: dict[str, Any], key: str, path: str, *, required: bool) -> int | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            self.err(join(path, key), f"se esperaba un entero de 1 a 5; se encontró {value!r}")
            return None
        return value

    def number(self, value: Any, path: str, *, required: bool = True) -> Decimal | None:
        if value is None and not required:
            return None
        if isinstance(value, str | int) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite() and number >= 0:
                return number
        self.err(
            path, f'se esperaba un número no negativo (p. ej. "1250.5"); se encontró {value!r}'
        )
        return None

    def flag(self, data: dict[str, Any], key: str, path: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.err(join(path, key), f"se esperaba true o false; se encontró {value!r}")
            return default
        return value


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind_of(value: Any) -> str:
    names = {dict: "un objeto", list: "una lista", str: "texto", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "un número" if isinstance(value, int | float) else "otro valor")
