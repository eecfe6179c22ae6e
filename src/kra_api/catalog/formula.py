"""Safe parser and exact evaluator for KPI formulas (scoring.md §2).

A formula is arithmetic over component names: numbers (``100``, ``0.5``), lower-case names, binary
``+ - * /``, unary minus, parentheses and the functions ``min``/``max`` (two or more arguments) and
``abs`` (one argument). Formulas come from users, so they are tokenized and parsed by hand here and
evaluated by walking a small immutable tree; ``eval``/``compile``/``ast`` are never involved.

Hostile input is bounded: a formula longer than ``MAX_LENGTH`` characters or nested deeper than
``MAX_DEPTH`` levels (parentheses, calls and unary minus) is rejected with a ``FormulaError``
before the parser or the evaluator could exhaust the Python stack. Runs of ``+ -`` or ``* /`` are
kept flat (``Chain``) so the tree depth depends on the nesting only, never on the formula length.

Evaluation uses exact rationals (the scoring engine's C ``Fraction``) so that a value exactly on
a goal anchor hits it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kra_api.scoring.exact import Fraction

MAX_LENGTH = 2000
MAX_DEPTH = 64

_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | _DIGITS
# Upper case is scanned into the word so that ``Aht`` is reported as one bad name, not a stray 'A'.
_WORD_CHARS = _NAME_CHARS | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WHITESPACE = frozenset(" \t\r\n")
_SYMBOLS = frozenset("+-*/(),")
_OPERATORS: dict[str, Callable[[Fraction, Fraction], Fraction]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
# (minimum, maximum) argument counts; None means no upper bound.
_FUNCTIONS: dict[str, tuple[int, int | None]] = {"min": (2, None), "max": (2, None), "abs": (1, 1)}


class FormulaError(ValueError):
    """A formula that cannot be parsed or does not fit its components.

    ``position`` is the 0-based character offset of the problem, or -1 when the problem has no place
    in the formula text (e.g. a component the formula does not use); ``str()`` then omits it.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position < 0:
            return self.message
        return f"{self.message} at position {self.position}"


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal, held exactly."""

    value: Fraction
    position: int


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to a component."""

    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Negate:
    """Unary minus."""

    operand: Node
    position: int


@dataclass(frozen=True, slots=True)
class Chain:
    """A left-associative run of operators of one precedence level, e.g. ``a - b + c``."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """A call to ``min``, ``max`` or ``abs``."""

    function: str
    args: tuple[Node, ...]
    position: int


Node = Number | Name | Negate | Chain | Call


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "name", "eof" or the symbol itself
    text: str
    position: int


def _describe(token: _Token) -> str:
    return "end of formula" if token.kind == "eof" else repr(token.text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.depth = 0
        self.token = self._lex()

    def _lex(self) -> _Token:
        text, i = self.text, self.index
        while i < len(text) and text[i] in _WHITESPACE:
            i += 1
        if i == len(text):
            self.index = i
            return _Token("eof", "", i)
        start, char = i, text[i]
        if char in _SYMBOLS:
            self.index = i + 1
            return _Token(char, char, start)
        if char in _DIGITS:
            while i < len(text) and text[i] in _DIGITS:
                i += 1
            if i + 1 < len(text) and text[i] == "." and text[i + 1] in _DIGITS:
                i += 1
                while i < len(text) and text[i] in _DIGITS:
                    i += 1
            # ``1e5``, ``2x``, ``1.`` and ``1.2.3`` are all typos or unsupported notations.
            if i < len(text) and (text[i] in _WORD_CHARS or text[i] == "."):
                raise FormulaError(f"unexpected {text[i]!r}", i)
            self.index = i
            return _Token("number", text[start:i], start)
        if char in _WORD_CHARS:
            while i < len(text) and text[i] in _WORD_CHARS:
                i += 1
            word = text[start:i]
            if word[0] not in _NAME_START or any(c not in _NAME_CHARS for c in word):
                raise FormulaError(f"invalid name {word!r} (use lower-case a-z, 0-9 and _)", start)
            self.index = i
            return _Token("name", word, start)
        raise FormulaError(f"unexpected {char!r}", start)

    def _advance(self) -> _Token:
        token = self.token
        self.token = self._lex()
        return token

    def _close(self) -> None:
        if self.token.kind != ")":
            found = _describe(self.token)
            raise FormulaError(f"expected ')' but found {found}", self.token.position)
        self._advance()
        self.depth -= 1

    def _enter(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"formula is nested deeper than {MAX_DEPTH} levels", position)

    def parse(self) -> Node:
        if self.token.kind == "eof":
            raise FormulaError("empty formula", 0)
        node = self._sum()
        if self.token.kind != "eof":
            raise FormulaError(f"unexpected {_describe(self.token)}", self.token.position)
        return node

    def _sum(self) -> Node:
        return self._chain(("+", "-"), self._product)

    def _product(self) -> Node:
        return self._chain(("*", "/"), self._unary)

    def _chain(self, operators: tuple[str, str], operand: Callable[[], Node]) -> Node:
        first = operand()
        rest: list[tuple[str, Node]] = []
        while self.token.kind in operators:
            rest.append((self._advance().kind, operand()))
        return Chain(first, tuple(rest)) if rest else first

    def _unary(self) -> Node:
        if self.token.kind != "-":
            return self._primary()
        minus = self._advance()
        self._enter(minus.position)
        node = Negate(self._unary(), minus.position)
        self.depth -= 1
        return node

    def _primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self._advance()
            return Number(Fraction(token.text), token.position)
        if token.kind == "(":
            self._advance()
            self._enter(token.position)
            node = self._sum()
            self._close()
            return node
        if token.kind == "name":
            self._advance()
            if self.token.kind == "(":
                return self._call(token)
            if token.text in _FUNCTIONS:
                raise FormulaError(f"expected '(' after {token.text!r}", self.token.position)
            return Name(token.text, token.position)
        raise FormulaError(f"unexpected {_describe(token)}", token.position)

    def _call(self, name: _Token) -> Call:
        if name.text not in _FUNCTIONS:
            raise FormulaError(f"unknown function {name.text!r}", name.position)
        self._enter(self._advance().position)
        args: list[Node] = []
        if self.token.kind != ")":
            args.append(self._sum())
            while self.token.kind == ",":
                self._advance()
                args.append(self._sum())
        self._close()
        low, high = _FUNCTIONS[name.text]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = f"exactly {low}" if low == high else f"at least {low}"
            noun = "argument" if low == 1 else "arguments"
            message = f"{name.text}() takes {wanted} {noun}, got {len(args)}"
            raise FormulaError(message, name.position)
        return Call(name.text, tuple(args), name.position)


def _evaluate(node: Node, values: Mapping[str, Fraction]) -> Fraction:
    # Recursion is safe: the parser bounds the tree depth by MAX_DEPTH.
    match node:
        case Number(value=value):
            return value
        case Name(name=name):
            return Fraction(values[name])
        case Negate(operand=operand):
            return -_evaluate(operand, values)
        case Chain(first=first, rest=rest):
            result = _evaluate(first, values)
            for symbol, operand in rest:
                result = _OPERATORS[symbol](result, _evaluate(operand, values))
            return result
        case Call(function=function, args=args):
            evaluated = [_evaluate(arg, values) for arg in args]
            if function == "abs":
                return abs(evaluated[0])
            return min(evaluated) if function == "min" else max(evaluated)
    raise TypeError(f"not a formula node: {node!r}")


def _name_positions(node: Node, found: dict[str, int]) -> None:
    match node:
        case Name(name=name, position=position):
            # The walk is in textual order, so the first visit is the first occurrence.
            found.setdefault(name, position)
        case Negate(operand=operand):
            _name_positions(operand, found)
        case Chain(first=first, rest=rest):
            _name_positions(first, found)
            for _, operand in rest:
                _name_positions(operand, found)
        case Call(args=args):
            for arg in args:
                _name_positions(arg, found)


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed KPI formula: the original text, the names it uses and its expression tree."""

    text: str
    names: frozenset[str]
    expression: Node

    def evaluate(self, values: Mapping[str, Fraction]) -> Fraction:
        """Evaluate exactly; ZeroDivisionError on division by zero, KeyError on a missing name."""
        return _evaluate(self.expression, values)

    def name_positions(self) -> dict[str, int]:
        """Map each name used to the offset of its first occurrence, in order of appearance."""
        found: dict[str, int] = {}
        _name_positions(self.expression, found)
        return found

    def validate_against(
        self, components: Sequence[str], min_sample_component: str | None = None
    ) -> list[FormulaError]:
        """List the mismatches between this formula, its components and its min-sample component."""
        # Problems that have no place in the formula text get position -1.
        errors: list[FormulaError] = []
        declared = dict.fromkeys(components)
        if len(declared) != len(components):
            duplicates = sorted({c for c in components if components.count(c) > 1})
            errors += [FormulaError(f"duplicate component {c!r}", -1) for c in duplicates]
        for name, position in self.name_positions().items():
            if name not in declared:
                errors.append(FormulaError(f"unknown component {name!r}", position))
        sample = min_sample_component
        if sample is not None and sample not in declared:
            errors.append(FormulaError(f"min sample component {sample!r} is not a component", -1))
        unused = [c for c in declared if c not in self.names and c != sample]
        errors += [FormulaError(f"component {c!r} is not used by the formula", -1) for c in unused]
        return errors


def parse_formula(text: str) -> Formula:
    """Parse a KPI formula, raising FormulaError with the offset of the first problem."""
    if len(text) > MAX_LENGTH:
        message = f"formula is {len(text)} characters long (maximum {MAX_LENGTH})"
        raise FormulaError(message, MAX_LENGTH)
    expression = _Parser(text).parse()
    found: dict[str, int] = {}
    _name_positions(expression, found)
    return Formula(text, frozenset(found), expression)
