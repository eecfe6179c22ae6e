"""Bulk formats: one reading per line, as NDJSON (the GraphQL input's fields) or CSV.

A parser turns one line into a ReadingIn or a FieldError, and maps the validation paths of a
reading to the names a file author knows (NDJSON keys, CSV column names).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import orjson

from kra_api.errors import FieldError
from kra_api.readings.fastpath import Span, valid_ndjson
from kra_api.readings.lines import BadBody
from kra_api.readings.schemas import FUTURE_SLACK, KpiRule, ReadingIn, ValidReading

NDJSON_FIELDS = frozenset(
    {
        "employeeExternalId",
        "orgUnitExternalId",
        "kpiCode",
        "intervalStart",
        "intervalEnd",
        "components",
        "sourceRevision",
    }
)
EMPLOYEE_COLUMN = "employee_external_id"
UNIT_COLUMN = "org_unit_external_id"
FIXED_COLUMNS = (EMPLOYEE_COLUMN, UNIT_COLUMN, "kpi_code", "interval_start", "interval_end")
REVISION_COLUMN = "source_revision"
_MAX_CACHED_INSTANTS = 4096
_parse_instant = dt.datetime.fromisoformat
_CSV_NAMES = {
    "employeeExternalId": EMPLOYEE_COLUMN,
    "orgUnitExternalId": UNIT_COLUMN,
    "kpiCode": "kpi_code",
    "intervalStart": "interval_start",
    "intervalEnd": "interval_end",
    "sourceRevision": REVISION_COLUMN,
}


class Format(Protocol):
    """Parses the lines of one body."""

    def prime(self, rules: Mapping[str, KpiRule], now: dt.datetime) -> None:
        """Known KPIs and the current time, for formats that validate while parsing."""

    def parse(self, line: bytes) -> ReadingIn | ValidReading | FieldError | None:
        """The reading on ``line``; None for a line that holds none (blank, a header)."""

    def field(self, reading: ReadingIn | None, path: tuple[str, ...]) -> list[str]:
        """How to name a path (of a reading, or of a line that did not parse) to the author."""


def _instant(value: Any, name: str) -> dt.datetime | FieldError:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    message = f"{name} must be an ISO 8601 date-time with an offset, got {value!r}"
    return FieldError("INVALID", message, (name,))


def _revision(value: Any, name: str) -> int | FieldError:
    if value is None or value == "":
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return FieldError("INVALID", f"{name} must be a 64-bit integer, got {value!r}", (name,))


def _text(value: Any, name: str) -> str | FieldError | None:
    if value is None or isinstance(value, str):
        return value or None
    return FieldError("INVALID", f"{name} must be a string", (name,))


def _reading(
    kpi: Any, start: Any, end: Any, components: Sequence[tuple[str, Any]], **ids: Any
) -> ReadingIn | FieldError:
    """A reading from loosely typed fields (the first problem found, if any)."""
    code = _text(kpi, "kpiCode")
    if not isinstance(code, str):
        return code or FieldError("UNKNOWN_KPI", "kpiCode is required", ("kpiCode",))
    interval_start = _instant(start, "intervalStart")
    if isinstance(interval_start, FieldError):
        return interval_start
    interval_end = _instant(end, "intervalEnd")
    if isinstance(interval_end, FieldError):
        return interval_end
    employee = _text(ids["employee"], "employeeExternalId")
    if isinstance(employee, FieldError):
        return employee
    unit = _text(ids["unit"], "orgUnitExternalId")
    if isinstance(unit, FieldError):
        return unit
    revision = _revision(ids["revision"], "sourceRevision")
    if isinstance(revision, FieldError):
        return revision
    return ReadingIn(
        kpi_code=code,
        interval_start=interval_start,
        interval_end=interval_end,
        components=components,
        employee_external_id=employee,
        org_unit_external_id=unit,
        source_revision=revision,
    )


def _fast_reading(data: dict[str, Any], instants: dict[str, dt.datetime]) -> ReadingIn | None:
    """A well-formed NDJSON object, read cheaply; None sends it through the full parser.

    ``instants`` caches parsed timestamps: a file repeats the same few interval bounds.
    """
    code = data.get("kpiCode")
    start = data.get("intervalStart")
    end = data.get("intervalEnd")
    employee = data.get("employeeExternalId")
    unit = data.get("orgUnitExternalId")
    revision = data.get("sourceRevision", 0)
    raw = data.get("components")
    if type(code) is not str or type(start) is not str or type(end) is not str:
        return None
    if type(revision) is not int or type(raw) is not list:
        return None
    if not (employee is None or type(employee) is str) or not (unit is None or type(unit) is str):
        return None
    try:
        components = [(n, c["value"]) for c in raw if type(n := c["name"]) is str]
        if len(components) != len(raw):
            return None
        if len(instants) > _MAX_CACHED_INSTANTS:
            instants.clear()
        interval_start = instants.get(start) or instants.setdefault(start, _parse_instant(start))
        interval_end = instants.get(end) or instants.setdefault(end, _parse_instant(end))
        return ReadingIn(
            code,
            interval_start,
            interval_end,
            components,
            employee or None,
            unit or None,
            revision,
        )
    except (KeyError, TypeError, ValueError):
        return None


class Ndjson:
    """One JSON object per line, with the fields of KpiReadingInput."""

    def __init__(self) -> None:
        self._instants: dict[str, dt.datetime] = {}
        self._spans: dict[tuple[str, str], Span] = {}
        self._rules: Mapping[str, KpiRule] = {}
        self._horizon = dt.datetime.min.replace(tzinfo=dt.UTC)

    def prime(self, rules: Mapping[str, KpiRule], now: dt.datetime) -> None:
        """Let well-formed lines of known KPIs be validated as they are parsed."""
        self._rules = rules
        self._horizon = now + FUTURE_SLACK

    def parse(self, line: bytes) -> ReadingIn | ValidReading | FieldError | None:
        """The reading on ``line`` (blank lines hold none), validated when it is simple."""
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if not line.strip():
                return None
            return FieldError("INVALID_JSON", f"not a JSON object: {exc}")
        if type(data) is dict and data.keys() <= NDJSON_FIELDS:
            valid = valid_ndjson(data, self._rules, self._horizon, self._spans)
            if valid is not None:
                return valid
            fast = _fast_reading(data, self._instants)
            if fast is not None:
                return fast
        return self._parse(data)

    def _parse(self, data: Any) -> ReadingIn | FieldError:
        if not isinstance(data, dict):
            return FieldError("INVALID_JSON", "a line must hold one JSON object")
        unknown = sorted(set(data) - NDJSON_FIELDS)
        if unknown:
            return FieldError("INVALID", f"unknown field {unknown[0]!r}", (unknown[0],))
        raw = data.get("components")
        if isinstance(raw, dict):  # also accepted: {"handled": "12", ...}
            components = list(raw.items())
        elif isinstance(raw, list) and all(
            isinstance(c, dict) and isinstance(c.get("name"), str) for c in raw
        ):
            components = [(c["name"], c.get("value")) for c in raw]
        else:
            message = 'components must be a list of {"name", "value"} objects'
            return FieldError("INVALID", message, ("components",))
        return _reading(
            data.get("kpiCode"),
            data.get("intervalStart"),
            data.get("intervalEnd"),
            components,
            employee=data.get("employeeExternalId"),
            unit=data.get("orgUnitExternalId"),
            revision=data.get("sourceRevision"),
        )

    def field(self, reading: ReadingIn | None, path: tuple[str, ...]) -> list[str]:
        """Paths name the JSON fields as they are."""
        return list(path)


class CsvHeaderError(BadBody):
    """The CSV header does not name the columns a reading needs."""


class Csv:
    """A header line, then one reading per line; component columns are named as components."""

    def __init__(self) -> None:
        self.columns: list[str] | None = None
        self._components: list[tuple[int, str]] = []

    def _header(self, text: str) -> None:
        columns = [c.strip() for c in next(csv.reader([text]))]
        missing = [c for c in FIXED_COLUMNS[2:] if c not in columns]
        if EMPLOYEE_COLUMN not in columns and UNIT_COLUMN not in columns:
            missing.insert(0, f"{EMPLOYEE_COLUMN} or {UNIT_COLUMN}")
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if missing or repeated or "" in columns:
            problem = f"missing {', '.join(missing)}" if missing else "repeated or empty names"
            raise CsvHeaderError(f"the CSV header is not usable: {problem}")
        fixed = {*FIXED_COLUMNS, REVISION_COLUMN}
        self._components = [(i, c) for i, c in enumerate(columns) if c not in fixed]
        self.columns = columns

    def prime(self, rules: Mapping[str, KpiRule], now: dt.datetime) -> None:
        """CSV rows always take the full validation."""

    def parse(self, line: bytes) -> ReadingIn | FieldError | None:
        """The reading on ``line``; the first non-blank line is the header."""
        try:
            text = line.decode().rstrip("\r")
        except UnicodeDecodeError:
            return FieldError("INVALID", "a CSV line must be UTF-8")
        if not text.strip():
            return None
        if self.columns is None:
            self._header(text)
            return None
        cells = text.split(",") if '"' not in text else next(csv.reader([text]), [])
        if len(cells) != len(self.columns):
            message = f"expected {len(self.columns)} fields, got {len(cells)}"
            return FieldError("INVALID", message)
        row = dict(zip(self.columns, cells, strict=True))
        return _reading(
            row["kpi_code"].strip(),
            row["interval_start"].strip(),
            row["interval_end"].strip(),
            [(name, cells[i].strip()) for i, name in self._components if cells[i].strip()],
            employee=row.get(EMPLOYEE_COLUMN, "").strip(),
            unit=row.get(UNIT_COLUMN, "").strip(),
            revision=row.get(REVISION_COLUMN, "").strip(),
        )

    def field(self, reading: ReadingIn | None, path: tuple[str, ...]) -> list[str]:
        """Paths name CSV columns (a component's column is the component's name)."""
        if reading and len(path) >= 2 and path[0] == "components" and path[1].isdigit():
            index = int(path[1])
            if index < len(reading.components):
                return [reading.components[index][0]]
        return [_CSV_NAMES.get(path[0], path[0])] if path else []
