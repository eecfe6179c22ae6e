"""Effective-dated ranges: start inclusive, end exclusive (None: open)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def in_force(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """True when ``day`` falls in ``[start, end)``."""
    return start <= day and (end is None or end > day)


def overlaps(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    """True when two half-open ranges share a day."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def today_in(timezone: str) -> dt.date:
    """Today's date in the organization's time zone."""
    return dt.datetime.now(ZoneInfo(timezone)).date()
