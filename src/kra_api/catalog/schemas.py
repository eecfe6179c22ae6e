"""KPI definition inputs and their validation (paths point into the mutation input)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kra_api.catalog.builtin import Aggregation, Direction, KpiSubject, KpiUnit
from kra_api.catalog.formula import FormulaError, parse_formula
from kra_api.errors import FieldError, Invalid
from kra_api.models import Kpi
from kra_api.orgs.service import check_name

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
COMPONENT_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MAX_COMPONENTS = 20
MAX_DESCRIPTION = 2000
CODE_RULE = "code must start with A-Z and use A-Z, 0-9 and '_' (at most 40)"


@dataclass(frozen=True)
class ComponentIn:
    """A named input of a KPI and how its readings aggregate over a period."""

    name: str
    aggregation: Aggregation = Aggregation.SUM


@dataclass(frozen=True)
class MinSampleIn:
    """Below ``minimum`` of ``component`` over a period, a KPI value is not scored."""

    component: str
    minimum: Decimal


@dataclass(frozen=True)
class Definition:
    """What a KPI's values mean and how they are computed (locked once readings exist)."""

    unit: KpiUnit
    direction: Direction
    components: tuple[ComponentIn, ...]
    formula: str
    min_sample: MinSampleIn | None = None


@dataclass(frozen=True)
class KpiIn:
    """A new KPI definition."""

    code: str
    name: str
    description: str | None
    subject: KpiSubject
    definition: Definition


@dataclass(frozen=True)
class KpiChanges:
    """A partial update; ``None`` keeps a field, except where ``*_given`` says it was sent."""

    name: str | None = None
    description: str | None = None
    description_given: bool = False
    unit: KpiUnit | None = None
    direction: Direction | None = None
    components: tuple[ComponentIn, ...] | None = None
    formula: str | None = None
    min_sample: MinSampleIn | None = None
    min_sample_given: bool = False


def _component_errors(components: Sequence[ComponentIn]) -> list[FieldError]:
    path = ("input", "components")
    if not components or len(components) > MAX_COMPONENTS:
        return [FieldError("INVALID", f"a KPI needs 1 to {MAX_COMPONENTS} components", path)]
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, component in enumerate(components):
        where = (*path, str(i), "name")
        if not COMPONENT_PATTERN.match(component.name):
            message = f"component name {component.name!r} must match ^[a-z_][a-z0-9_]*$"
            errors.append(FieldError("INVALID", message, where))
        elif component.name in seen:
            errors.append(FieldError("INVALID", f"component {component.name!r} repeats", where))
        seen.add(component.name)
    return errors


def _min_sample_errors(sample: MinSampleIn, names: Sequence[str]) -> list[FieldError]:
    path = ("input", "minSample")
    errors: list[FieldError] = []
    if sample.component not in names:
        message = f"min sample component {sample.component!r} is not a component of this KPI"
        errors.append(FieldError("INVALID", message, (*path, "component")))
    if not sample.minimum.is_finite() or sample.minimum < 0:
        errors.append(FieldError("INVALID", "minimum must be 0 or more", (*path, "minimum")))
    return errors


def _formula_errors(
    formula: str, names: Sequence[str] | None, sample: str | None
) -> list[FieldError]:
    """Syntax errors always; mismatches with the components only when ``names`` are valid."""
    path = ("input", "formula")
    try:
        parsed = parse_formula(formula)
    except FormulaError as exc:
        return [FieldError("INVALID_FORMULA", str(exc), path)]
    if names is None:
        return []
    return [
        FieldError("INVALID_FORMULA", str(e), path)
        for e in parsed.validate_against(names, sample if sample in names else None)
    ]


def check_definition(definition: Definition) -> list[FieldError]:
    """Every problem of a definition, with paths into the mutation input."""
    errors = _component_errors(definition.components)
    names = [c.name for c in definition.components]
    sample = definition.min_sample
    if sample is not None:
        errors += _min_sample_errors(sample, names)
    errors += _formula_errors(
        definition.formula, None if errors else names, sample.component if sample else None
    )
    return errors


def columns_of(definition: Definition) -> dict[str, Any]:
    """The ``kpi`` columns holding a definition."""
    sample = definition.min_sample
    return {
        "unit": definition.unit.value,
        "direction": definition.direction.value,
        "components": [
            {"name": c.name, "aggregation": c.aggregation.value} for c in definition.components
        ],
        "formula": definition.formula.strip(),
        "min_sample_component": sample.component if sample else None,
        "min_sample_minimum": sample.minimum if sample else None,
    }


def definition_of(kpi: Kpi) -> Definition:
    """The definition stored in a ``kpi`` row."""
    sample = None
    if kpi.min_sample_component is not None and kpi.min_sample_minimum is not None:
        sample = MinSampleIn(kpi.min_sample_component, kpi.min_sample_minimum)
    return Definition(
        unit=KpiUnit(kpi.unit),
        direction=Direction(kpi.direction),
        components=tuple(
            ComponentIn(c["name"], Aggregation(c["aggregation"])) for c in kpi.components
        ),
        formula=kpi.formula,
        min_sample=sample,
    )


def check_text(name: str | None, description: str | None) -> list[FieldError]:
    """Problems of a name and a description (None: not sent)."""
    errors: list[FieldError] = []
    if name is not None:
        try:
            check_name(name, "input", "name")
        except Invalid as exc:
            errors += exc.errors
    if description is not None and len(description) > MAX_DESCRIPTION:
        message = f"description must be at most {MAX_DESCRIPTION} characters"
        errors.append(FieldError("INVALID", message, ("input", "description")))
    return errors
