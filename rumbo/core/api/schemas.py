"""What every API router shares: path parameter types, bounded text, quantities typed by
users, versions, the semáforo's colours, the page query and the paginated list shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

Number = int | float

# No NUL characters: PostgreSQL refuses them, so they are invalid input, not a server error.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=4000)]

# Path parameters (bounded, so a huge number is a 422, never a database overflow).
MAX_ID = 2**63 - 1
CodePath = Annotated[
    str, Path(max_length=20, pattern=NO_NUL, description="Clave de la institución (IEEM).")
]
YearPath = Annotated[int, Path(ge=1990, le=2100, description="Ejercicio (AAAA).")]
KeyPath = Annotated[
    str, Path(max_length=30, pattern=NO_NUL, description="Clave de la actividad (010101).")
]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

# The optimistic lock: the version a client read (of a progress entry, a capture, a
# measurement), sent back with its write.
MAX_VERSION = 2**31 - 1
Version = Annotated[int, Field(ge=1, le=MAX_VERSION)]
LightOut = Literal["verde", "amarillo", "rojo", "gris"]


def _quantity_input(value: Any) -> int | float | str:
    """A number or a text, passed on as is: the service parses it (es-MX «1,234.5»).

    One validator instead of a union, so a wrong value gives one error, not one per type.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("float_type", "Se esperaba una cantidad (número).")
    if isinstance(value, str) and ("\x00" in value or len(value) > 40):
        raise PydanticCustomError("float_parsing", "Se esperaba una cantidad (número).")
    return value


Quantity = Annotated[
    Any,
    PlainValidator(_quantity_input),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "maxLength": 40, "pattern": NO_NUL}]}
    ),
]

PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200


# --- lists ----------------------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Página, desde 1.")
    page_size: int = Field(
        PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX, description="Elementos por página (máx. 200)."
    )


class PageOut(Schema):
    count: int = Field(description="Total de elementos que cumplen el filtro.")
    page: int
    page_size: int
