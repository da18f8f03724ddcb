"""Indicator formulas: a small arithmetic language parsed by hand and evaluated with Decimal.

A formula is what the ficha técnica calls «método de cálculo»: arithmetic over the
indicator's named variables, e.g. ``porcentaje = atendidas / solicitadas * 100``.

Grammar (nothing else is accepted; there is no ``eval`` and no Python ``ast`` here)::

    formula    := [ NAME "=" ] expression
    expression := operand ( ("+" | "-" | "*" | "/" | "^") operand )*   (usual precedence)
    operand    := ("-" | "+")* atom "%"*
    atom       := NUMBER | NAME | "(" expression ")"

- ``NUMBER``: ASCII digits with an optional ``.`` and decimals (``100``, ``0.5``, ``.5``).
  A comma is refused: decimals use a point and there are no thousands separators.
- ``NAME``: letters (any alphabet, so ``año``), digits and ``_``, not starting with a digit.
  ``x`` is a name like any other; ``×`` and ``÷`` are refused with a hint.
- Precedence, high to low: postfix ``%`` (divides by 100), ``^`` (right associative;
  the exponent must be a whole number between -10 and 10), unary ``-``/``+``
  (so ``-2^2 = -4``), ``*`` and ``/``, ``+`` and ``-``.
- An optional leading ``label =`` is accepted and ignored.

Evaluation uses a local decimal context (28 significant digits) and returns the exact
Decimal; callers round for display. Every error is a ``FormulaError`` with a Spanish
``message`` and, where it helps, the 0-based ``position`` in the text (the message itself
says «carácter N», counting from 1 as a person does).
"""

from __future__ import annotations

import decimal
import unicodedata
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal

from rumbo.core.numbers import format_mx

MAX_LENGTH = 500
MAX_DEPTH = 30
MAX_OPERATORS = 60
MAX_EXPONENT = 10
MAX_MAGNITUDE = Decimal(10) ** 15
PRECISION = 28

_DIGITS = "0123456789"
_SPACES = frozenset(" \t\u00a0\u202f")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_BINARY = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 40}
_UNARY_BP = 30
_HINTS = {
    "×": "Use «*» para multiplicar",
    "·": "Use «*» para multiplicar",
    "÷": "Use «/» para dividir",
    ",": (
        "La coma no se admite: escriba los decimales con punto y sin separador de miles "
        "(p. ej. 1234.5)"
    ),
    "[": "No se permiten corchetes ni índices",
    "]": "No se permiten corchetes ni índices",
    "'": "No se permiten textos entre comillas",
    '"': "No se permiten textos entre comillas",
    "«": "No se permiten textos entre comillas",
    "»": "No se permiten textos entre comillas",
    "“": "No se permiten textos entre comillas",
    "”": "No se permiten textos entre comillas",
}


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated; ``message`` is for the user."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message


def _at(position: int) -> str:
    return f" (carácter {position + 1})"


def _show(ch: str) -> str:
    """A character as it can be quoted in a message (invisible ones by code point)."""
    if ch.isprintable() and not ch.isspace():
        return f"«{ch}»"
    return f"U+{ord(ch):04X}"


# --- tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "(", ")", "=", "end"
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACES:
            i += 1
            continue
        if ch in _LINE_BREAKS:
            raise FormulaError("La fórmula debe escribirse en una sola línea" + _at(i), i)
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            if ch == "." and tokens and tokens[-1].kind in ("name", ")"):
                raise FormulaError("No se permite el acceso a atributos" + _at(i), i)
            start = i
            while i < n and text[i] in _DIGITS:
                i += 1
            if i < n and text[i] == ".":
                i += 1
                if i >= n or text[i] not in _DIGITS:
                    raise FormulaError(
                        f"Número incompleto «{text[start:i]}»: faltan los decimales" + _at(start),
                        start,
                    )
                while i < n and text[i] in _DIGITS:
                    i += 1
            if i < n and text[i] == ".":
                while i < n and (text[i] in _DIGITS or text[i] == "."):
                    i += 1
                raise FormulaError(
                    f"Número mal escrito «{text[start:i]}»: tiene más de un punto" + _at(start),
                    start,
                )
            tokens.append(_Token("num", text[start:i], start))
            continue
        if ch.isalpha() or ch == "_":
            start = i
            while i < n and (text[i].isalpha() or text[i] in _DIGITS or text[i] == "_"):
                i += 1
            tokens.append(_Token("name", text[start:i], start))
            continue
        if ch == "*" and i + 1 < n and text[i + 1] == "*":
            raise FormulaError("Use «^» para las potencias, no «**»" + _at(i), i)
        if ch in "+-*/^%":
            tokens.append(_Token("op", ch, i))
            i += 1
            continue
        if ch == "(" and tokens and tokens[-1].kind == "name":
            name = tokens[-1]
            raise FormulaError(
                f"No se permiten funciones: «{name.text}(» no es una operación válida"
                + _at(name.start),
                name.start,
            )
        if ch in "()":
            tokens.append(_Token(ch, ch, i))
            i += 1
            continue
        if ch == "=":
            tokens.append(_Token("=", ch, i))
            i += 1
            continue
        if ch == ".":
            if tokens and tokens[-1].kind in ("name", ")"):
                raise FormulaError("No se permite el acceso a atributos" + _at(i), i)
            raise FormulaError("Punto sin número" + _at(i), i)
        if ch in _HINTS:
            raise FormulaError(f"{_HINTS[ch]}{_at(i)}", i)
        raise FormulaError(f"Carácter no permitido {_show(ch)}{_at(i)}", i)
    tokens.append(_Token("end", "", n))
    return tokens


# --- syntax tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True)
class Number(Node):
    value: Decimal


@dataclass(frozen=True)
class Variable(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-" or "+"
    operand: Node


@dataclass(frozen=True)
class Percent(Node):
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # "+", "-", "*", "/", "^"
    left: Node
    right: Node


class _Parser:
    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.operators = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def count_operator(self, tok: _Token) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise FormulaError(
                f"La fórmula tiene demasiadas operaciones; el máximo es {MAX_OPERATORS}"
                + _at(tok.start),
                tok.start,
            )

    def expression(self, min_bp: int) -> Node:
        left = self.prefix()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text == "%":  # binds tightest: always taken here
                self.take()
                self.count_operator(tok)
                left = Percent(left.start, tok.end, left)
                continue
            if tok.kind == "op":
                bp = _BINARY[tok.text]
                if bp < min_bp:
                    break
                self.take()
                self.count_operator(tok)
                # "^" is right associative: its right side may hold another "^".
                right = self.expression(bp if tok.text == "^" else bp + 1)
                node = Binary(left.start, right.end, tok.text, left, right)
                if tok.text == "^":
                    _check_constant_exponent(node, self.text)
                left = node
                continue
            if tok.kind in ("end", ")"):
                break
            self.missing_operator(left, tok)
        return left

    def missing_operator(self, left: Node, tok: _Token) -> None:
        if tok.kind == "=":
            raise FormulaError(
                "El signo «=» solo se admite al inicio, para nombrar el resultado "
                "(«porcentaje = …»)" + _at(tok.start),
                tok.start,
            )
        shown = self.text[left.start : left.end]
        if len(shown) > 20:
            shown = shown[:20] + "…"
        raise FormulaError(
            f"Falta un operador entre «{shown}» y «{tok.text}»" + _at(tok.start), tok.start
        )

    def prefix(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            value = Decimal(tok.text)
            if value > MAX_MAGNITUDE:
                raise FormulaError(
                    f"El número «{tok.text}» es demasiado grande; el máximo es "
                    f"{format_mx(MAX_MAGNITUDE)}" + _at(tok.start),
                    tok.start,
                )
            return Number(tok.start, tok.end, value)
        if tok.kind == "name":
            return Variable(tok.start, tok.end, tok.text)
        if tok.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(
                    f"Demasiados paréntesis anidados; el máximo es {MAX_DEPTH} niveles"
                    + _at(tok.start),
                    tok.start,
                )
            if self.peek().kind == ")":
                raise FormulaError("Paréntesis vacíos «()»" + _at(tok.start), tok.start)
            inner = self.expression(0)
            close = self.take()
            if close.kind != ")":
                raise FormulaError("Falta cerrar el paréntesis abierto" + _at(tok.start), tok.start)
            self.depth -= 1
            return _regroup(inner, tok.start, close.end)
        if tok.kind == "op" and tok.text in "+-":
            self.count_operator(tok)
            operand = self.expression(_UNARY_BP)
            return Unary(tok.start, operand.end, tok.text, operand)
        if tok.kind == "end":
            previous = self.tokens[self.i - 2] if self.i >= 2 else None
            if previous is not None and previous.kind == "op":
                raise FormulaError(
                    f"La fórmula termina con el operador «{previous.text}»: falta un valor",
                    previous.start,
                )
            if previous is not None and previous.kind == "=":
                raise FormulaError("Falta la expresión después de «=»", previous.start)
            if previous is not None and previous.kind == "(":
                raise FormulaError(
                    "Falta cerrar el paréntesis abierto" + _at(previous.start), previous.start
                )
            raise FormulaError("La fórmula está vacía", None)
        if tok.kind == ")":
            previous = self.tokens[self.i - 2] if self.i >= 2 else None
            if previous is not None and previous.kind == "op":
                raise FormulaError(
                    f"Falta un valor después de «{previous.text}»" + _at(tok.start), tok.start
                )
            raise FormulaError("Paréntesis de cierre «)» sin apertura" + _at(tok.start), tok.start)
        if tok.kind == "=":
            raise FormulaError(
                "El signo «=» solo se admite al inicio, después de un nombre («porcentaje = …»)"
                + _at(tok.start),
                tok.start,
            )
        # A binary operator where a value should be.
        previous = self.tokens[self.i - 2] if self.i >= 2 else None
        if previous is not None and previous.kind == "op":
            raise FormulaError(
                f"Dos operadores seguidos: «{previous.text}» y «{tok.text}»" + _at(tok.start),
                tok.start,
            )
        raise FormulaError(f"Falta un valor antes de «{tok.text}»" + _at(tok.start), tok.start)


def _regroup(node: Node, start: int, end: int) -> Node:
    """The same node, with its span widened to its parentheses (for quoting in messages)."""
    if isinstance(node, Number):
        return Number(start, end, node.value)
    if isinstance(node, Variable):
        return Variable(start, end, node.name)
    if isinstance(node, Unary):
        return Unary(start, end, node.op, node.operand)
    if isinstance(node, Percent):
        return Percent(start, end, node.operand)
    if isinstance(node, Binary):
        return Binary(start, end, node.op, node.left, node.right)
    raise TypeError(node)  # pragma: no cover - the five node types are exhaustive


def _has_variables(node: Node) -> bool:
    if isinstance(node, Variable):
        return True
    if isinstance(node, Unary | Percent):
        return _has_variables(node.operand)
    if isinstance(node, Binary):
        return _has_variables(node.left) or _has_variables(node.right)
    return False


def _check_constant_exponent(node: Binary, text: str) -> None:
    """Refuse ``9^999999`` while parsing when the exponent needs no variable."""
    if not _has_variables(node.right):
        with _context():
            _exponent(_eval(node.right, {}, text), node.right, text)


# --- evaluation -------------------------------------------------------------------------


def _context() -> AbstractContextManager[decimal.Context]:
    ctx = decimal.Context(
        prec=PRECISION,
        rounding=decimal.ROUND_HALF_EVEN,
        Emax=999_999,
        Emin=-999_999,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )
    return decimal.localcontext(ctx)


def _source(node: Node, text: str) -> str:
    return text[node.start : node.end].strip()


def _bounded(value: Decimal, node: Node, text: str) -> Decimal:
    if abs(value) > MAX_MAGNITUDE:
        raise FormulaError(
            f"El resultado de «{_short(_source(node, text))}» es demasiado grande: supera "
            f"{format_mx(MAX_MAGNITUDE)} en valor absoluto",
            node.start,
        )
    return value


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _exponent(value: Decimal, node: Node, text: str) -> int:
    if value != value.to_integral_value():
        raise FormulaError(
            f"El exponente «{_short(_source(node, text))}» debe ser un número entero"
            + _at(node.start),
            node.start,
        )
    if abs(value) > MAX_EXPONENT:
        raise FormulaError(
            f"El exponente «{_short(_source(node, text))}» vale {format_mx(value)}; "
            f"el máximo admitido es {MAX_EXPONENT}" + _at(node.start),
            node.start,
        )
    return int(value)


def _division_by_zero(divisor: Node, text: str) -> FormulaError:
    if isinstance(divisor, Number):
        detail = ""
    elif isinstance(divisor, Variable):
        detail = f" ({divisor.name} = 0)"
    else:
        detail = f" («{_short(_source(divisor, text))}» = 0)"
    return FormulaError(f"División entre cero: el divisor vale 0{detail}", divisor.start)


def _eval(node: Node, values: Mapping[str, Decimal], text: str) -> Decimal:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Variable):
        return values[node.name]
    if isinstance(node, Unary):
        operand = _eval(node.operand, values, text)
        return -operand if node.op == "-" else +operand
    if isinstance(node, Percent):
        return _eval(node.operand, values, text) / 100
    if not isinstance(node, Binary):  # pragma: no cover - the five node types are exhaustive
        raise TypeError(node)
    left = _eval(node.left, values, text)
    right = _eval(node.right, values, text)
    if node.op == "+":
        result = left + right
    elif node.op == "-":
        result = left - right
    elif node.op == "*":
        result = left * right
    elif node.op == "/":
        if right == 0:
            raise _division_by_zero(node.right, text)
        result = left / right
    else:
        exponent = _exponent(right, node.right, text)
        if left == 0 and exponent == 0:
            raise FormulaError(
                f"«{_short(_source(node, text))}»: cero elevado a cero no está definido",
                node.start,
            )
        if left == 0 and exponent < 0:
            raise FormulaError(
                f"División entre cero: «{_short(_source(node, text))}» eleva 0 a un "
                "exponente negativo",
                node.start,
            )
        result = left**exponent
    return _bounded(result, node, text)


def _variables(node: Node, seen: dict[str, int]) -> None:
    if isinstance(node, Variable):
        seen.setdefault(node.name, node.start)
    elif isinstance(node, Unary | Percent):
        _variables(node.operand, seen)
    elif isinstance(node, Binary):
        _variables(node.left, seen)
        _variables(node.right, seen)


# --- public face ------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, optional label, syntax tree and variables."""

    text: str
    label: str | None
    root: Node
    _positions: tuple[tuple[str, int], ...]

    @property
    def variables(self) -> tuple[str, ...]:
        """The names the formula uses, in order of first appearance."""
        return tuple(name for name, _ in self._positions)

    @property
    def expression(self) -> str:
        """The text after the optional label."""
        return self.text[self.root.start : self.root.end].strip()

    def check_names(self, allowed: Iterable[str]) -> None:
        """Raise naming the first name that is not one of ``allowed``."""
        names = list(allowed)
        known = set(names)
        for name, position in self._positions:
            if name not in known:
                listed = ", ".join(names) if names else "ninguna declarada"
                raise FormulaError(
                    f"«{name}» no es una variable del indicador; las variables son: {listed}",
                    position,
                )

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal:
        """The value of the formula for ``values`` (variable name → Decimal)."""
        ready: dict[str, Decimal] = {}
        for name, position in self._positions:
            value = values.get(name)
            if value is None:
                raise FormulaError(f"Falta el valor de «{name}»", position)
            if isinstance(value, bool) or not isinstance(value, Decimal | int):
                raise FormulaError(f"El valor de «{name}» no es un número", position)
            value = Decimal(value)
            if not value.is_finite():
                raise FormulaError(f"El valor de «{name}» no es un número finito", position)
            ready[name] = value
        try:
            with _context():
                return _bounded(_eval(self.root, ready, self.text), self.root, self.text)
        except decimal.DecimalException as exc:  # pragma: no cover - guarded above
            raise FormulaError("La fórmula no se pudo calcular con estos valores", None) from exc


def parse(text: str) -> Formula:
    """Parse ``text`` into a Formula or raise FormulaError with a Spanish message."""
    if not isinstance(text, str):
        raise FormulaError("La fórmula debe ser texto", None)
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"La fórmula es demasiado larga: {format_mx(len(text))} caracteres; "
            f"el máximo es {MAX_LENGTH}",
            None,
        )
    text = unicodedata.normalize("NFC", text)
    if not text.strip(" \t\u00a0\u202f"):
        raise FormulaError("La fórmula está vacía", None)
    tokens = _tokenize(text)
    label: str | None = None
    start = 0
    if len(tokens) >= 2 and tokens[0].kind == "name" and tokens[1].kind == "=":
        label = tokens[0].text
        start = 2
        if tokens[2].kind == "end":
            raise FormulaError(f"Falta la expresión después de «{label} =»", tokens[1].start)
    parser = _Parser(text, tokens)
    parser.i = start
    root = parser.expression(0)
    tok = parser.peek()
    if tok.kind == ")":
        raise FormulaError("Paréntesis de cierre «)» sin apertura" + _at(tok.start), tok.start)
    seen: dict[str, int] = {}
    _variables(root, seen)
    return Formula(text=text, label=label, root=root, _positions=tuple(seen.items()))


def evaluate(text: str, values: Mapping[str, Decimal | None]) -> Decimal:
    """Shortcut: ``parse(text).evaluate(values)``."""
    return parse(text).evaluate(values)
