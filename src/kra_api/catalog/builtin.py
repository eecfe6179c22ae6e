"""The built-in KPI catalogue (kpi-catalogue.md) and the enums that describe a KPI definition.

The catalogue ships as package data (``builtin_catalogue.json``) so that it can be reviewed and
diffed as data. It is read once and checked strictly, because an error there is a packaging bug that
must fail loudly, then exposed as immutable dataclasses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from kra_api.catalog.formula import parse_formula

_RESOURCE = "builtin_catalogue.json"


class KpiUnit(StrEnum):
    """Unit of a KPI value."""

    SECONDS = "SECONDS"
    PERCENT = "PERCENT"
    RATIO = "RATIO"
    COUNT = "COUNT"
    CURRENCY = "CURRENCY"
    POINTS = "POINTS"


class Direction(StrEnum):
    """Which KPI values are better."""

    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"
    LOWER_IS_BETTER = "LOWER_IS_BETTER"
    IN_RANGE = "IN_RANGE"


class KpiSubject(StrEnum):
    """What a KPI's readings are about: an employee, or an org unit for queue-level KPIs."""

    EMPLOYEE = "EMPLOYEE"
    ORG_UNIT = "ORG_UNIT"


class Aggregation(StrEnum):
    """How a component's readings combine over a period (FIRST/LAST are per-subject snapshots)."""

    SUM = "SUM"
    FIRST = "FIRST"
    LAST = "LAST"


@dataclass(frozen=True, slots=True)
class CatalogueComponent:
    """A named input of a catalogue KPI."""

    name: str
    aggregation: Aggregation


@dataclass(frozen=True, slots=True)
class CatalogueMinSample:
    """The minimum aggregate of a component below which a KPI value is not scored."""

    component: str
    minimum: Decimal


@dataclass(frozen=True, slots=True)
class CatalogueKpi:
    """One KPI definition of the built-in catalogue."""

    code: str
    name: str
    description: str
    unit: KpiUnit
    direction: Direction
    subject: KpiSubject
    components: tuple[CatalogueComponent, ...]
    formula: str
    min_sample: CatalogueMinSample | None


# The JSON keys of a KPI are exactly the dataclass fields.
_KPI_KEYS = frozenset(f.name for f in fields(CatalogueKpi))


def _field(entry: Any, key: str, kind: type[Any]) -> Any:
    value = entry.get(key) if isinstance(entry, dict) else None
    if not isinstance(value, kind):
        raise ValueError(f"{_RESOURCE}: {key!r} must be a {kind.__name__}: {entry!r}")
    return value


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValueError(f"{_RESOURCE}: min sample minimum {text!r} is not a decimal")
    return value


def _parse_kpi(entry: Any) -> CatalogueKpi:
    if not isinstance(entry, dict) or set(entry) != _KPI_KEYS:
        raise ValueError(f"{_RESOURCE}: a KPI needs exactly the keys {sorted(_KPI_KEYS)}")
    components = tuple(
        CatalogueComponent(_field(c, "name", str), Aggregation(_field(c, "aggregation", str)))
        for c in _field(entry, "components", list)
    )
    raw_sample = entry["min_sample"]
    min_sample = None
    if raw_sample is not None:
        minimum = _decimal(_field(raw_sample, "minimum", str))
        min_sample = CatalogueMinSample(_field(raw_sample, "component", str), minimum)
    kpi = CatalogueKpi(
        code=_field(entry, "code", str),
        name=_field(entry, "name", str),
        description=_field(entry, "description", str),
        unit=KpiUnit(_field(entry, "unit", str)),
        direction=Direction(_field(entry, "direction", str)),
        subject=KpiSubject(_field(entry, "subject", str)),
        components=components,
        formula=_field(entry, "formula", str),
        min_sample=min_sample,
    )
    errors = parse_formula(kpi.formula).validate_against(
        [c.name for c in components], min_sample.component if min_sample else None
    )
    if errors:
        raise ValueError(f"{_RESOURCE}: {kpi.code}: " + "; ".join(map(str, errors)))
    return kpi


@cache
def load_catalogue() -> tuple[CatalogueKpi, ...]:
    """Return the built-in KPIs, sorted by code."""
    text = resources.files("kra_api.catalog").joinpath(_RESOURCE).read_text(encoding="utf-8")
    kpis = sorted((_parse_kpi(entry) for entry in json.loads(text)), key=lambda k: k.code)
    codes = [kpi.code for kpi in kpis]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{_RESOURCE}: duplicate KPI codes")
    return tuple(kpis)


@cache
def catalogue_by_code() -> Mapping[str, CatalogueKpi]:
    """Return the built-in KPIs keyed by code (read-only)."""
    return MappingProxyType({kpi.code: kpi for kpi in load_catalogue()})
