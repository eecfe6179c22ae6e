"""Tests of the KPI formula parser and its exact evaluation."""

from __future__ import annotations

import json
import numbers
import re
from fractions import Fraction
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kra_api.catalog.formula import MAX_DEPTH, Formula, FormulaError, parse_formula


def _catalogue_entries() -> list[dict[str, object]]:
    # Read the raw JSON so that these tests do not depend on the catalogue loader.
    text = resources.files("kra_api.catalog").joinpath("builtin_catalogue.json").read_text("utf-8")
    entries: list[dict[str, object]] = json.loads(text)
    return entries


def _values(**values: int) -> dict[str, Fraction]:
    return {name: Fraction(value) for name, value in values.items()}


@pytest.mark.parametrize("entry", _catalogue_entries(), ids=lambda entry: str(entry["code"]))
def test_every_catalogue_formula_parses_and_validates(entry: dict[str, object]) -> None:
    formula = parse_formula(str(entry["formula"]))
    components = [c["name"] for c in entry["components"]]  # type: ignore[attr-defined]
    sample = entry["min_sample"]
    sample_component = sample["component"] if sample else None  # type: ignore[index]
    assert formula.validate_against(components, sample_component) == []
    assert formula.names <= set(components)


def test_team_aht_is_a_ratio_of_sums() -> None:
    formula = parse_formula("handle_seconds / handled")
    assert formula.evaluate(_values(handle_seconds=67_500, handled=200)) == Fraction(675, 2)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        (
            "(promoters - detractors) / responses * 100",
            _values(promoters=60, detractors=15, responses=120),
            Fraction(75, 2),
        ),
        (
            "handle_seconds / (handle_seconds + available_seconds) * 100",
            _values(handle_seconds=27_000, available_seconds=9_000),
            Fraction(75),
        ),
        (
            "separations / ((headcount_start + headcount_end) / 2) * 100",
            _values(separations=3, headcount_start=40, headcount_end=20),
            Fraction(10),
        ),
        ("positive / responses * 100", _values(positive=46, responses=52), Fraction(1150, 13)),
        ("min(a, b, c)", _values(a=3, b=-2, c=7), Fraction(-2)),
        ("max(a, b)", _values(a=3, b=-2), Fraction(3)),
        ("abs(a - b)", _values(a=3, b=10), Fraction(7)),
        ("min(max(a, 0), 100)", _values(a=140), Fraction(100)),
        ("-a", _values(a=5), Fraction(-5)),
        ("--a", _values(a=5), Fraction(5)),
        ("-a * b", _values(a=2, b=3), Fraction(-6)),
        ("a - -b", _values(a=2, b=3), Fraction(5)),
        ("2 * -(a + b)", _values(a=2, b=3), Fraction(-10)),
        ("a + b * c", _values(a=1, b=2, c=3), Fraction(7)),
        ("(a + b) * c", _values(a=1, b=2, c=3), Fraction(9)),
        ("a - b - c", _values(a=10, b=3, c=2), Fraction(5)),
        ("a / b / c", _values(a=24, b=4, c=2), Fraction(3)),
        ("a - b + c", _values(a=10, b=3, c=2), Fraction(9)),
        ("a / b * c", _values(a=1, b=3, c=3), Fraction(1)),
        ("0.1 + 0.2", {}, Fraction(3, 10)),
        ("a * 0.5", _values(a=3), Fraction(3, 2)),
        ("007 + 1.50", {}, Fraction(17, 2)),
        ("failures", _values(failures=0), Fraction(0)),
        ("\ta\n+\r b ", _values(a=1, b=2), Fraction(3)),
    ],
)
def test_exact_evaluation(text: str, values: dict[str, Fraction], expected: Fraction) -> None:
    result = parse_formula(text).evaluate(values)
    assert result == expected
    assert isinstance(result, numbers.Rational)  # exact, never a float


def test_numbers_are_exact_rationals() -> None:
    assert parse_formula("0.1 * 3").evaluate({}) == Fraction(3, 10)
    assert parse_formula("0.1 * 3").evaluate({}) != Fraction(0.1) * 3


def test_division_by_zero_raises_zero_division_error() -> None:
    formula = parse_formula("positive / responses * 100")
    with pytest.raises(ZeroDivisionError):
        formula.evaluate(_values(positive=0, responses=0))
    with pytest.raises(ZeroDivisionError):
        parse_formula("a / (b - b)").evaluate(_values(a=1, b=4))


def test_missing_name_raises_key_error() -> None:
    with pytest.raises(KeyError, match="responses"):
        parse_formula("positive / responses").evaluate(_values(positive=1))


def test_formula_keeps_text_and_names_and_is_immutable() -> None:
    formula = parse_formula("min(a, b) / a + 2")
    assert formula.text == "min(a, b) / a + 2"
    assert formula.names == frozenset({"a", "b"})
    assert formula.name_positions() == {"a": 4, "b": 7}
    assert formula == parse_formula("min(a, b) / a + 2")
    assert hash(formula) == hash(parse_formula("min(a, b) / a + 2"))
    with pytest.raises(AttributeError):
        formula.text = "b"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("__import__('os')", "unknown function '__import__'", 0),
        ("a.b", "unexpected '.'", 1),
        ("a ** 2", "unexpected '*'", 3),
        ("a // b", "unexpected '/'", 3),
        ("a % b", "unexpected '%'", 2),
        ("pow(a, 2)", "unknown function 'pow'", 0),
        ("x + sum(a, b)", "unknown function 'sum'", 4),
        ("min(a)", "min() takes at least 2 arguments, got 1", 0),
        ("max()", "max() takes at least 2 arguments, got 0", 0),
        ("abs(a, b)", "abs() takes exactly 1 argument, got 2", 0),
        ("1 + abs()", "abs() takes exactly 1 argument, got 0", 4),
        ("min + 1", "expected '(' after 'min'", 4),
        ("", "empty formula", 0),
        ("   ", "empty formula", 0),
        ("(a", "expected ')' but found end of formula", 2),
        ("min(a, b", "expected ')' but found end of formula", 8),
        ("(a b)", "expected ')' but found 'b'", 3),
        ("a)", "unexpected ')'", 1),
        ("a b", "unexpected 'b'", 2),
        ("a +", "unexpected end of formula", 3),
        ("* a", "unexpected '*'", 0),
        ("()", "unexpected ')'", 1),
        ("1e5", "unexpected 'e'", 1),
        ("2x", "unexpected 'x'", 1),
        ("1.", "unexpected '.'", 1),
        (".5", "unexpected '.'", 0),
        ("1.2.3", "unexpected '.'", 3),
        ("'x'", 'unexpected "\'"', 0),
        ('"x"', "unexpected '\"'", 0),
        ("a; b", "unexpected ';'", 1),
        ("a, b", "unexpected ','", 1),
        ("(a, b)", "expected ')' but found ','", 2),
        ("a + Handled", "invalid name 'Handled' (use lower-case a-z, 0-9 and _)", 4),
        ("aB", "invalid name 'aB' (use lower-case a-z, 0-9 and _)", 0),
        ("caf\u00e9", "unexpected '\u00e9'", 3),
        ("a\x00", "unexpected '\\x00'", 1),
        ("a = 1", "unexpected '='", 2),
        ("a[0]", "unexpected '['", 1),
        ("lambda: 1", "unexpected ':'", 6),
        ("+a", "unexpected '+'", 0),
        (
            "(" * 10_000 + "a" + ")" * 10_000,
            "formula is 20001 characters long (maximum 2000)",
            2000,
        ),
        ("a + " * 1250, "formula is 5000 characters long (maximum 2000)", 2000),
        ("(" * 100 + "a" + ")" * 100, f"formula is nested deeper than {MAX_DEPTH} levels", 64),
        ("-" * 1000 + "a", f"formula is nested deeper than {MAX_DEPTH} levels", 64),
        ("abs(" * 100 + "a" + ")" * 100, f"formula is nested deeper than {MAX_DEPTH} levels", 259),
    ],
)
def test_invalid_formula_is_rejected(text: str, message: str, position: int) -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    assert caught.value.message == message
    assert caught.value.position == position
    assert str(caught.value) == f"{message} at position {position}"
    assert isinstance(caught.value, ValueError)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    formula = parse_formula("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    assert formula.evaluate(_values(a=3)) == 3


def test_long_flat_formula_is_evaluated_without_deep_recursion() -> None:
    text = " + ".join(["a"] * 500)
    assert len(text) < 2000
    assert parse_formula(text).evaluate(_values(a=2)) == 1000


def test_unknown_component_is_reported_at_its_first_occurrence() -> None:
    errors = parse_formula("handled / handle_secs + handle_secs").validate_against(
        ["handle_seconds", "handled"]
    )
    assert [(e.message, e.position) for e in errors] == [
        ("unknown component 'handle_secs'", 10),
        ("component 'handle_seconds' is not used by the formula", -1),
    ]
    assert str(errors[0]) == "unknown component 'handle_secs' at position 10"
    assert str(errors[1]) == "component 'handle_seconds' is not used by the formula"


def test_unused_component_is_reported() -> None:
    errors = parse_formula("positive / responses * 100").validate_against(
        ["positive", "responses", "surveys_sent"]
    )
    assert [(e.message, e.position) for e in errors] == [
        ("component 'surveys_sent' is not used by the formula", -1)
    ]


def test_min_sample_component_counts_as_used() -> None:
    formula = parse_formula("points_earned / points_possible * 100")
    components = ["points_earned", "points_possible", "evaluations"]
    assert formula.validate_against(components, "evaluations") == []
    assert [e.message for e in formula.validate_against(components)] == [
        "component 'evaluations' is not used by the formula"
    ]


def test_min_sample_component_must_be_a_component() -> None:
    errors = parse_formula("a / b").validate_against(["a", "b"], "c")
    assert [(e.message, e.position) for e in errors] == [
        ("min sample component 'c' is not a component", -1)
    ]


def test_duplicate_component_is_reported() -> None:
    errors = parse_formula("a / b").validate_against(["a", "b", "a"])
    assert [e.message for e in errors] == ["duplicate component 'a'"]


# A generated expression: its text, its precedence (for minimal parentheses) and its exact value.
_Expr = tuple[str, int, Fraction]
_ATOM, _UNARY, _PRODUCT, _SUM = 4, 3, 2, 1
_NAME_VALUES = {"a": Fraction(7), "b": Fraction(-3), "c": Fraction(0), "d": Fraction(1, 2)}


def _wrap(expr: _Expr, needs_parentheses: bool) -> str:
    return f"({expr[0]})" if needs_parentheses else expr[0]


def _binary(op: str, left: _Expr, right: _Expr) -> _Expr:
    level = _SUM if op in "+-" else _PRODUCT
    # Same-level right operands keep their parentheses so that left-associativity is exercised.
    text = f"{_wrap(left, left[1] < level)} {op} {_wrap(right, right[1] <= level)}"
    if op == "+":
        return text, level, left[2] + right[2]
    if op == "-":
        return text, level, left[2] - right[2]
    return text, level, left[2] * right[2]


def _negate(operand: _Expr) -> _Expr:
    return f"-{_wrap(operand, operand[1] < _UNARY)}", _UNARY, -operand[2]


_LEAVES: st.SearchStrategy[_Expr] = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(lambda n: (str(n), _ATOM, Fraction(n))),
    st.sampled_from(sorted(_NAME_VALUES)).map(lambda name: (name, _ATOM, _NAME_VALUES[name])),
)


def _extend(children: st.SearchStrategy[_Expr]) -> st.SearchStrategy[_Expr]:
    binary = st.builds(_binary, st.sampled_from("+-*"), children, children)
    return st.one_of(binary, children.map(_negate))


_EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=25)


@given(_EXPRESSIONS)
def test_evaluation_matches_fraction_arithmetic(expr: _Expr) -> None:
    text, _, expected = expr
    formula: Formula = parse_formula(text)
    assert formula.evaluate(_NAME_VALUES) == expected


@given(st.text(alphabet="ab01.+-*/(), _eEAx'%", max_size=40))
def test_arbitrary_text_parses_or_raises_formula_error(text: str) -> None:
    result = _parse_or_error(text)
    if isinstance(result, FormulaError):
        assert 0 <= result.position <= len(text)
    else:
        assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", name) for name in result.names)


def _parse_or_error(text: str) -> Formula | FormulaError:
    # Anything but a FormulaError (RecursionError, IndexError, ...) escapes and fails the test.
    try:
        return parse_formula(text)
    except FormulaError as error:
        return error
