"""kraSmartCheck on a KRA set built to fail each criterion once (one KRA per criterion).

History: agents K0..K9 over the last three months; CSAT of agent k is (80 + k) % and AHT
(3400 + 50k) / 10 = 340 + 5k s every month, so 30 values each. Percentiles interpolate
linearly between ranks (29 gaps): CSAT P10 = 80 + 0.9 × 1 = 80.9, P90 = 88 + 0.1 × 1 = 88.1,
and target 85 has 15 values below and 3 equal: (15 + 1.5) / 30 = 55.0 %. AHT P10 =
340 + 0.9 × 5 = 344.5, P90 = 380 + 0.1 × 5 = 380.5; target 200 is below every value: 0.0 %.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests import helpers
from tests.conftest import Gql
from tests.goals.support import goal_input, set_goal
from tests.kras.support import KRA_CREATE, import_kpis, item, payload, publish, role_with_draft
from tests.scorecards.support import daily, period, record

CHECK = """query($id: ID!) { kraSmartCheck(kraSetId: $id) { referenceDay passed
  kraSet { version } historyPeriods { name }
  kras { passed kra { title }
    specific { passed reason } measurable { passed reason } achievable { passed reason }
    relevant { passed reason } timeBound { passed reason }
    targets { item { kpi { code } } target sampleSize percentile low high inRange reason } } } }"""
LONG = "Covers every customer contact, by every channel."
# (title, description, objective, KPI, goal anchors or None, goal start)
LAYOUT: list[tuple[str, str, str | None, str, tuple[str, str, str] | None, str]] = [
    ("Specific", "Too short", "Delight customers", "CSAT", ("75", "85", "95"), "2026-01-01"),
    ("Measurable", LONG, "Fix it the first time", "FCR", None, "2026-01-01"),
    ("Achievable", LONG, "Be quick", "AHT", ("250", "200", "150"), "2026-01-01"),
    ("Relevant", LONG, None, "ADH", ("85", "92", "97"), "2026-01-01"),
    ("Time-bound", LONG, "Keep quality high", "QA", ("80", "88", "95"), "2026-02-01"),
]
CRITERIA = ["specific", "measurable", "achievable", "relevant", "timeBound"]


def last_months(count: int) -> list[tuple[str, str]]:
    """The ``count`` months before the current one, oldest first."""
    end = dt.datetime.now(dt.UTC).date().replace(day=1)
    months = []
    for _ in range(count):
        start = (end - dt.timedelta(days=1)).replace(day=1)
        months.append((start.isoformat(), end.isoformat()))
        end = start
    return months[::-1]


async def _world(gql: Gql, make_org: Any) -> tuple[Any, str, str, str]:
    """The organization, its admin token, the published set's id and the role's id."""
    org = await make_org()
    token = org.token("admin")
    kpis = await import_kpis(gql, token, ["CSAT", "FCR", "AHT", "ADH", "QA"])
    role, draft = await role_with_draft(gql, token)
    for title, description, objective, code, anchors, start in LAYOUT:
        data = {
            "kraSetId": draft,
            "title": title,
            "description": description,
            "objective": objective,
            "weight": "20",
        }
        created = await payload(gql, token, KRA_CREATE, data)
        assert created["userErrors"] == [], created
        assert (await item(gql, token, created["kra"]["id"], code, weight="100"))[
            "userErrors"
        ] == []
        if anchors is not None:
            values = dict(zip(("threshold", "target", "stretch"), anchors, strict=True))
            goal = await set_goal(gql, token, goal_input(kpis[code], role, values, start=start))
            assert goal["userErrors"] == [], goal
    assert (await publish(gql, token, draft, "2026-01-01"))["userErrors"] == []
    unit = await helpers.unit(gql, token, "Team", "TEAM")
    people = [{"externalId": f"K{k}", "name": f"Agent {k}"} for k in range(10)]
    ids = await helpers.employees(gql, token, people)
    readings = []
    for k in range(10):
        assigned = await helpers.assign(gql, token, ids[f"K{k}"], role, unit, "2026-01-01")
        assert assigned["userErrors"] == []
        for start, end in last_months(3):
            readings += daily(f"K{k}", "CSAT", (80 + k, 100), start, end)
            readings += daily(f"K{k}", "AHT", (3400 + 50 * k, 10), start, end)
    await record(gql, token, readings)
    for start, end in last_months(4):  # the oldest is not among the last three
        await period(gql, token, start, end, name=f"M {start}")
    return org, token, draft, role


async def test_a_set_failing_each_criterion_once(gql: Gql, make_org: Any) -> None:
    _, token, set_id, _ = await _world(gql, make_org)
    check = (await gql.data(CHECK, {"id": set_id}, token))["kraSmartCheck"]
    assert check["passed"] is False
    assert check["referenceDay"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert [p["name"] for p in check["historyPeriods"]] == [
        f"M {start}" for start, _ in reversed(last_months(3))
    ]
    failed = {k["kra"]["title"]: [c for c in CRITERIA if not k[c]["passed"]] for k in check["kras"]}
    assert failed == {
        "Specific": ["specific"],
        "Measurable": ["measurable"],
        "Achievable": ["achievable"],
        "Relevant": ["relevant"],
        "Time-bound": ["timeBound"],
    }
    kras = {k["kra"]["title"]: k for k in check["kras"]}
    assert kras["Specific"]["specific"]["reason"] == (
        "the description has 9 characters; at least 20 are needed"
    )
    assert kras["Measurable"]["measurable"]["reason"] == (
        f"no role goal in force on {check['referenceDay']} for FCR"
    )
    assert kras["Relevant"]["relevant"]["reason"] == (
        "no objective is set: say which business objective the KRA serves"
    )
    assert kras["Time-bound"]["timeBound"]["reason"] == (
        "no role goal for QA on 2026-01-01, the set's first day"
    )
    (aht,) = kras["Achievable"]["targets"]
    assert (aht["target"], aht["sampleSize"], aht["percentile"], aht["inRange"]) == (
        "200",
        30,
        "0.0",
        False,
    )
    assert (aht["low"], aht["high"]) == ("344.500000", "380.500000")
    assert kras["Achievable"]["achievable"]["reason"] == (
        "AHT: target 200 sits at the 0.0 percentile of 30 values, outside "
        "P10 344.500000 to P90 380.500000"
    )
    (csat,) = kras["Specific"]["targets"]
    assert (csat["percentile"], csat["low"], csat["high"], csat["inRange"]) == (
        "55.0",
        "80.900000",
        "88.100000",
        True,
    )
    (adh,) = kras["Relevant"]["targets"]
    assert (adh["percentile"], adh["inRange"], adh["sampleSize"]) == (None, None, 0)
    assert adh["reason"] == "ADH: no history of the role's employees in the last periods"
    assert kras["Relevant"]["achievable"]["passed"] is True


async def test_a_draft_is_not_time_bound_and_who_may_check(gql: Gql, make_org: Any) -> None:
    org, token, _, role = await _world(gql, make_org)
    draft = await payload(
        gql,
        token,
        "mutation($input: KraSetDraftInput!) { kraSetDraft(input: $input) { kraSet { id } } }",
        {"roleId": role},
    )
    check = (await gql.data(CHECK, {"id": draft["kraSet"]["id"]}, token))["kraSmartCheck"]
    assert {k["timeBound"]["reason"] for k in check["kras"]} == {
        "the KRA set is a draft: it has no effective date until published"
    }
    assert not any(k["timeBound"]["passed"] for k in check["kras"])
    assert (await gql.data(CHECK, {"id": role}, token))["kraSmartCheck"] is None
    stranger = (await make_org()).token("admin")
    assert (await gql.data(CHECK, {"id": draft["kraSet"]["id"]}, stranger))["kraSmartCheck"] is None
    for caller, allowed in (("manager", True), ("hr", True), ("employee", False)):
        body = await gql(CHECK, {"id": draft["kraSet"]["id"]}, org.token(caller))
        codes = [e["extensions"]["code"] for e in body.get("errors", [])]
        assert codes == ([] if allowed else ["FORBIDDEN"]), caller
