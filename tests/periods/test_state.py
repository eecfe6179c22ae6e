"""Period states are a pure function of the end date, the grace days and today's local date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kra_api.periods.state import PeriodState, end_bounds, local_date, period_state

END = dt.date(2026, 4, 1)  # March 2026, end exclusive


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (dt.date(2026, 3, 1), PeriodState.OPEN),
        (dt.date(2026, 3, 31), PeriodState.OPEN),
        (dt.date(2026, 4, 1), PeriodState.PROVISIONAL),
        (dt.date(2026, 4, 3), PeriodState.PROVISIONAL),
        (dt.date(2026, 4, 4), PeriodState.FINAL),
        (dt.date(2027, 1, 1), PeriodState.FINAL),
    ],
)
def test_state_by_date_with_three_grace_days(today: dt.date, state: PeriodState) -> None:
    assert period_state(END, 3, today) is state


def test_no_grace_days_goes_straight_to_final() -> None:
    assert period_state(END, 0, dt.date(2026, 3, 31)) is PeriodState.OPEN
    assert period_state(END, 0, END) is PeriodState.FINAL


def test_finalized_is_final_whatever_the_date() -> None:
    finalized = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)
    assert period_state(END, 3, dt.date(2026, 3, 20), finalized) is PeriodState.FINAL


def test_time_zone_edge_manila_is_a_day_ahead_of_utc() -> None:
    # 17:30 UTC on March 31st is 01:30 on April 1st in Manila (UTC+8).
    now = dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC)
    manila, utc = local_date(now, "Asia/Manila"), local_date(now, "UTC")
    assert (manila, utc) == (dt.date(2026, 4, 1), dt.date(2026, 3, 31))
    assert period_state(END, 3, manila) is PeriodState.PROVISIONAL
    assert period_state(END, 3, utc) is PeriodState.OPEN


def test_time_zone_edge_behind_utc() -> None:
    # 02:00 UTC on April 1st is still March 31st in New York.
    now = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
    assert period_state(END, 3, local_date(now, "America/New_York")) is PeriodState.OPEN
    assert period_state(END, 3, local_date(now, "UTC")) is PeriodState.PROVISIONAL


@given(
    end=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
    offset=st.integers(min_value=-40, max_value=40),
    grace=st.integers(min_value=0, max_value=30),
)
def test_end_bounds_select_exactly_the_periods_in_that_state(
    end: dt.date, offset: int, grace: int
) -> None:
    today = end + dt.timedelta(days=offset)
    actual = period_state(end, grace, today)
    for state in PeriodState:
        bounds = end_bounds(state, grace, today)
        inside = (bounds.after is None or end > bounds.after) and (
            bounds.up_to is None or end <= bounds.up_to
        )
        assert inside == (state is actual)
