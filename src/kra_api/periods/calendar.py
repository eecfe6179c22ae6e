"""The calendar shape each period kind must have (CUSTOM: any range)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from kra_api.errors import FieldError

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


class PeriodKind(StrEnum):
    """How long a period is and where it starts."""

    MONTH = "MONTH"
    QUARTER = "QUARTER"
    HALF_YEAR = "HALF_YEAR"
    YEAR = "YEAR"
    CUSTOM = "CUSTOM"


# Calendar kinds: (length in months, the months they may start in).
_SHAPES: dict[PeriodKind, tuple[int, tuple[int, ...], str]] = {
    PeriodKind.MONTH: (1, tuple(range(1, 13)), "the 1st of a month"),
    PeriodKind.QUARTER: (3, (1, 4, 7, 10), "January, April, July or October 1st"),
    PeriodKind.HALF_YEAR: (6, (1, 7), "January or July 1st"),
    PeriodKind.YEAR: (12, (1,), "January 1st"),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later (``day`` must be a 1st)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, day.day)


def shape_errors(kind: PeriodKind, start: dt.date, end: dt.date) -> list[FieldError]:
    """Why ``[start, end)`` is not a period of ``kind`` (empty when it is one)."""
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        message = f"dates must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
        return [FieldError("INVALID", message, ("input", "startDate"))]
    if end <= start:
        return [FieldError("INVALID", "endDate must be after startDate", ("input", "endDate"))]
    if kind is PeriodKind.CUSTOM:
        return []
    months, starts, words = _SHAPES[kind]
    if start.day != 1 or start.month not in starts:
        message = f"a {kind.value} period starts on {words}"
        return [FieldError("INVALID", message, ("input", "startDate"))]
    expected = add_months(start, months)
    if end != expected:
        message = (
            f"a {kind.value} period starting {start.isoformat()} ends on "
            f"{expected.isoformat()} (end dates are exclusive)"
        )
        return [FieldError("INVALID", message, ("input", "endDate"))]
    return []
