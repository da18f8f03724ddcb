from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rumbo.transparency.formats import (
    DEFINITIONS_DIR,
    DefinitionError,
    definition_for,
    format_ids,
    load_definitions,
    versions,
)


def test_every_format_of_the_issue_is_defined() -> None:
    assert format_ids() == [
        "fr-iv", "fr-v", "fr-vi", "fr-xxi-a", "fr-xxi-b", "cdmx-121-iv", "cdmx-121-xxii",
    ]  # fmt: skip
    fr_iv = definition_for("fr-iv", on=date(2024, 1, 1))
    assert fr_iv.title == "Objetivos y metas institucionales"
    assert fr_iv.legal_basis == (
        "Ley General de Transparencia y Acceso a la Información Pública, artículo 70, fracción IV"
    )
    cdmx = definition_for("cdmx-121-iv", on=date(2024, 1, 1))
    assert cdmx.legal_basis.startswith("Ley de Transparencia, Acceso a la Información Pública")
    assert "artículo 121, fracción IV" in cdmx.legal_basis
    fr_vi = definition_for("fr-vi", on=date(2024, 1, 1))
    fr_v = definition_for("fr-v", on=date(2024, 1, 1))
    # fr. VI adds the program's name before the objective.
    assert [c.key for c in fr_vi.columns if c.key != "program"] == [c.key for c in fr_v.columns]
    assert fr_vi.headers.index("Nombre del programa o concepto al que corresponde el indicador") < (
        fr_vi.headers.index("Objetivo institucional")
    )


def _write(tmp_path: Path, name: str, data: object) -> Path:
    (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def _copy(format_id: str) -> dict:  # type: ignore[type-arg]
    return json.loads((DEFINITIONS_DIR / f"{format_id}.json").read_text(encoding="utf-8"))


def test_a_new_version_of_the_law_is_a_data_change(tmp_path: Path) -> None:
    old = _copy("fr-iv")
    new = _copy("fr-iv")
    new.update(version="2025", valid_from="2025-03-21")
    new["columns"] = [c for c in new["columns"] if c["key"] != "validated_on"]
    _write(tmp_path, "a.json", old)
    _write(tmp_path, "b.json", new)
    loaded = load_definitions(tmp_path)
    assert [(d.id, d.version) for d in loaded] == [("fr-iv", "2018"), ("fr-iv", "2025")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"header_row": 2}, "header_row"),
        ({"first_data_row": 5}, "first_data_row"),
        ({"dataset": "nada"}, "datos «nada» desconocidos"),
        ({"valid_from": "21/03/2025"}, "valid_from"),
        ({"id": "Fr IV"}, "id «Fr IV» inválido"),
    ],
)
def test_bad_definitions_are_refused_with_the_file_and_field(
    tmp_path: Path,
    change: dict,
    message: str,  # type: ignore[type-arg]
) -> None:
    data = _copy("fr-iv")
    data.update(change)
    _write(tmp_path, "fr-iv.json", data)
    with pytest.raises(DefinitionError, match=r"fr-iv\.json") as exc:
        load_definitions(tmp_path)
    assert message in str(exc.value)


def test_a_column_with_an_unknown_source_or_type_is_refused(tmp_path: Path) -> None:
    data = _copy("fr-v")
    data["columns"][4]["source"] = "presupuesto"
    _write(tmp_path, "fr-v.json", data)
    with pytest.raises(DefinitionError, match="origen «presupuesto» desconocido"):
        load_definitions(tmp_path)
    data = _copy("fr-v")
    data["columns"][0]["type"] = "moneda"
    _write(tmp_path, "fr-v.json", data)
    with pytest.raises(DefinitionError, match="tipo «moneda»"):
        load_definitions(tmp_path)


def test_unknown_format_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        versions("fr-xl")
