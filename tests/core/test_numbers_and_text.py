from decimal import Decimal

import pytest

from rumbo.core.numbers import (
    format_mx,
    format_pesos,
    has_quantity,
    parse_number,
    quantity_tokens,
    to_json_number,
)
from rumbo.core.text import acronym, clean, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4,060", Decimal("4060")),
        ("1,120", Decimal("1120")),
        ("0.33", Decimal("0.33")),
        ("12", Decimal("12")),
        ("1,234,567.5", Decimal("1234567.5")),
        ("", None),
        ("S/C", None),
        ("12a", None),
        ("1,23", None),
        ("120 Áreas", None),
    ],
)
def test_parse_number(text: str, expected: Decimal | None) -> None:
    assert parse_number(text) == expected


def test_json_numbers_are_plain() -> None:
    assert to_json_number(Decimal("12.0000")) == 12
    assert isinstance(to_json_number(Decimal("12.0000")), int)
    assert to_json_number(Decimal("0.2500")) == 0.25
    assert to_json_number(None) is None


def test_format_mx() -> None:
    assert format_mx(Decimal("4060")) == "4,060"
    assert format_mx(Decimal("1234.5")) == "1,234.5"
    assert format_mx(Decimal("0.2500")) == "0.25"
    assert format_mx(Decimal("2"), places=1) == "2.0"


def test_format_pesos() -> None:
    assert format_pesos(Decimal("1234567.891")) == "$1,234,567.89"
    assert format_pesos(Decimal("0.005")) == "$0.01"  # half up to the cent
    assert format_pesos(Decimal("-12.5")) == "-$12.50"
    assert format_pesos(0) == "$0.00"
    assert format_pesos(None) == ""


def test_normalize_ignores_accents_case_and_spacing() -> None:
    assert normalize("  Secretaría   EJECUTIVA ") == normalize("secretaria ejecutiva")
    assert clean("a\u00a0 b\n") == "a b"
    assert acronym("Dirección de Organización") == "DO"


def test_acronym_skips_numbers_unless_nothing_else() -> None:
    assert acronym("Órganos Desconcentrados del 01 al 33") == "OD"
    assert acronym("01 33") == "03"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cuatro informes trimestrales", ["cuatro"]),
        ("Doce reportes mensuales", ["doce"]),
        ("Un informe anual", ["un"]),
        ("UNA SESIÓN", ["una"]),
        ("Veintidós cursos", ["veintidos"]),
        ("veintidos cursos", ["veintidos"]),
        ("Dieciséis talleres", ["dieciseis"]),
        ("Quinientas piezas", ["quinientas"]),
        ("Ciento veinte asesorías", ["ciento", "veinte"]),
        ("Mil carteles", ["mil"]),
        ("4,060 solicitudes", ["4,060"]),
        ("0.33", ["0.33"]),
        ("Cuatro informes y 1 anual", ["1", "cuatro"]),
        ("Cumplir con lo programado", []),
        ("Porcentaje de avance", []),
        ("Unidad de informática", []),  # «unidad» is not «una»
        ("", []),
    ],
)
def test_quantities_in_figures_or_in_spanish_words(text: str, expected: list[str]) -> None:
    assert quantity_tokens(text) == expected
    assert has_quantity(text) is bool(expected)
