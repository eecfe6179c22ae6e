"""GoalBook (scoring/goals_in_period.py): equal goal assignments are one shared object, across
teams and across runs, so the engine's memo finds them by identity."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from kra_api.models import Goal
from kra_api.scoring.goals_in_period import GoalBook
from kra_api.scoring.structure import Stint, Structure

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
KPI, ROLE, SITE, TEAM_1, TEAM_2 = (uuid.uuid4() for _ in range(5))


def role_goal(target: str) -> Goal:
    """An approved role goal in force from January."""
    return Goal(
        id=uuid.uuid4(),
        organization_id=uuid.uuid4(),
        kpi_id=KPI,
        scope_kind="ROLE",
        scope_id=ROLE,
        role_id=ROLE,
        effective_from=dt.date(2026, 1, 1),
        effective_to=None,
        threshold=Decimal(420),
        target=Decimal(target),
        stretch=Decimal(300),
        mode="LINEAR",
        basis="ABSOLUTE",
        status="APPROVED",
        version=1,
    )


def stint(unit: uuid.UUID) -> Stint:
    """An employee of the role in ``unit`` all March."""
    return Stint(uuid.uuid4(), ROLE, unit, *MARCH)


def test_equal_assignments_are_one_object_across_teams_and_runs() -> None:
    one, two = stint(TEAM_1), stint(TEAM_2)
    structure = Structure({SITE: None, TEAM_1: SITE, TEAM_2: SITE}, [one, two], [])
    goals = [role_goal("360")]
    run = GoalBook(goals, structure)
    first = run.assignment(KPI, one.employee_id, [one], MARCH)
    assert first is not None
    assert first.uses[0].days == 31
    assert run.assignment(KPI, two.employee_id, [two], MARCH) is first  # another team
    later = GoalBook(goals, structure)  # a later run, the first assignment still alive
    assert later.assignment(KPI, one.employee_id, [one], MARCH) is first
    other = GoalBook([role_goal("350")], structure).assignment(KPI, one.employee_id, [one], MARCH)
    assert other is not None
    assert other != first
