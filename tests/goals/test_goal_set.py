"""goalSet: anchors per direction (scoring.md §3), versions, OVERLAP, PERIOD_FINAL, actors."""

from __future__ import annotations

from typing import Any

import pytest

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.goals.support import HISTORY, goal_input, set_goal
from tests.kras.support import actions, counts, import_kpis
from tests.periods.test_period_api import create as create_period

HIGHER = {"threshold": "75", "target": "85", "stretch": "95"}
LOWER = {"threshold": "420", "target": "360", "stretch": "300"}
RANGE = {"lowThreshold": "70", "lowTarget": "75", "highTarget": "85", "highThreshold": "90"}

# (KPI code, anchors, basis, expected errors as (code, anchor field) or None when valid)
CASES: list[tuple[str, dict[str, str], str, list[tuple[str, str]] | None]] = [
    ("CSAT", HIGHER, "ABSOLUTE", None),
    ("CSAT", {"threshold": "75", "target": "85"}, "ABSOLUTE", None),
    ("CSAT", {"target": "85"}, "ABSOLUTE", [("MISSING_ANCHOR", "threshold")]),
    (
        "CSAT",
        {"stretch": "95"},
        "ABSOLUTE",
        [("MISSING_ANCHOR", "threshold"), ("MISSING_ANCHOR", "target")],
    ),
    ("CSAT", {"threshold": "85", "target": "85"}, "ABSOLUTE", [("INVALID_ANCHORS", "target")]),
    ("CSAT", {"threshold": "90", "target": "85"}, "ABSOLUTE", [("INVALID_ANCHORS", "target")]),
    ("CSAT", {**HIGHER, "stretch": "85"}, "ABSOLUTE", [("INVALID_ANCHORS", "stretch")]),
    ("CSAT", {**HIGHER, "lowTarget": "1"}, "ABSOLUTE", [("INVALID_ANCHORS", "lowTarget")]),
    ("AHT", LOWER, "ABSOLUTE", None),
    ("AHT", {"threshold": "420", "target": "360"}, "ABSOLUTE", None),
    ("AHT", {"threshold": "360", "target": "420"}, "ABSOLUTE", [("INVALID_ANCHORS", "target")]),
    ("AHT", {**LOWER, "stretch": "360"}, "ABSOLUTE", [("INVALID_ANCHORS", "stretch")]),
    ("AHT", {"threshold": "420"}, "ABSOLUTE", [("MISSING_ANCHOR", "target")]),
    ("AHT", HIGHER, "ABSOLUTE", [("INVALID_ANCHORS", "target"), ("INVALID_ANCHORS", "stretch")]),
    ("OCC", RANGE, "ABSOLUTE", None),
    ("OCC", {**RANGE, "highTarget": "75"}, "ABSOLUTE", None),
    ("OCC", {**RANGE, "highTarget": "74"}, "ABSOLUTE", [("INVALID_ANCHORS", "highTarget")]),
    ("OCC", {**RANGE, "lowTarget": "70"}, "ABSOLUTE", [("INVALID_ANCHORS", "lowTarget")]),
    ("OCC", {**RANGE, "highThreshold": "85"}, "ABSOLUTE", [("INVALID_ANCHORS", "highThreshold")]),
    (
        "OCC",
        {k: v for k, v in RANGE.items() if k != "highThreshold"},
        "ABSOLUTE",
        [("MISSING_ANCHOR", "highThreshold")],
    ),
    ("OCC", {**RANGE, "target": "80"}, "ABSOLUTE", [("INVALID_ANCHORS", "target")]),
    (
        "OCC",
        HIGHER,
        "ABSOLUTE",
        [
            ("INVALID_ANCHORS", "threshold"),
            ("INVALID_ANCHORS", "target"),
            ("INVALID_ANCHORS", "stretch"),
            ("MISSING_ANCHOR", "lowThreshold"),
            ("MISSING_ANCHOR", "lowTarget"),
            ("MISSING_ANCHOR", "highTarget"),
            ("MISSING_ANCHOR", "highThreshold"),
        ],
    ),
    ("REVENUE", {"threshold": "0.95", "target": "1.05", "stretch": "1.10"}, "RELATIVE", None),
    (
        "REVENUE",
        {"threshold": "0", "target": "1.05"},
        "RELATIVE",
        [("INVALID_ANCHORS", "threshold")],
    ),
    (
        "AHT",
        {"threshold": "1.1", "target": "1", "stretch": "-0.5"},
        "RELATIVE",
        [("INVALID_ANCHORS", "stretch")],
    ),
    ("AHT", {"threshold": "-300", "target": "-400"}, "ABSOLUTE", None),
    ("CSAT", {"threshold": "NaN", "target": "85"}, "ABSOLUTE", [("INVALID_ANCHORS", "threshold")]),
    ("CSAT", {"threshold": "1e20", "target": "85"}, "ABSOLUTE", [("INVALID_ANCHORS", "threshold")]),
]


@pytest.fixture
async def agents(gql: Gql, make_org: Any) -> tuple[Any, str, dict[str, str], str]:
    org = await make_org()
    token = org.token("admin")
    kpis = await import_kpis(gql, token, ["CSAT", "AHT", "OCC", "REVENUE"])
    role_id = await helpers.role(gql, token, "AGENT", "Agent")
    return org, token, kpis, role_id


@pytest.mark.parametrize(("code", "anchors", "basis", "expected"), CASES)
async def test_anchor_validation_per_direction(
    gql: Gql,
    database: Database,
    agents: tuple[Any, str, dict[str, str], str],
    code: str,
    anchors: dict[str, str],
    basis: str,
    expected: list[tuple[str, str]] | None,
) -> None:
    org, token, kpis, role_id = agents
    before = await counts(database, org.id)
    result = await set_goal(gql, token, goal_input(kpis[code], role_id, anchors, basis=basis))
    if expected is None:
        assert result["userErrors"] == []
        goal = result["goal"]
        assert (goal["status"], goal["version"], goal["basis"]) == ("APPROVED", 1, basis)
        assert {k: goal[k] for k in anchors} == anchors
        assert (await actions(database, org.id))[-1] == "goal.set"
        return
    assert result["goal"] is None
    got = [(e["code"], e["field"]) for e in result["userErrors"]]
    assert got == [(c, ["input", "anchors", f]) for c, f in expected]
    assert await counts(database, org.id) == before


async def test_messages_name_the_rule(gql: Gql, agents: Any) -> None:
    _, token, kpis, role_id = agents
    missing = await set_goal(gql, token, goal_input(kpis["AHT"], role_id, {"threshold": "420"}))
    assert missing["userErrors"][0]["message"] == "target is required: AHT is LOWER_IS_BETTER"
    wrong = await set_goal(gql, token, goal_input(kpis["AHT"], role_id, HIGHER))
    assert wrong["userErrors"][0]["message"] == "target must be below threshold (LOWER_IS_BETTER)"
    relative = await set_goal(
        gql,
        token,
        goal_input(kpis["REVENUE"], role_id, {"threshold": "0", "target": "1"}, basis="RELATIVE"),
    )
    assert relative["userErrors"][0]["message"] == (
        "threshold must be greater than 0: relative anchors multiply the baseline"
    )


async def test_versions_overlap_and_history(
    gql: Gql, database: Database, agents: tuple[Any, str, dict[str, str], str]
) -> None:
    org, token, kpis, role_id = agents
    first = await set_goal(
        gql, token, goal_input(kpis["CSAT"], role_id, HIGHER, end="2026-07-01", reason=" H1 ")
    )
    assert (first["goal"]["version"], first["goal"]["reason"]) == (1, "H1")
    before = await counts(database, org.id)
    clash = await set_goal(
        gql, token, goal_input(kpis["CSAT"], role_id, HIGHER, start="2026-06-01")
    )
    assert clash["userErrors"] == [
        {
            "code": "OVERLAP",
            "field": ["input", "effectiveFrom"],
            "message": "overlaps approved version 1 of this goal (2026-01-01 to 2026-07-01)",
        }
    ]
    earlier = await set_goal(
        gql, token, goal_input(kpis["CSAT"], role_id, HIGHER, start="2025-01-01")
    )
    assert [e["code"] for e in earlier["userErrors"]] == ["OVERLAP"]
    assert await counts(database, org.id) == before
    second = await set_goal(
        gql, token, goal_input(kpis["CSAT"], role_id, LOWER | HIGHER, start="2026-07-01")
    )
    assert second["userErrors"] == []
    assert second["goal"]["version"] == 2
    before_first = await set_goal(
        gql, token, goal_input(kpis["CSAT"], role_id, HIGHER, start="2025-01-01", end="2026-01-01")
    )
    assert before_first["goal"]["version"] == 3  # numbered in approval order, not by date
    # Another line (other KPI, same role) starts again at 1.
    other = await set_goal(gql, token, goal_input(kpis["AHT"], role_id, LOWER))
    assert other["goal"]["version"] == 1
    node = (await gql.data(HISTORY, {"id": first["goal"]["id"]}, token))["node"]
    assert [(h["version"], h["effectiveFrom"]) for h in node["history"]] == [
        (3, "2025-01-01"),
        (2, "2026-07-01"),
        (1, "2026-01-01"),
    ]
    assert node["supersedes"] is None
    assert {h["status"] for h in node["history"]} == {"APPROVED"}


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        ("2020-01-15", None, True),
        ("2019-01-01", "2020-01-02", True),
        ("2019-01-01", "2020-01-01", False),
        ("2020-02-01", None, False),
    ],
)
async def test_goals_never_reach_into_a_final_period(
    gql: Gql,
    database: Database,
    agents: tuple[Any, str, dict[str, str], str],
    start: str,
    end: str | None,
    refused: bool,
) -> None:
    org, token, kpis, role_id = agents
    assert (await create_period(gql, token, "Jan 2020", "2020-01-01", "2020-02-01"))[
        "userErrors"
    ] == []
    before = await counts(database, org.id)
    result = await set_goal(
        gql, token, goal_input(kpis["CSAT"], role_id, HIGHER, start=start, end=end)
    )
    if not refused:
        assert result["userErrors"] == []
        return
    assert result["userErrors"] == [
        {
            "code": "PERIOD_FINAL",
            "field": ["input", "effectiveFrom"],
            "message": "reaches into MONTH period 'Jan 2020' (2020-01-01 to 2020-02-01), "
            "which is FINAL",
        }
    ]
    assert await counts(database, org.id) == before


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"kpiId": "S3BpOjE="}, "NOT_FOUND", "kpiId"),
        ({"scopeKind": "ORG_UNIT"}, "NOT_FOUND", "scopeId"),  # a Role id is no org unit
        ({"scopeKind": "EMPLOYEE"}, "NOT_FOUND", "scopeId"),
        ({"scopeId": "garbage"}, "NOT_FOUND", "scopeId"),
        ({"effectiveTo": "2026-01-01"}, "INVALID", "effectiveTo"),
        ({"effectiveFrom": "1800-01-01"}, "INVALID", "effectiveFrom"),
        ({"reason": "r" * 2001}, "INVALID", "reason"),
    ],
)
async def test_references_and_dates(
    gql: Gql,
    database: Database,
    agents: tuple[Any, str, dict[str, str], str],
    changes: dict[str, Any],
    code: str,
    field: str,
) -> None:
    org, token, kpis, role_id = agents
    before = await counts(database, org.id)
    data = {**goal_input(kpis["CSAT"], role_id, HIGHER), **changes}
    result = await set_goal(gql, token, data)
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [(code, ["input", field])]
    assert await counts(database, org.id) == before


async def test_author_and_approver_are_the_caller(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    admin = org.token("admin")
    kpis = await import_kpis(gql, admin, ["CSAT"])
    role_id = await helpers.role(gql, admin, "AGENT", "Agent")
    await helpers.employees(gql, admin, [{"externalId": "HR1", "name": "Hana Ruiz"}])
    hr = org.token("hr", sub="HR1")
    data = goal_input(kpis["CSAT"], role_id, HIGHER, end="2027-01-01", mode="STEP")
    result = await set_goal(gql, hr, data)
    goal = result["goal"]
    assert goal["mode"] == "STEP"
    assert goal["author"] == {"kind": "USER", "label": "HR1", "employee": {"externalId": "HR1"}}
    assert goal["approver"] == goal["author"]
    assert goal["decidedAt"] is not None
    key = await org.api_key(["definitions:write"])
    by_key = await set_goal(gql, key, goal_input(kpis["CSAT"], role_id, HIGHER, start="2027-01-01"))
    assert by_key["goal"]["author"]["kind"] == "INTEGRATION"
    assert by_key["goal"]["author"]["label"] == "api-key:test"
    assert by_key["goal"]["author"]["employee"] is None
