"""Every row of every table, as typed JSON that means the same on SQLite and PostgreSQL.

A table is the table of a managed, concrete model (the automatic many-to-many tables
included); django_rq's models are unmanaged and have none. Values are read through the
ORM (its converters give aware datetimes with their microseconds, exact Decimals, UUIDs)
and written with each field's own ``get_db_prep_save`` in a plain INSERT, so that nothing
is re-stamped (``auto_now``) and nothing is rounded. JSON columns travel as the text the
database holds, so SQL NULL and JSON ``null`` stay apart.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Cast

BATCH = 500

# A column's kind in the archive, from the field's internal type (a relation takes its
# target's). Anything not listed is refused by the backup, so a new field type cannot be
# carried wrongly without a test failing.
KINDS = {
    "AutoField": "int",
    "BigAutoField": "int",
    "SmallAutoField": "int",
    "IntegerField": "int",
    "BigIntegerField": "int",
    "SmallIntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveBigIntegerField": "int",
    "PositiveSmallIntegerField": "int",
    "BooleanField": "bool",
    "CharField": "str",
    "TextField": "str",
    "SlugField": "str",
    "EmailField": "str",
    "URLField": "str",
    "FileField": "str",
    "ImageField": "str",
    "FilePathField": "str",
    "GenericIPAddressField": "str",
    "FloatField": "float",
    "DecimalField": "decimal",
    "DateTimeField": "datetime",
    "DateField": "date",
    "TimeField": "time",
    "DurationField": "duration",
    "UUIDField": "uuid",
    "BinaryField": "bytes",
    "JSONField": "json",
}

# Filled by `migrate` itself (post_migrate): a freshly migrated database has these rows, and
# a restore replaces them with the archive's (generic relations point at content type ids).
MIGRATE_TABLES = frozenset({"django_content_type", "auth_permission"})


class UnsupportedField(ValueError):
    pass


@dataclass(frozen=True)
class Column:
    field: models.Field
    kind: str

    @property
    def name(self) -> str:
        return str(self.field.column)


def backed_up_models() -> list[type[models.Model]]:
    """Managed, concrete models with a table, in a stable order (by table name)."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    return sorted(found, key=lambda model: model._meta.db_table)


def columns(model: type[models.Model]) -> list[Column]:
    out = []
    for field in model._meta.concrete_fields:
        source = field.target_field if field.is_relation else field  # type: ignore[attr-defined]  # concrete relations have one
        kind = KINDS.get(source.get_internal_type())
        if kind is None:
            raise UnsupportedField(
                f"{model._meta.label}.{field.name}: tipo de columna no soportado por el "
                f"respaldo ({source.get_internal_type()})"
            )
        out.append(Column(field=field, kind=kind))
    return out


# -- values ----------------------------------------------------------------------------------


def encode(kind: str, value: Any) -> Any:
    """A value read by the ORM → JSON (None stays None)."""
    if value is None or kind in {"int", "bool", "str", "float", "json"}:
        return value
    if kind in {"decimal", "uuid"}:
        return str(value)
    if kind in {"datetime", "date", "time"}:
        return value.isoformat()
    if kind == "duration":
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    raise UnsupportedField(kind)


def decode(kind: str, value: Any) -> Any:
    """JSON → the Python value the field prepares for the database."""
    if value is None or kind in {"int", "bool", "str", "float", "json"}:
        return value
    converters: dict[str, Any] = {
        "decimal": Decimal,
        "uuid": UUID,
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "time": time.fromisoformat,
        "duration": lambda micro: timedelta(microseconds=micro),
        "bytes": base64.b64decode,
    }
    return converters[kind](value)


# -- reading ---------------------------------------------------------------------------------


def read_rows(model: type[models.Model], cols: list[Column], using: str) -> Iterator[list[Any]]:
    """Every row ordered by primary key, each value encoded for JSON."""
    selected: list[Any] = [
        Cast(col.field.attname, output_field=models.TextField())
        if col.kind == "json"
        else col.field.attname
        for col in cols
    ]
    rows = (
        model._base_manager.using(using)
        .order_by(model._meta.pk.attname)  # type: ignore[union-attr]  # every table has one
        .values_list(*selected)
        .iterator(chunk_size=2000)
    )
    kinds = [col.kind for col in cols]
    for row in rows:
        yield [encode(kind, value) for kind, value in zip(kinds, row, strict=True)]


def last_ids(connection: BaseDatabaseWrapper, tables: list[tuple[str, str]]) -> dict[str, int]:
    """The last id each automatic key handed out (≥ the largest id still there, larger when
    the newest rows were deleted): kept so a restored database never reuses an id that the
    audit trail still names. ``tables`` are (table, key column) of automatic keys."""
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            known = {table for table, _ in tables}
            out = {name: int(seq) for name, seq in cursor.fetchall() if name in known}
        elif connection.vendor == "postgresql":
            for table, column in tables:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                if sequence is None:
                    continue
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - a name PostgreSQL returned
                last_value, is_called = cursor.fetchone()
                out[table] = int(last_value) if is_called else int(last_value) - 1
    return out


# -- writing ---------------------------------------------------------------------------------


def insert_rows(
    connection: BaseDatabaseWrapper,
    table: str,
    cols: list[Column],
    rows: Iterator[list[Any]],
) -> int:
    """INSERT the rows (in batches); returns how many."""
    quote = connection.ops.quote_name
    placeholders = [
        "CAST(%s AS jsonb)" if col.kind == "json" and connection.vendor == "postgresql" else "%s"
        for col in cols
    ]
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(col.name) for col in cols)}) "  # noqa: S608 - names from the models
        f"VALUES ({', '.join(placeholders)})"
    )
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(_prepare(connection, cols, row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _prepare(connection: BaseDatabaseWrapper, cols: list[Column], row: list[Any]) -> list[Any]:
    values = []
    for col, raw in zip(cols, row, strict=True):
        value = decode(col.kind, raw)
        if col.kind != "json" and value is not None:
            value = col.field.get_db_prep_save(value, connection)
        values.append(value)
    return values


def set_last_ids(connection: BaseDatabaseWrapper, values: dict[str, tuple[str, int]]) -> None:
    """Set each automatic key's counter: {table: (key column, last id handed out)}."""
    with connection.cursor() as cursor:
        for table, (column, last) in values.items():
            cursor.execute(
                f"SELECT MAX({connection.ops.quote_name(column)}) "  # noqa: S608 - names from the models
                f"FROM {connection.ops.quote_name(table)}"
            )
            last = max(last, cursor.fetchone()[0] or 0)
            if connection.vendor == "sqlite":
                if last:
                    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last]
                    )
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                if sequence is not None:
                    cursor.execute("SELECT setval(%s, %s, %s)", [sequence, max(last, 1), last >= 1])


def dumps(row: list[Any]) -> bytes:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
