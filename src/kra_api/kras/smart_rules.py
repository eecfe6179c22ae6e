"""SMART criteria of a KRA, pure: Specific, Measurable, Achievable, Relevant, Time-bound.

Each criterion is a pass/fail with its reason in words. Achievable compares the target of each
role-level goal (the midpoint of the two targets for IN_RANGE) with the KPI's history: it passes
between the 10th and 90th percentile of the values, and says "no history" when there are none.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kra_api.models import Goal, KraItem
from kra_api.numbers import format_decimal
from kra_api.scoring.exact import Fraction, quantize_value, round_half_up

MIN_DESCRIPTION = 20
LOW, HIGH = 10, 90  # percentiles an achievable target sits between


@dataclass(frozen=True)
class Check:
    """One criterion's outcome."""

    passed: bool
    reason: str


@dataclass(frozen=True)
class TargetCheck:
    """An item's role-level target against the KPI's history (percentiles out of 100)."""

    item: KraItem
    code: str
    target: Decimal | None
    sample_size: int
    percentile: Decimal | None
    low: Decimal | None
    high: Decimal | None
    in_range: bool | None
    reason: str


def quantile(values: Sequence[Fraction], p: int) -> Fraction:
    """The p-th percentile of sorted ``values``, interpolated linearly between ranks."""
    position = Fraction(len(values) - 1) * p / 100
    below = math.floor(position)
    if below + 1 >= len(values):
        return values[-1]
    return values[below] + (values[below + 1] - values[below]) * (position - below)


def percentile_rank(values: Sequence[Fraction], x: Fraction) -> Fraction:
    """Share of ``values`` below ``x`` (ties count half), out of 100."""
    below = sum(1 for v in values if v < x)
    equal = sum(1 for v in values if v == x)
    return (Fraction(below) + Fraction(equal, 2)) * 100 / len(values)


def goal_target(goal: Goal) -> Decimal | None:
    """The target a goal aims at: ``target``, or the midpoint of the two IN_RANGE targets."""
    if goal.target is not None:
        return goal.target
    if goal.low_target is not None and goal.high_target is not None:
        return (goal.low_target + goal.high_target) / 2
    return None


def target_check(item: KraItem, code: str, goal: Goal, values: Sequence[Fraction]) -> TargetCheck:
    """Where the goal's target sits among the history ``values``."""
    target = goal_target(goal)
    empty = TargetCheck(item, code, target, len(values), None, None, None, None, "")
    if goal.basis == "RELATIVE" or target is None:
        reason = f"{code}: the target is relative to each baseline; not compared with history"
        return _with(empty, reason)
    if not values:
        return _with(empty, f"{code}: no history of the role's employees in the last periods")
    ordered = sorted(values)
    low, high = quantile(ordered, LOW), quantile(ordered, HIGH)
    rank = round_half_up(percentile_rank(ordered, Fraction(target)), 1)
    inside = low <= target <= high
    words = "within" if inside else "outside"
    reason = (
        f"{code}: target {format_decimal(target)} sits at the {rank} percentile of "
        f"{len(values)} values, {words} P{LOW} {quantize_value(low)} to P{HIGH} "
        f"{quantize_value(high)}"
    )
    return TargetCheck(
        item,
        code,
        target,
        len(values),
        rank,
        quantize_value(low),
        quantize_value(high),
        inside,
        reason,
    )


def _with(check: TargetCheck, reason: str) -> TargetCheck:
    return TargetCheck(
        check.item, check.code, check.target, check.sample_size, None, None, None, None, reason
    )


def specific(description: str | None) -> Check:
    """A description of at least 20 characters."""
    length = len((description or "").strip())
    if length >= MIN_DESCRIPTION:
        return Check(True, f"the description has {length} characters")
    return Check(
        False, f"the description has {length} characters; at least {MIN_DESCRIPTION} are needed"
    )


def relevant(objective: str | None) -> Check:
    """An objective is set."""
    if (objective or "").strip():
        return Check(True, "an objective is set")
    return Check(False, "no objective is set: say which business objective the KRA serves")


def measurable(
    items: Sequence[KraItem],
    codes: Mapping[uuid.UUID, str],
    goals: Mapping[uuid.UUID, Goal],
    day: dt.date,
) -> Check:
    """At least one weighted item whose KPI has a role-level goal in force on ``day``."""
    weighted = [i for i in items if not i.is_gate]
    with_goal = [codes[i.kpi_id] for i in weighted if i.kpi_id in goals]
    if with_goal:
        return Check(True, f"{', '.join(with_goal)} have a role goal in force on {day.isoformat()}")
    if not weighted:
        return Check(False, "no weighted item: nothing is measured")
    names = ", ".join(codes[i.kpi_id] for i in weighted)
    return Check(False, f"no role goal in force on {day.isoformat()} for {names}")


def achievable(checks: Sequence[TargetCheck]) -> Check:
    """Every compared target sits between the 10th and 90th percentile of its history."""
    outside = [c for c in checks if c.in_range is False]
    if outside:
        return Check(False, "; ".join(c.reason for c in outside))
    if not checks:
        return Check(True, "no role goal in force to compare with history")
    return Check(True, "; ".join(c.reason for c in checks))


def time_bound(
    start: dt.date | None,
    items: Sequence[KraItem],
    codes: Mapping[uuid.UUID, str],
    now: Mapping[uuid.UUID, Goal],
    at_start: Mapping[uuid.UUID, Goal],
) -> Check:
    """The set has an effective date and the items' goals are dated from it on."""
    if start is None:
        return Check(False, "the KRA set is a draft: it has no effective date until published")
    late = [codes[i.kpi_id] for i in items if i.kpi_id in now and i.kpi_id not in at_start]
    if late:
        names = ", ".join(late)
        return Check(False, f"no role goal for {names} on {start.isoformat()}, the set's first day")
    return Check(True, f"the set is in force from {start.isoformat()}; its goals are dated")
