from __future__ import annotations

import decimal
import random
from decimal import Decimal

import pytest

from rumbo.indicators.formula import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_OPERATORS,
    Formula,
    FormulaError,
    evaluate,
    parse,
)

D = Decimal


def error_of(text: str, values: dict[str, Decimal | None] | None = None) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        formula = parse(text)
        if values is not None:
            formula.evaluate(values)
    return info.value


# --- arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2+3*4", "14"),
        ("(2+3)*4", "20"),
        ("2^3^2", "512"),
        ("(2^3)^2", "64"),
        ("-2^2", "-4"),
        ("(-2)^2", "4"),
        ("2^-1", "0.5"),
        ("10 - 4 - 3", "3"),
        ("100 / 10 / 5", "2"),
        ("2 * (3 + (4 - 1)) / 3", "4"),
        ("- - 3", "3"),
        ("+3 - -2", "5"),
        ("50% * 200", "100"),
        ("200 * 50%", "100"),
        ("-50%", "-0.5"),
        ("12.5% * 80", "10"),
        ("0.5 + .25", "0.75"),
        ("1 / 3 * 3", "0.9999999999999999999999999999"),  # 28 digits, callers round
        ("((((1))))", "1"),
        ("2 ^ 10", "1024"),
        ("\t7 *\u00a06 ", "42"),
    ],
)
def test_arithmetic_and_precedence(text: str, expected: str) -> None:
    assert parse(text).evaluate({}) == D(expected)


def test_percentage_of_variables() -> None:
    formula = parse("porcentaje = atendidas / solicitadas * 100")
    assert formula.label == "porcentaje"
    assert formula.expression == "atendidas / solicitadas * 100"
    assert formula.variables == ("atendidas", "solicitadas")
    assert formula.evaluate({"atendidas": D(45), "solicitadas": D(60)}) == D(75)


def test_result_is_the_exact_decimal() -> None:
    value = evaluate("a / b", {"a": D(1), "b": D(3)})
    assert value == D(1) / D(3)
    assert len(value.as_tuple().digits) == 28


def test_variables_in_order_of_first_appearance_without_repeats() -> None:
    formula = parse("(b - a) / a * 100 + año_2024 - b")
    assert formula.variables == ("b", "a", "año_2024")


def test_spanish_names_and_x_are_names_not_operators() -> None:
    assert evaluate("año * x", {"año": D(2), "x": D(3)}) == D(6)
    assert evaluate("solicitudes_atendidas + Ñandú", {"solicitudes_atendidas": D(1), "Ñandú": 1})
    assert error_of("2 x 3").message == "Falta un operador entre «2» y «x» (carácter 3)"


def test_decomposed_accents_are_the_same_name() -> None:
    decomposed = "an\u0303o"  # «año» typed as n + combining tilde
    formula = parse(f"{decomposed} + 1")
    assert formula.variables == ("año",)
    assert formula.evaluate({"año": D(1)}) == D(2)


def test_formula_without_variables() -> None:
    formula = parse("4")
    assert formula.variables == ()
    assert isinstance(formula, Formula)
    assert formula.evaluate({}) == D(4)


# --- evaluation errors --------------------------------------------------------------------


def test_division_by_zero_names_the_variable() -> None:
    err = error_of("realizadas / programadas * 100", {"realizadas": D(5), "programadas": D(0)})
    assert err.message == "División entre cero: el divisor vale 0 (programadas = 0)"
    assert err.position == 13


def test_division_by_zero_quotes_a_compound_divisor() -> None:
    err = error_of("a / (b - c)", {"a": D(1), "b": D(2), "c": D(2)})
    assert err.message == "División entre cero: el divisor vale 0 («(b - c)» = 0)"


def test_division_by_literal_zero() -> None:
    assert error_of("5 / 0", {}).message == "División entre cero: el divisor vale 0"
    assert error_of("0^-2", {}).message == (
        "División entre cero: «0^-2» eleva 0 a un exponente negativo"
    )
    assert error_of("0^0", {}).message == "«0^0»: cero elevado a cero no está definido"


def test_missing_variable() -> None:
    err = error_of("atendidas / solicitadas", {"atendidas": D(3)})
    assert err.message == "Falta el valor de «solicitadas»"
    assert err.position == 12
    none_value = error_of("atendidas / solicitadas", {"atendidas": D(3), "solicitadas": None})
    assert none_value.message == "Falta el valor de «solicitadas»"


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity"), 1.5, "3", True])
def test_values_must_be_finite_numbers(bad: object) -> None:
    with pytest.raises(FormulaError) as info:
        parse("a + 1").evaluate({"a": bad})  # type: ignore[dict-item]
    assert info.value.message.startswith("El valor de «a» no es un número")


def test_overflow_of_a_result() -> None:
    err = error_of("a * b", {"a": D(10) ** 8, "b": D(10) ** 8})
    assert err.message == (
        "El resultado de «a * b» es demasiado grande: supera 1,000,000,000,000,000 en valor "
        "absoluto"
    )
    big_value = error_of("a", {"a": D(10) ** 16})
    assert big_value.message.startswith("El resultado de «a» es demasiado grande")
    assert evaluate("a * b", {"a": D(10) ** 7, "b": D(10) ** 8}) == D(10) ** 15


def test_exponent_with_a_variable_is_checked_when_evaluated() -> None:
    formula = parse("2 ^ n")
    assert formula.evaluate({"n": D(10)}) == D(1024)
    assert formula.evaluate({"n": D(-2)}) == D("0.25")
    err = error_of("2 ^ n", {"n": D(11)})
    assert err.message == "El exponente «n» vale 11; el máximo admitido es 10 (carácter 5)"
    fraction = error_of("2 ^ n", {"n": D("0.5")})
    assert fraction.message == "El exponente «n» debe ser un número entero (carácter 5)"


# --- names that are not variables -----------------------------------------------------------


def test_check_names_reports_the_first_unknown_name() -> None:
    formula = parse("a + foo * bar")
    formula.check_names(["a", "foo", "bar"])
    with pytest.raises(FormulaError) as info:
        formula.check_names(["a", "b"])
    assert info.value.message == "«foo» no es una variable del indicador; las variables son: a, b"
    assert info.value.position == 4


def test_check_names_without_declared_variables() -> None:
    with pytest.raises(FormulaError) as info:
        parse("total / 2").check_names([])
    assert info.value.message == (
        "«total» no es una variable del indicador; las variables son: ninguna declarada"
    )


def test_names_are_case_sensitive() -> None:
    with pytest.raises(FormulaError, match="«A» no es una variable"):
        parse("A + 1").check_names(["a"])


# --- syntax errors and hostile input --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "La fórmula está vacía", None),
        ("   ", "La fórmula está vacía", None),
        (
            "__import__('os')",
            "No se permiten funciones: «__import__(» no es una operación válida (carácter 1)",
            0,
        ),
        (
            "sum(a, b)",
            "No se permiten funciones: «sum(» no es una operación válida (carácter 1)",
            0,
        ),
        ("a.__class__", "No se permite el acceso a atributos (carácter 2)", 1),
        ("(a + b).real", "No se permite el acceso a atributos (carácter 8)", 7),
        ("a.5", "No se permite el acceso a atributos (carácter 2)", 1),
        ("a[0]", "No se permiten corchetes ni índices (carácter 2)", 1),
        ("lambda: 1", "Carácter no permitido «:» (carácter 7)", 6),
        ("lambda x: x", "Carácter no permitido «:» (carácter 9)", 8),
        ("lambda x", "Falta un operador entre «lambda» y «x» (carácter 8)", 7),
        ("1;2", "Carácter no permitido «;» (carácter 2)", 1),
        ("a @ b", "Carácter no permitido «@» (carácter 3)", 2),
        ("a\x00b", "Carácter no permitido U+0000 (carácter 2)", 1),
        ("a\nb", "La fórmula debe escribirse en una sola línea (carácter 2)", 1),
        ("a +\r\nb", "La fórmula debe escribirse en una sola línea (carácter 4)", 3),
        ("'a'", "No se permiten textos entre comillas (carácter 1)", 0),
        ('"a" + 1', "No se permiten textos entre comillas (carácter 1)", 0),
        (
            "1,234.5",
            "La coma no se admite: escriba los decimales con punto y sin separador de miles "
            "(p. ej. 1234.5) (carácter 2)",
            1,
        ),
        ("2 × 3", "Use «*» para multiplicar (carácter 3)", 2),
        ("6 ÷ 3", "Use «/» para dividir (carácter 3)", 2),
        ("a ** 2", "Use «^» para las potencias, no «**» (carácter 3)", 2),
        ("(a + b", "Falta cerrar el paréntesis abierto (carácter 1)", 0),
        ("((a + b)", "Falta cerrar el paréntesis abierto (carácter 1)", 0),
        ("a + b)", "Paréntesis de cierre «)» sin apertura (carácter 6)", 5),
        (")", "Paréntesis de cierre «)» sin apertura (carácter 1)", 0),
        ("()", "Paréntesis vacíos «()» (carácter 1)", 0),
        ("(a +)", "Falta un valor después de «+» (carácter 5)", 4),
        ("a +", "La fórmula termina con el operador «+»: falta un valor", 2),
        ("a / b *", "La fórmula termina con el operador «*»: falta un valor", 6),
        ("* a", "Falta un valor antes de «*» (carácter 1)", 0),
        ("a + * b", "Dos operadores seguidos: «+» y «*» (carácter 5)", 4),
        ("2a", "Falta un operador entre «2» y «a» (carácter 2)", 1),
        ("(a) (b)", "Falta un operador entre «(a)» y «(» (carácter 5)", 4),
        ("1.2.3", "Número mal escrito «1.2.3»: tiene más de un punto (carácter 1)", 0),
        ("5. + 1", "Número incompleto «5.»: faltan los decimales (carácter 1)", 0),
        (". + 1", "Punto sin número (carácter 1)", 0),
        ("p =", "Falta la expresión después de «p =»", 2),
        (
            "a = b = c",
            "El signo «=» solo se admite al inicio, para nombrar el resultado "
            "(«porcentaje = …») (carácter 7)",
            6,
        ),
        (
            "= a",
            "El signo «=» solo se admite al inicio, después de un nombre («porcentaje = …») "
            "(carácter 1)",
            0,
        ),
        (
            "9^999999",
            "El exponente «999999» vale 999,999; el máximo admitido es 10 (carácter 3)",
            2,
        ),
        ("9^9^9", "El exponente «9^9» vale 387,420,489; el máximo admitido es 10 (carácter 3)", 2),
        ("2^0.5", "El exponente «0.5» debe ser un número entero (carácter 3)", 2),
        ("2^(1/0)", "División entre cero: el divisor vale 0", 5),
        (
            "9999999999999999 * a",
            "El número «9999999999999999» es demasiado grande; el máximo es "
            "1,000,000,000,000,000 (carácter 1)",
            0,
        ),
    ],
)
def test_rejected_with_a_message(text: str, message: str, position: int | None) -> None:
    err = error_of(text)
    assert err.message == message
    assert str(err) == message
    assert err.position == position
    assert isinstance(err, ValueError)


def test_very_long_input() -> None:
    err = error_of("a+" * 5000)
    assert err.message == "La fórmula es demasiado larga: 10,000 caracteres; el máximo es 500"
    assert len("1" * MAX_LENGTH) == MAX_LENGTH
    with pytest.raises(FormulaError, match="demasiado grande"):
        parse("1" * MAX_LENGTH)  # at the limit it is read, then refused for its size


def test_thousand_nested_parentheses() -> None:
    err = error_of("(" * 1000 + "a" + ")" * 1000)
    assert err.message.startswith("La fórmula es demasiado larga: 2,001 caracteres")


def test_nesting_depth_limit() -> None:
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse(ok).evaluate({"a": D(2)}) == D(2)
    err = error_of("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert err.message == (
        f"Demasiados paréntesis anidados; el máximo es {MAX_DEPTH} niveles (carácter 31)"
    )
    assert err.position == MAX_DEPTH


def test_operator_limit() -> None:
    ok = "+".join(["1"] * (MAX_OPERATORS + 1))
    assert parse(ok).evaluate({}) == MAX_OPERATORS + 1
    err = error_of("+".join(["1"] * (MAX_OPERATORS + 2)))
    assert err.message.startswith(
        f"La fórmula tiene demasiadas operaciones; el máximo es {MAX_OPERATORS}"
    )
    unary_chain = error_of("-" * (MAX_OPERATORS + 1) + "1")
    assert unary_chain.message.startswith("La fórmula tiene demasiadas operaciones")


def test_not_text() -> None:
    with pytest.raises(FormulaError, match="La fórmula debe ser texto"):
        parse(None)  # type: ignore[arg-type]


def test_parse_has_no_side_effects_on_names() -> None:
    # Names are data: nothing is looked up outside the values given.
    formula = parse("__builtins__ + os + self")
    assert formula.variables == ("__builtins__", "os", "self")
    with pytest.raises(FormulaError, match="Falta el valor de «__builtins__»"):
        formula.evaluate({})


# --- property: evaluate equals Decimal arithmetic ---------------------------------------------

VALUES = {"a": D("12.5"), "b": D(4), "c": D("-3"), "d": D("0.2")}


def _reference_context() -> decimal.Context:
    return decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("a + b * c", lambda v: v["a"] + v["b"] * v["c"]),
        ("(a + b) * c", lambda v: (v["a"] + v["b"]) * v["c"]),
        ("a / b * 100", lambda v: v["a"] / v["b"] * 100),
        ("a - b - c", lambda v: v["a"] - v["b"] - v["c"]),
        ("a / b / d", lambda v: v["a"] / v["b"] / v["d"]),
        ("b ^ 3 - c ^ 2", lambda v: v["b"] ** 3 - v["c"] ** 2),
        ("-b ^ 2", lambda v: -(v["b"] ** 2)),
        ("c ^ -3", lambda v: v["c"] ** -3),
        ("(a - b) / b * 100", lambda v: (v["a"] - v["b"]) / v["b"] * 100),
        ("d% * a", lambda v: v["d"] / 100 * v["a"]),
        ("a / 7", lambda v: v["a"] / 7),
    ],
)
def test_matches_decimal_arithmetic(text, reference) -> None:
    with decimal.localcontext(_reference_context()):
        expected = reference(VALUES)
    assert parse(text).evaluate(VALUES) == expected


def _random_expression(rng: random.Random, depth: int) -> tuple[str, Decimal]:
    """A random expression and its value computed directly with Decimal."""
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.5:
            name = rng.choice(sorted(VALUES))
            return name, VALUES[name]
        number = D(rng.randint(0, 999)) / D(rng.choice([1, 10, 100]))
        return str(number), number
    op = rng.choice("+-*/")
    left_text, left = _random_expression(rng, depth - 1)
    right_text, right = _random_expression(rng, depth - 1)
    if op == "/" and right == 0:
        op = "+"
    value = {"+": left + right, "-": left - right, "*": left * right}.get(op)
    if value is None:
        value = left / right
    return f"({left_text} {op} {right_text})", value


def test_random_expressions_match_decimal_arithmetic() -> None:
    rng = random.Random(20240501)
    checked = 0
    for _ in range(300):
        with decimal.localcontext(_reference_context()):
            text, expected = _random_expression(rng, 4)
        if abs(expected) > D(10) ** 12 or len(text) > MAX_LENGTH:
            continue
        assert parse(text).evaluate(VALUES) == expected, text
        checked += 1
    assert checked > 200
