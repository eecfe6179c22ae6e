"""Pure rules of KRA sets: weights, gates, texts, and what publishing requires (scoring.md §6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from kra_api.errors import FieldError
from kra_api.models import Kra, KraItem
from kra_api.numbers import format_decimal

HUNDRED = Decimal(100)
MAX_WEIGHT_SCALE = 6
MAX_BOUND_SCALE = 10
MAX_MAGNITUDE = Decimal("1e15")
MAX_TEXT = 2000
SET_PATH = ("input", "kraSetId")


@dataclass(frozen=True)
class GateIn:
    """Bounds of a gate: it passes when ``minimum <= value <= maximum`` (either may be absent)."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None


def decimal_problem(value: Decimal, max_scale: int) -> str | None:
    """Why ``value`` is not a storable number (None when it is)."""
    if not value.is_finite():
        return "must be a finite number"
    if abs(value) >= MAX_MAGNITUDE:
        return f"must be below {format_decimal(MAX_MAGNITUDE)} in magnitude"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_scale:
        return f"must have at most {max_scale} decimal places"
    return None


def weight_errors(weight: Decimal, *path: str) -> list[FieldError]:
    """A weight is a decimal in (0, 100] with at most 6 decimal places."""
    problem = decimal_problem(weight, MAX_WEIGHT_SCALE)
    if problem is None and not 0 < weight <= HUNDRED:
        problem = "must be greater than 0 and at most 100"
    return [] if problem is None else [FieldError("INVALID", f"weight {problem}", path)]


def gate_errors(gate: GateIn, *path: str) -> list[FieldError]:
    """A gate needs at least one bound, and ``minimum <= maximum``."""
    if gate.minimum is None and gate.maximum is None:
        return [FieldError("INVALID", "a gate needs a minimum, a maximum or both", path)]
    errors: list[FieldError] = []
    for name, bound in (("minimum", gate.minimum), ("maximum", gate.maximum)):
        problem = None if bound is None else decimal_problem(bound, MAX_BOUND_SCALE)
        if problem is not None:
            errors.append(FieldError("INVALID", f"{name} {problem}", (*path, name)))
    if (
        not errors
        and gate.minimum is not None
        and gate.maximum is not None
        and gate.minimum > gate.maximum
    ):
        message = "minimum must not be above maximum"
        errors.append(FieldError("INVALID", message, (*path, "minimum")))
    return errors


def weight_xor_gate_errors(
    weight: Decimal | None, gate: GateIn | None, *, required: bool
) -> list[FieldError]:
    """An item has a weight or a gate, never both (and, when ``required``, one of them)."""
    if weight is not None and gate is not None:
        message = "an item has a weight or a gate, not both: a gate has no weight"
        return [FieldError("INVALID", message, ("input", "gate"))]
    if required and weight is None and gate is None:
        return [FieldError("INVALID", "give a weight, or a gate", ("input", "weight"))]
    errors: list[FieldError] = []
    if weight is not None:
        errors += weight_errors(weight, "input", "weight")
    if gate is not None:
        errors += gate_errors(gate, "input", "gate")
    return errors


def text_errors(value: str | None, *path: str) -> list[FieldError]:
    """An optional description or objective holds at most 2000 characters."""
    if value is not None and len(value) > MAX_TEXT:
        message = f"must be at most {MAX_TEXT} characters"
        return [FieldError("INVALID", message, path)]
    return []


def blank_to_none(value: str | None) -> str | None:
    """Optional texts are stored trimmed; blank becomes null."""
    return (value or "").strip() or None


def _total(weights: Sequence[Decimal]) -> Decimal:
    return sum(weights, Decimal(0))


def publish_errors(
    kras: Sequence[Kra], items: Mapping[UUID, Sequence[KraItem]], codes: Mapping[UUID, str]
) -> list[FieldError]:
    """Why a draft cannot be published: weight totals, empty KRAs, repeated KPIs.

    ``items`` maps a KRA id to its items; ``codes`` a KPI id to its code (for messages).
    """
    errors: list[FieldError] = []
    total = _total([k.weight for k in kras])
    if total != HUNDRED:
        parts = ", ".join(f"{k.title} {format_decimal(k.weight)}" for k in kras) or "no KRA"
        message = (
            f"KRA weights total {format_decimal(total)} ({parts}); they must total exactly 100"
        )
        errors.append(FieldError("WEIGHTS_TOTAL", message, SET_PATH))
    weighted_in: dict[UUID, list[str]] = defaultdict(list)
    gated_in: dict[UUID, list[str]] = defaultdict(list)
    for kra in kras:
        weighted = [i for i in items.get(kra.id, []) if not i.is_gate]
        for item in items.get(kra.id, []):
            (gated_in if item.is_gate else weighted_in)[item.kpi_id].append(kra.title)
        if not weighted:
            message = f"KRA {kra.title!r} has no weighted item"
            errors.append(FieldError("EMPTY_KRA", message, SET_PATH))
            continue
        item_total = _total([i.weight for i in weighted if i.weight is not None])
        if item_total != HUNDRED:
            message = (
                f"weighted items of KRA {kra.title!r} total {format_decimal(item_total)}; "
                "they must total exactly 100"
            )
            errors.append(FieldError("WEIGHTS_TOTAL", message, SET_PATH))
    for kind, places in (("weighted item", weighted_in), ("gate", gated_in)):
        for kpi_id, titles in places.items():
            if len(titles) > 1:
                message = (
                    f"{codes.get(kpi_id, '?')} is a {kind} more than once "
                    f"(in {', '.join(repr(t) for t in titles)}); at most once per KRA set"
                )
                errors.append(FieldError("DUPLICATE_KPI", message, SET_PATH))
    return errors
