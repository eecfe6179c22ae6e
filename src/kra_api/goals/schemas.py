"""Goal inputs and anchor validation per KPI direction (scoring.md §3); paths into the input."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, fields
from decimal import Decimal

from kra_api.errors import FieldError
from kra_api.kras.rules import decimal_problem
from kra_api.scoring.anchors import Direction, ScoringMode
from kra_api.scoring.goals import AnchorBasis, GoalScopeKind

MAX_ANCHOR_SCALE = 10
ANCHORS_PATH = ("input", "anchors")
RANGE_ANCHORS = ("low_threshold", "low_target", "high_target", "high_threshold")
LINE_ANCHORS = ("threshold", "target", "stretch")


@dataclass(frozen=True)
class AnchorsIn:
    """Anchors of a goal version (multipliers of the baseline when RELATIVE); None: not given."""

    threshold: Decimal | None = None
    target: Decimal | None = None
    stretch: Decimal | None = None
    low_threshold: Decimal | None = None
    low_target: Decimal | None = None
    high_target: Decimal | None = None
    high_threshold: Decimal | None = None

    def given(self) -> dict[str, Decimal]:
        """The anchors that were sent, by column name."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class GoalIn:
    """A goal version for a line (KPI, scope) from a date (to a date, exclusive, or open)."""

    kpi_id: uuid.UUID
    scope_kind: GoalScopeKind
    scope_id: uuid.UUID
    effective_from: dt.date
    anchors: AnchorsIn
    effective_to: dt.date | None = None
    mode: ScoringMode = ScoringMode.LINEAR
    basis: AnchorBasis = AnchorBasis.ABSOLUTE
    reason: str | None = None


def field_name(column: str) -> str:
    """The GraphQL name of an anchor column: ``low_threshold`` → ``lowThreshold``."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def _error(code: str, message: str, column: str) -> FieldError:
    return FieldError(code, message, (*ANCHORS_PATH, field_name(column)))


def _chain(direction: Direction, anchors: AnchorsIn) -> list[FieldError]:
    """Order errors of threshold / target / stretch (each pair blames its second anchor)."""
    higher = direction is Direction.HIGHER_IS_BETTER
    word = "above" if higher else "below"
    errors: list[FieldError] = []
    pairs = [("threshold", "target"), ("target", "stretch")]
    for low, high in pairs:
        a, b = getattr(anchors, low), getattr(anchors, high)
        if a is None or b is None:
            continue
        if not (a < b if higher else a > b):
            message = f"{field_name(high)} must be {word} {field_name(low)} ({direction.value})"
            errors.append(_error("INVALID_ANCHORS", message, high))
    return errors


def _range_chain(anchors: AnchorsIn) -> list[FieldError]:
    """IN_RANGE: lowThreshold < lowTarget <= highTarget < highThreshold."""
    a = anchors
    checks = [
        ("low_target", a.low_threshold, a.low_target, False, "above lowThreshold"),
        ("high_target", a.low_target, a.high_target, True, "at least lowTarget"),
        ("high_threshold", a.high_target, a.high_threshold, False, "above highTarget"),
    ]
    errors: list[FieldError] = []
    for column, low, high, equal_ok, words in checks:
        assert low is not None
        assert high is not None
        if not (low <= high if equal_ok else low < high):
            errors.append(
                _error("INVALID_ANCHORS", f"{field_name(column)} must be {words}", column)
            )
    return errors


def anchor_errors(
    anchors: AnchorsIn, direction: Direction, basis: AnchorBasis, kpi_code: str
) -> list[FieldError]:
    """Every problem of the anchors for a KPI of ``direction``."""
    given = anchors.given()
    errors: list[FieldError] = []
    for column, value in given.items():
        problem = decimal_problem(value, MAX_ANCHOR_SCALE)
        if problem is None and basis is AnchorBasis.RELATIVE and value <= 0:
            problem = "must be greater than 0: relative anchors multiply the baseline"
        if problem is not None:
            errors.append(_error("INVALID_ANCHORS", f"{field_name(column)} {problem}", column))
    in_range = direction is Direction.IN_RANGE
    required = RANGE_ANCHORS if in_range else ("threshold", "target")
    foreign = LINE_ANCHORS if in_range else RANGE_ANCHORS
    for column in foreign:
        if column in given:
            message = f"{field_name(column)} does not apply: {kpi_code} is {direction.value}"
            errors.append(_error("INVALID_ANCHORS", message, column))
    for column in required:
        if column not in given:
            message = f"{field_name(column)} is required: {kpi_code} is {direction.value}"
            errors.append(_error("MISSING_ANCHOR", message, column))
    if errors:
        return errors
    return _range_chain(anchors) if in_range else _chain(direction, anchors)
