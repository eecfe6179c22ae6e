"""Period states (scoring.md §9), pure: OPEN until the end date, PROVISIONAL during the grace
days, FINAL after (or once finalized). Dates are in the organization's time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo


class PeriodState(StrEnum):
    """Where a period stands relative to today."""

    OPEN = "OPEN"
    PROVISIONAL = "PROVISIONAL"
    FINAL = "FINAL"


def local_date(now: dt.datetime, timezone: str) -> dt.date:
    """The calendar date of the instant ``now`` in ``timezone``."""
    return now.astimezone(ZoneInfo(timezone)).date()


def period_state(
    end_date: dt.date,
    grace_days: int,
    today: dt.date,
    finalized_at: dt.datetime | None = None,
) -> PeriodState:
    """The state of a period ending (exclusive) on ``end_date`` as of ``today``."""
    if finalized_at is not None:
        return PeriodState.FINAL
    if today < end_date:
        return PeriodState.OPEN
    if today < end_date + dt.timedelta(days=grace_days):
        return PeriodState.PROVISIONAL
    return PeriodState.FINAL


@dataclass(frozen=True)
class EndBounds:
    """The end dates of the periods in one state: ``after < end_date <= up_to`` (None: open)."""

    after: dt.date | None
    up_to: dt.date | None


def end_bounds(state: PeriodState, grace_days: int, today: dt.date) -> EndBounds:
    """The end-date range of unfinalized periods in ``state`` as of ``today`` (for SQL filters)."""
    final_up_to = today - dt.timedelta(days=grace_days)
    if state is PeriodState.OPEN:
        return EndBounds(after=today, up_to=None)
    if state is PeriodState.PROVISIONAL:
        return EndBounds(after=final_up_to, up_to=today)
    return EndBounds(after=None, up_to=final_up_to)
