"""Goal precedence per day (scoring.md §3) and several versions in one period (§8)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

from kra_api.scoring.engine import (
    AnchorBasis,
    Anchors,
    GoalAssignment,
    GoalCandidate,
    GoalDays,
    GoalScopeKind,
    GoalVersion,
    ItemInput,
    ItemStatus,
    RevisionMode,
    ScoringMode,
    ScoringSettings,
    Segment,
    assign_goals,
    resolve_goal,
    score_item,
    winning_version,
)
from tests.scoring.support import kpi

D = Decimal
EMP, UNIT, ROLE = GoalScopeKind.EMPLOYEE, GoalScopeKind.ORG_UNIT, GoalScopeKind.ROLE
PRORATE = ScoringSettings(revision_mode=RevisionMode.PRORATE)
END = ScoringSettings(revision_mode=RevisionMode.END_OF_PERIOD)


def version(
    gid: str,
    threshold: str,
    target: str,
    stretch: str | None = None,
    *,
    mode: ScoringMode = ScoringMode.LINEAR,
    basis: AnchorBasis = AnchorBasis.ABSOLUTE,
) -> GoalVersion:
    anchors = Anchors.of(
        threshold=D(threshold), target=D(target), stretch=None if stretch is None else D(stretch)
    )
    return GoalVersion(gid, anchors, mode, basis)


V_ROLE = version("role", "60", "70")
V_UNIT = version("unit", "61", "71")
V_PARENT = version("parent", "62", "72")
V_EMP = version("emp", "63", "73")


@pytest.mark.parametrize(
    ("candidates", "winner"),
    [
        ([], None),
        ([GoalCandidate(V_ROLE, ROLE)], V_ROLE),
        ([GoalCandidate(V_ROLE, ROLE), GoalCandidate(V_PARENT, UNIT, 1)], V_PARENT),
        (
            [
                GoalCandidate(V_PARENT, UNIT, 1),
                GoalCandidate(V_UNIT, UNIT, 0),  # nearest unit first
                GoalCandidate(V_ROLE, ROLE),
            ],
            V_UNIT,
        ),
        (
            [
                GoalCandidate(V_ROLE, ROLE),
                GoalCandidate(V_EMP, EMP),  # employee beats everything
                GoalCandidate(V_UNIT, UNIT, 0),
            ],
            V_EMP,
        ),
        ([GoalCandidate(V_ROLE, ROLE), GoalCandidate(V_ROLE, ROLE)], V_ROLE),  # duplicate is fine
    ],
)
def test_winning_version_precedence(
    candidates: list[GoalCandidate], winner: GoalVersion | None
) -> None:
    assert winning_version(candidates) == winner


def test_a_tie_between_two_versions_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="tie"):
        winning_version([GoalCandidate(V_UNIT, UNIT, 1), GoalCandidate(V_PARENT, UNIT, 1)])


def test_assign_goals_counts_days_and_the_last_goal_day() -> None:
    v1, v2 = version("v1", "70", "80"), version("v2", "75", "90")
    days = [[GoalCandidate(v1, ROLE)]] * 10 + [[GoalCandidate(v2, ROLE)]] * 20
    assert assign_goals(days) == GoalAssignment((GoalDays(v1, 10), GoalDays(v2, 20)), v2)


def test_assign_goals_decides_precedence_day_by_day() -> None:
    # days 1-20 only the role goal; days 21-30 an employee goal on top of it
    days = [[GoalCandidate(V_ROLE, ROLE)]] * 20 + [
        [GoalCandidate(V_ROLE, ROLE), GoalCandidate(V_EMP, EMP)]
    ] * 10
    assert assign_goals(days) == GoalAssignment((GoalDays(V_ROLE, 20), GoalDays(V_EMP, 10)), V_EMP)


def test_assign_goals_skips_days_without_a_goal() -> None:
    # days 1-5 no goal, 6-25 role goal, 26-30 no goal → 20 days; last goal day is day 25
    days: list[list[GoalCandidate]] = [[]] * 5 + [[GoalCandidate(V_ROLE, ROLE)]] * 20 + [[]] * 5
    assert assign_goals(days) == GoalAssignment((GoalDays(V_ROLE, 20),), V_ROLE)
    assert assign_goals([[]] * 30) is None


def test_assign_goals_last_version_is_the_one_of_the_last_goal_day() -> None:
    # v1 days 1-10, v2 days 11-20, v1 again 21-25 (e.g. a unit goal after a move back)
    v1, v2 = V_UNIT, V_ROLE
    days = (
        [[GoalCandidate(v1, UNIT)]] * 10
        + [[GoalCandidate(v2, ROLE)]] * 10
        + [[GoalCandidate(v1, UNIT), GoalCandidate(v2, ROLE)]] * 5
    )
    assert assign_goals(days) == GoalAssignment((GoalDays(v1, 15), GoalDays(v2, 10)), v1)


MID_MONTH = GoalAssignment(
    (
        GoalDays(version("v1", "70", "80", "95", mode=ScoringMode.STEP), 10),
        GoalDays(version("v2", "75", "90", "100"), 20),
    ),
    version("v2", "75", "90", "100"),
)


def test_prorate_mid_month_change() -> None:
    # 30-day month: v1 days 1-10 (70/80/95), v2 days 11-30 (75/90/100)
    # threshold (70·10 + 75·20)/30 = 73.333…, target (80·10 + 90·20)/30 = 86.666…,
    # stretch (95·10 + 100·20)/30 = 98.333…; mode of the last version: LINEAR
    effective = resolve_goal(MID_MONTH, RevisionMode.PRORATE, None)
    assert effective.anchors == Anchors(
        threshold=Fraction(220, 3), target=Fraction(260, 3), stretch=Fraction(295, 3)
    )
    assert effective.mode is ScoringMode.LINEAR
    assert [(u.version.id, u.days) for u in effective.uses] == [("v1", 10), ("v2", 20)]


def test_prorate_scores_against_the_day_weighted_anchors() -> None:
    item = ItemInput("i", kpi(), weight=D(100), goals=MID_MONTH, sums={"x": D(88)})
    result = score_item(item, PRORATE)
    # 100 + (88 - 260/3) / (295/3 - 260/3) · 20 = 100 + (4/3)/(35/3)·20 = 102.2857 → 102.29
    assert (result.status, result.score, result.segment) == (
        ItemStatus.SCORED,
        D("102.29"),
        Segment.TARGET_TO_STRETCH,
    )
    assert [(g.version.id, g.days) for g in result.goals] == [("v1", 10), ("v2", 20)]
    assert result.anchors is not None
    assert result.anchors.target == Fraction(260, 3)


def test_end_of_period_uses_the_last_version() -> None:
    item = ItemInput("i", kpi(), weight=D(100), goals=MID_MONTH, sums={"x": D(88)})
    result = score_item(item, END)
    # v2 only: 50 + (88-75)/(90-75)·50 = 93.333 → 93.33
    assert result.score == D("93.33")
    assert result.anchors == Anchors.of(threshold=75, target=90, stretch=100)
    assert [(g.version.id, g.days) for g in result.goals] == [("v2", 20)]


def test_prorate_mode_follows_the_last_version() -> None:
    reverse = GoalAssignment(tuple(reversed(MID_MONTH.uses)), MID_MONTH.uses[0].version)
    assert resolve_goal(reverse, RevisionMode.PRORATE, None).mode is ScoringMode.STEP
    assert resolve_goal(reverse, RevisionMode.END_OF_PERIOD, None).mode is ScoringMode.STEP


def test_prorate_drops_a_stretch_that_not_every_version_has() -> None:
    plan = GoalAssignment(
        (GoalDays(version("a", "70", "80"), 15), GoalDays(version("b", "70", "90", "95"), 15)),
        version("b", "70", "90", "95"),
    )
    effective = resolve_goal(plan, RevisionMode.PRORATE, None)
    assert effective.anchors == Anchors.of(threshold=70, target=85)  # no stretch: cap = target


def test_relative_goal_uses_the_baseline() -> None:
    rel = version("rel", "0.95", "1.05", "1.15", basis=AnchorBasis.RELATIVE)
    item = ItemInput(
        "rev",
        kpi(code="REVENUE"),
        weight=D(100),
        goals=GoalAssignment.single(rel, 31),
        sums={"x": D(110)},
        baseline=D(100),
    )
    result = score_item(item, PRORATE)
    # anchors 0.95·100 / 1.05·100 / 1.15·100 = 95 / 105 / 115; 100 + 5/10·20 = 110.00
    assert result.anchors == Anchors.of(threshold=95, target=105, stretch=115)
    assert result.baseline == 100
    assert (result.status, result.score) == (ItemStatus.SCORED, D("110.00"))


def test_prorate_makes_relative_anchors_absolute_first() -> None:
    rel = version("rel", "1.0", "1.1", basis=AnchorBasis.RELATIVE)
    absolute = version("abs", "80", "90")
    plan = GoalAssignment((GoalDays(rel, 10), GoalDays(absolute, 20)), absolute)
    effective = resolve_goal(plan, RevisionMode.PRORATE, Fraction(80))
    # threshold (80·10 + 80·20)/30 = 80; target (88·10 + 90·20)/30 = 2680/30 = 89.333…
    assert effective.anchors == Anchors.of(threshold=80, target=Fraction(268, 3))
    # END_OF_PERIOD needs no baseline when the last version is absolute
    assert resolve_goal(plan, RevisionMode.END_OF_PERIOD, None).anchors == absolute.anchors


@pytest.mark.parametrize("baseline", [None, D(0), D(-5)])
def test_relative_goal_without_usable_baseline_is_no_baseline(baseline: Decimal | None) -> None:
    rel = version("rel", "0.9", "1.0", basis=AnchorBasis.RELATIVE)
    item = ItemInput(
        "rev",
        kpi(),
        weight=D(100),
        goals=GoalAssignment.single(rel),
        sums={"x": D(110)},
        baseline=baseline,
    )
    result = score_item(item, PRORATE)
    assert result.status is ItemStatus.NO_BASELINE
    assert (result.score, result.anchors, result.segment) == (None, None, None)
    assert result.value == 110
    assert result.baseline == baseline  # shown so the NO_BASELINE can be explained
    assert [g.version.id for g in result.goals] == ["rel"]


def test_goal_assignment_validation() -> None:
    v = version("v", "1", "2")
    with pytest.raises(ValueError, match="at least one"):
        GoalAssignment((), v)
    with pytest.raises(ValueError, match="day"):
        GoalAssignment((GoalDays(v, 0),), v)
    with pytest.raises(ValueError, match="last"):
        GoalAssignment((GoalDays(v, 3),), version("w", "1", "2"))
    with pytest.raises(ValueError, match="each once"):
        GoalAssignment((GoalDays(v, 3), GoalDays(v, 2)), v)


def test_assignments_hash_like_equal_values_even_from_another_process() -> None:
    version = GoalVersion("v1", Anchors.of(threshold=1, target=2), ScoringMode.LINEAR)
    a = GoalAssignment((GoalDays(version, 3),), version)
    b = GoalAssignment((GoalDays(version, 3),), version)
    assert a == b
    assert hash(a) == hash(b)
    # Pickled where strings hash differently: the cached hash must be recomputed here.
    code = (
        "import pickle, sys\n"
        "from kra_api.scoring.engine import Anchors, GoalAssignment, GoalDays, GoalVersion\n"
        "v = GoalVersion('v1', Anchors.of(threshold=1, target=2))\n"
        "sys.stdout.buffer.write(pickle.dumps(GoalAssignment((GoalDays(v, 3),), v)))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    copied = pickle.loads(done.stdout)  # noqa: S301 - bytes this test made
    assert copied == a
    assert hash(copied) == hash(a)
    assert {a: 1}[copied] == 1
