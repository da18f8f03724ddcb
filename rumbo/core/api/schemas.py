"""What every API router shares: path parameter types, bounded text, the page query and the
paginated list shape."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Path, Schema
from pydantic import StringConstraints

Number = int | float

# No NUL characters: PostgreSQL refuses them, so they are invalid input, not a server error.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]

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
