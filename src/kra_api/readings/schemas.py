"""Reading inputs and their validation (pure): every rule of kpiReadingsRecord, paths relative
to the reading (``("components", "2", "value")``) so that GraphQL and the bulk endpoint can
prefix them with an input index or report them with a line number."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from kra_api.errors import FieldError
from kra_api.numbers import format_decimal

MAX_READINGS = 1000
MAX_INTERVAL = dt.timedelta(days=31)
FUTURE_SLACK = dt.timedelta(days=1)
MAX_EXTERNAL_ID = 200
MAX_SOURCE = 100
MAX_INTEGER_DIGITS = 20
MAX_FRACTION_DIGITS = 6
EMPLOYEE = "EMPLOYEE"
ORG_UNIT = "ORG_UNIT"
_INTEGER_LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS
REVISION_MIN, REVISION_END = -(2**63), 2**63
# The common shape, already a valid JSON number: no exponent, sign, or leading zero to normalize.
PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,19})(?:\.[0-9]{1,6})?")


class ReadingIn(NamedTuple):
    """One reading as sent: values are decimal strings (or Decimal / int), times as parsed.

    Tuples rather than dataclasses: a bulk body makes millions of these.
    """

    kpi_code: str
    interval_start: dt.datetime
    interval_end: dt.datetime
    components: Sequence[tuple[str, Any]]
    employee_external_id: str | None = None
    org_unit_external_id: str | None = None
    source_revision: int = 0


@dataclass(frozen=True, slots=True)
class KpiRule:
    """What a reading of one KPI must look like."""

    id: uuid.UUID
    code: str
    subject: str
    components: tuple[str, ...]
    json_keys: tuple[str, ...] = field(init=False)  # '"name":' per component, in order

    def __post_init__(self) -> None:
        # Component names match ^[a-z_][a-z0-9_]*$: nothing to escape in JSON.
        object.__setattr__(self, "json_keys", tuple(f'"{n}":' for n in self.components))


class ValidReading(NamedTuple):
    """A reading that passed validation; ``components`` is a JSON object of exact numbers,
    ``component_values`` the same numbers in the KPI's component order as a PostgreSQL array."""

    kpi_id: uuid.UUID
    subject_kind: str
    external_id: str
    interval_start: dt.datetime
    interval_end: dt.datetime
    components: str
    source_revision: int
    component_values: str


def stored_forms(kpi: KpiRule, values: Sequence[str]) -> tuple[str, str]:
    """A reading's JSON object and value array from its JSON numbers in ``kpi``'s order."""
    members = [key + value for key, value in zip(kpi.json_keys, values, strict=True)]
    return "{" + ",".join(members) + "}", "{" + ",".join(values) + "}"


def check_source(source: str, *path: str) -> list[FieldError]:
    """A source names the sending system (wfm, acd, qa, crm, ...)."""
    if not source.strip() or len(source) > MAX_SOURCE or source != source.strip():
        message = f"source must be 1 to {MAX_SOURCE} characters without surrounding spaces"
        return [FieldError("INVALID", message, path)]
    return []


def json_number(value: Any) -> str | FieldError:
    """The value as a JSON number literal, or why it is refused (path left empty)."""
    if type(value) is str and PLAIN_DECIMAL.fullmatch(value):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return FieldError("INVALID", 'a component value must be a decimal string, e.g. "12.5"')
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        return FieldError("INVALID", f"{value!r} is not a decimal number")
    if not number.is_finite():
        return FieldError("NOT_FINITE", f"{value} is not a finite number")
    if abs(number) >= _INTEGER_LIMIT:
        message = f"at most {MAX_INTEGER_DIGITS} digits before the decimal point"
        return FieldError("OUT_OF_RANGE", message)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_FRACTION_DIGITS:
        message = f"at most {MAX_FRACTION_DIGITS} digits after the decimal point"
        return FieldError("OUT_OF_RANGE", message)
    text = format_decimal(number)
    if len(text.partition(".")[2]) > MAX_FRACTION_DIGITS:  # only trailing zeros past the 6th
        text = text.rstrip("0").rstrip(".")
    return text


def _subject(reading: ReadingIn, kpi: KpiRule) -> tuple[str | None, list[FieldError]]:
    employee, unit = reading.employee_external_id, reading.org_unit_external_id
    wanted, other = (
        (("employeeExternalId", employee), ("orgUnitExternalId", unit))
        if kpi.subject == EMPLOYEE
        else (("orgUnitExternalId", unit), ("employeeExternalId", employee))
    )
    errors: list[FieldError] = []
    per = "employee" if kpi.subject == EMPLOYEE else "org unit"
    if other[1] is not None and other[1].strip():
        message = f"{kpi.code} is read per {per}: send {wanted[0]}, not {other[0]}"
        errors.append(FieldError("WRONG_SUBJECT", message, (other[0],)))
    value = wanted[1]
    if value is None or not value.strip():
        message = f"{kpi.code} is read per {per}: {wanted[0]} is required"
        errors.append(FieldError("WRONG_SUBJECT", message, (wanted[0],)))
        return None, errors
    if len(value) > MAX_EXTERNAL_ID:
        message = f"{wanted[0]} must be at most {MAX_EXTERNAL_ID} characters"
        errors.append(FieldError("INVALID", message, (wanted[0],)))
    return value, errors


def _components(reading: ReadingIn, kpi: KpiRule) -> tuple[list[str], list[FieldError]]:
    errors: list[FieldError] = []
    values: dict[str, str] = {}
    for j, (name, raw) in enumerate(reading.components):
        where = ("components", str(j))
        if name in values:
            message = f"component {name!r} is given more than once"
            errors.append(FieldError("DUPLICATE_COMPONENT", message, (*where, "name")))
            continue
        if name not in kpi.components:
            known = ", ".join(kpi.components)
            message = f"{name!r} is not a component of {kpi.code} ({known})"
            errors.append(FieldError("UNKNOWN_COMPONENT", message, (*where, "name")))
            continue
        number = json_number(raw)
        if isinstance(number, FieldError):
            errors.append(FieldError(number.code, number.message, (*where, "value")))
            number = "0"
        values[name] = number
    missing = [c for c in kpi.components if c not in values]
    if missing:
        message = f"{kpi.code} needs every component; missing: {', '.join(missing)}"
        errors.append(FieldError("MISSING_COMPONENT", message, ("components",)))
    return [values[name] for name in kpi.components if name in values], errors


def _interval(reading: ReadingIn, now: dt.datetime) -> list[FieldError]:
    start, end = reading.interval_start, reading.interval_end
    errors = [
        FieldError("NAIVE_TIMESTAMP", "a timestamp needs an offset, e.g. +00:00 or Z", (field,))
        for field, value in (("intervalStart", start), ("intervalEnd", end))
        if value.utcoffset() is None
    ]
    if errors:
        return errors
    if end <= start:
        message = "intervalEnd must be after intervalStart"
        return [FieldError("BAD_INTERVAL", message, ("intervalEnd",))]
    if end - start > MAX_INTERVAL:
        message = f"an interval is at most {MAX_INTERVAL.days} days long"
        return [FieldError("BAD_INTERVAL", message, ("intervalEnd",))]
    horizon = now + FUTURE_SLACK
    if start > horizon:
        return [FieldError("IN_FUTURE", "the interval starts in the future", ("intervalStart",))]
    if end > horizon:
        message = "the interval ends more than one day in the future"
        return [FieldError("IN_FUTURE", message, ("intervalEnd",))]
    return []


def _valid_fast(reading: ReadingIn, kpi: KpiRule, horizon: dt.datetime) -> ValidReading | None:
    """The common case, checked cheaply; None sends the reading through the full checks."""
    start, end = reading.interval_start, reading.interval_end
    if start.tzinfo is None or end.tzinfo is None or not start < end <= horizon:
        return None
    if end - start > MAX_INTERVAL or not REVISION_MIN <= reading.source_revision < REVISION_END:
        return None
    if kpi.subject == EMPLOYEE:
        external_id, other = reading.employee_external_id, reading.org_unit_external_id
    else:
        external_id, other = reading.org_unit_external_id, reading.employee_external_id
    if not external_id or other or len(external_id) > MAX_EXTERNAL_ID or external_id.isspace():
        return None
    names = kpi.components
    given = reading.components
    if len(given) != len(names):
        return None
    values = []
    # Senders usually keep the KPI's order; any other order takes the full path.
    for (name, value), expected in zip(given, names, strict=True):
        if name != expected or type(value) is not str or not PLAIN_DECIMAL.fullmatch(value):
            return None
        values.append(value)
    components, component_values = stored_forms(kpi, values)
    return ValidReading(
        kpi.id,
        kpi.subject,
        external_id,
        start,
        end,
        components,
        reading.source_revision,
        component_values,
    )


def validate(
    reading: ReadingIn, kpi: KpiRule | None, now: dt.datetime
) -> ValidReading | list[FieldError]:
    """The reading ready to store, or every problem it has (paths relative to the reading)."""
    if kpi is not None:
        fast = _valid_fast(reading, kpi, now + FUTURE_SLACK)
        if fast is not None:
            return fast
    errors = _interval(reading, now)
    if not REVISION_MIN <= reading.source_revision < REVISION_END:
        message = "sourceRevision must fit in 64 bits"
        errors.append(FieldError("OUT_OF_RANGE", message, ("sourceRevision",)))
    if kpi is None:
        message = f"no KPI with code {reading.kpi_code!r} in this organization"
        return [FieldError("UNKNOWN_KPI", message, ("kpiCode",)), *errors]
    external_id, subject_errors = _subject(reading, kpi)
    values, component_errors = _components(reading, kpi)
    errors += subject_errors + component_errors
    if errors or external_id is None:
        return errors
    components, component_values = stored_forms(kpi, values)
    return ValidReading(
        kpi_id=kpi.id,
        subject_kind=kpi.subject,
        external_id=external_id,
        interval_start=reading.interval_start,
        interval_end=reading.interval_end,
        components=components,
        source_revision=reading.source_revision,
        component_values=component_values,
    )
