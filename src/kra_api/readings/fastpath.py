"""The common NDJSON line, validated straight from its parsed JSON object.

A bulk body is millions of well-formed rows: this path builds the ValidReading in one pass
(no ReadingIn, parsed interval bounds cached per distinct pair). Anything unusual returns None
and goes through the full parser and validation, which report errors precisely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kra_api.readings.schemas import (
    EMPLOYEE,
    MAX_EXTERNAL_ID,
    MAX_INTERVAL,
    PLAIN_DECIMAL,
    REVISION_END,
    REVISION_MIN,
    KpiRule,
    ValidReading,
    stored_forms,
)

Span = tuple[dt.datetime, dt.datetime]
MAX_CACHED_SPANS = 4096
_fullmatch = PLAIN_DECIMAL.fullmatch


def _span(start: str, end: str, horizon: dt.datetime) -> Span | None:
    try:
        lo, hi = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    except ValueError:
        return None
    if lo.tzinfo is None or hi.tzinfo is None or not lo < hi <= horizon or hi - lo > MAX_INTERVAL:
        return None
    return lo, hi


def valid_ndjson(
    data: dict[str, Any],
    rules: Mapping[str, KpiRule],
    horizon: dt.datetime,
    spans: dict[tuple[str, str], Span],
) -> ValidReading | None:
    """The reading of a well-formed object whose KPI is known, or None (take the full path).

    ``spans`` caches valid interval bounds by their text; a bound valid once stays valid
    (the horizon only moves forward), so only valid spans are kept.
    """
    code = data.get("kpiCode")
    start = data.get("intervalStart")
    end = data.get("intervalEnd")
    revision = data.get("sourceRevision", 0)
    raw = data.get("components")
    if type(code) is not str or type(start) is not str or type(end) is not str:
        return None
    kpi = rules.get(code)
    if kpi is None or type(revision) is not int or type(raw) is not list:
        return None
    if not REVISION_MIN <= revision < REVISION_END or len(raw) != len(kpi.components):
        return None
    span = spans.get((start, end))
    if span is None:
        span = _span(start, end, horizon)
        if span is None:
            return None
        if len(spans) >= MAX_CACHED_SPANS:
            spans.clear()
        spans[start, end] = span
    if kpi.subject == EMPLOYEE:
        external_id, other = data.get("employeeExternalId"), data.get("orgUnitExternalId")
    else:
        external_id, other = data.get("orgUnitExternalId"), data.get("employeeExternalId")
    if type(external_id) is not str or other is not None:
        return None
    if not external_id or len(external_id) > MAX_EXTERNAL_ID or external_id.isspace():
        return None
    values = []
    for component, name in zip(raw, kpi.components, strict=True):
        if type(component) is not dict or component.get("name") != name:
            return None
        value = component.get("value")
        if type(value) is not str or not _fullmatch(value):
            return None
        values.append(value)
    components, component_values = stored_forms(kpi, values)
    return ValidReading(
        kpi.id, kpi.subject, external_id, span[0], span[1], components, revision, component_values
    )
