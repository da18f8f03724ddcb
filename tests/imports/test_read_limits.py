"""The text importers take their file limits from rumbo.core.spreadsheets: the size,
looked at before the file is read, and the number of lines (issue 16, finding 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rumbo.audit.services import Actor
from rumbo.core.errors import ImportFailure
from rumbo.imports.base import read_text_file
from rumbo.imports.models import ImportRun
from rumbo.imports.sipot_objectives.write import import_sipot_objectives


@pytest.mark.django_db
def test_a_file_over_20_mb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "enorme.txt"
    with path.open("wb") as out:  # sparse: 2 GB that take no disk and must not be read
        out.truncate(2 * 1024**3)
    with pytest.raises(ImportFailure) as exc:
        import_sipot_objectives(path, institution_code="IECM", actor=Actor.cli())
    assert str(exc.value) == "enorme.txt: el archivo pesa 2,048.0 MB; el máximo es 20 MB"
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_more_than_200000_lines_are_refused_whatever_their_ending(
    tmp_path: Path, ending: str
) -> None:
    path = tmp_path / "lineas.txt"
    path.write_bytes(("x" + ending * 200_000).encode())  # 200,001 lines
    with pytest.raises(ImportFailure) as exc:
        read_text_file(path, kind_label="un formato")
    assert str(exc.value) == "lineas.txt: el archivo tiene 200,001 líneas; el máximo es 200,000"
    path.write_bytes(("x" + ending * 199_999).encode())  # 200,000 lines: allowed
    assert len(read_text_file(path, kind_label="un formato").lines) == 200_000
