"""What the quality findings API takes and returns (pydantic schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rumbo.core.api.schemas import PageOut, PageQuery, Text


class FindingActivityOut(Schema):
    key: str
    year: int


class FindingOut(Schema):
    id: int
    code: str
    title: str
    severity: Literal["error", "warning"]
    status: Literal["open", "accepted", "resolved"]
    message: str
    year: int | None
    source_file: str
    source_line: int | None
    object_label: str
    activity: FindingActivityOut | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_comment: str


class FindingQuery(PageQuery):
    code: Text = Field("", max_length=40, description="Código del hallazgo.")
    severity: Literal["", "error", "warning"] = ""
    status: Literal["", "open", "accepted", "resolved"] = ""
    year: int | None = Field(None, ge=1990, le=2100)
    file: Text = Field("", max_length=255, description="Archivo de origen.")


class FindingPage(PageOut):
    items: list[FindingOut]


class FindingReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["accepted", "resolved", "open"]
    comment: Text = Field("", max_length=2000)
