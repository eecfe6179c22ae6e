"""Set-up of the scorecard tests through the public API: the agent KRA set of scoring.md §11,
role goals, people, daily readings and periods; and the GraphQL documents that read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tests import helpers
from tests.conftest import Gql, Org
from tests.goals.support import goal_input, set_goal
from tests.kras.support import AGENT_KPIS, fill, import_kpis, payload, publish, role_with_draft

ERRORS = "userErrors { code field message }"
RECORD = f"""mutation($input: KpiReadingsRecordInput!) {{
  kpiReadingsRecord(input: $input) {{ inserted updated rejected {ERRORS} }} }}"""
PERIOD = f"""mutation($input: PeriodCreateInput!) {{
  periodCreate(input: $input) {{ period {{ id }} {ERRORS} }} }}"""
ITEM_FIELDS = """status value score weight segment contribution gatePassed baseline
  threshold target stretch lowThreshold lowTarget highTarget highThreshold
  componentSums { name value } goals { days goal { id version effectiveFrom } }
  kpi { code } item { id scope }"""
CARD_FIELDS = f"""id final overallScore overallStatus coverage gateFailed computedAt
  band {{ level label minScore }} employee {{ externalId }} period {{ name }}
  role {{ code }} orgUnit {{ name }} kraSet {{ version }}
  kras {{ weight score status coverage kra {{ title }} items {{ {ITEM_FIELDS} }} }}"""
SCORECARD = f"""query($e: ID!, $p: ID!) {{ scorecard(employeeId: $e, periodId: $p) {{
  {CARD_FIELDS} }} }}"""

# Component names of the catalogue KPIs used here, in formula order.
COMPONENTS = {
    "CSAT": ("positive", "responses"),
    "FCR": ("resolved_first_contact", "first_contacts"),
    "AHT": ("handle_seconds", "handled"),
    "ADH": ("adherent_minutes", "scheduled_minutes"),
    "QA": ("points_earned", "points_possible", "evaluations"),
    "COMPLIANCE": ("failures",),
}
# Role goals of scoring.md §11: threshold / target / stretch.
ANCHORS = {
    "CSAT": ("75", "85", "95"),
    "FCR": ("65", "72", "80"),
    "AHT": ("420", "360", "300"),
    "ADH": ("85", "92", "97"),
    "QA": ("80", "88", "95"),
}
# Example A's inputs for the month.
EXAMPLE_A: dict[str, tuple[int, ...]] = {
    "CSAT": (46, 52),
    "FCR": (310, 430),
    "AHT": (129000, 380),
    "ADH": (9016, 9600),
    "QA": (450, 500, 5),
    "COMPLIANCE": (0,),
}
MARCH = ("2026-03-01", "2026-04-01")


@dataclass
class Agents:
    """An organization with the §11 agent set published from 2026-01-01 and role goals."""

    org: Org
    token: str
    kpis: dict[str, str]
    role: str
    unit: str
    units: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)


def anchors(code: str) -> dict[str, str]:
    """The §11 anchors of a KPI as an AnchorsInput."""
    threshold, target, stretch = ANCHORS[code]
    return {"threshold": threshold, "target": target, "stretch": stretch}


async def agents(gql: Gql, make_org: Any, *, goals: bool = True, tz: str = "UTC") -> Agents:
    """A fresh organization with the agent role, its published set, a team and role goals."""
    org = await make_org(timezone=tz)
    token = org.token("admin")
    kpis = await import_kpis(gql, token, AGENT_KPIS)
    role, draft = await role_with_draft(gql, token)
    await fill(gql, token, draft)
    published = await publish(gql, token, draft, "2026-01-01")
    assert published["userErrors"] == [], published
    site = await helpers.unit(gql, token, "Site", "SITE")
    team = await helpers.unit(gql, token, "Team A", "TEAM", site)
    setup = Agents(org, token, kpis, role, team, {"Site": site, "Team A": team})
    if goals:
        for code in ANCHORS:
            await goal(gql, setup, code, anchors(code), "ROLE", role)
    return setup


async def goal(
    gql: Gql, s: Agents, code: str, values: dict[str, str], kind: str, scope: str, **extra: Any
) -> dict[str, Any]:
    """Set an approved goal version (from 2026-01-01 unless ``start`` is given)."""
    result = await set_goal(gql, s.token, goal_input(s.kpis[code], scope, values, kind, **extra))
    assert result["userErrors"] == [], result
    goal: dict[str, Any] = result["goal"]
    return goal


async def hire(
    gql: Gql,
    s: Agents,
    external_id: str,
    unit: str | None = None,
    role: str | None = None,
    start: str = "2026-01-01",
    end: str | None = None,
) -> str:
    """Create (or reuse) an employee and assign them; return the employee id."""
    if external_id not in s.people:
        ids = await helpers.employees(
            gql, s.token, [{"externalId": external_id, "name": f"Agent {external_id}"}]
        )
        s.people[external_id] = ids[external_id]
    employee = s.people[external_id]
    assigned = await helpers.assign(
        gql, s.token, employee, role or s.role, unit or s.unit, start, end
    )
    assert assigned["userErrors"] == [], assigned
    return employee


def spread(total: Decimal, days: int) -> list[Decimal]:
    """``total`` split into ``days`` parts that add up exactly (whole numbers stay whole)."""
    base = (total / days).to_integral_value(rounding="ROUND_FLOOR")
    parts = [base] * days
    rest = total - base * days
    for i in range(int(rest)):
        parts[i] += 1
    parts[-1] += rest - int(rest)
    return parts


def daily(
    external_id: str,
    code: str,
    values: tuple[int | str | Decimal, ...],
    start: str = MARCH[0],
    end: str = MARCH[1],
    subject: str = "employeeExternalId",
) -> list[dict[str, Any]]:
    """Readings of one KPI, one per day of ``[start, end)``, adding up to ``values``."""
    first, stop = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    days = (stop - first).days
    columns = [spread(Decimal(v), days) for v in values]
    readings = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        readings.append(
            {
                subject: external_id,
                "kpiCode": code,
                "intervalStart": f"{day.isoformat()}T00:00:00+00:00",
                "intervalEnd": f"{(day + dt.timedelta(days=1)).isoformat()}T00:00:00+00:00",
                "components": [
                    {"name": name, "value": str(col[i])}
                    for name, col in zip(COMPONENTS.get(code, ()), columns, strict=False)
                ],
            }
        )
    return readings


def month(external_id: str, totals: dict[str, tuple[int, ...]], **kw: Any) -> list[dict[str, Any]]:
    """Daily readings of several KPIs over March 2026 (or ``start``/``end``)."""
    return [r for code, values in totals.items() for r in daily(external_id, code, values, **kw)]


async def record(gql: Gql, token: str, readings: list[dict[str, Any]], source: str = "wfm") -> None:
    """Store readings through kpiReadingsRecord (1000 per call), all accepted."""
    for i in range(0, len(readings), 1000):
        variables = {"source": source, "readings": readings[i : i + 1000], "atomic": True}
        result = await payload(gql, token, RECORD, variables)
        assert result["userErrors"] == [], result
        assert result["rejected"] == 0, result


async def period(
    gql: Gql, token: str, start: str = MARCH[0], end: str = MARCH[1], **kw: Any
) -> str:
    """Create a period (MONTH unless ``kind``); return its id."""
    data = {"name": kw.pop("name", f"P {start}"), "startDate": start, "endDate": end, **kw}
    result = await payload(gql, token, PERIOD, data)
    assert result["userErrors"] == [], result
    period_id: str = result["period"]["id"]
    return period_id


async def scorecard(gql: Gql, token: str, employee: str, period_id: str) -> dict[str, Any]:
    """The scorecard (must be visible and exist)."""
    data = await gql.data(SCORECARD, {"e": employee, "p": period_id}, token)
    card: dict[str, Any] = data["scorecard"]
    return card


def items(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Item results by KPI code."""
    return {i["kpi"]["code"]: i for k in card["kras"] for i in k["items"]}


def kra_scores(card: dict[str, Any]) -> dict[str, str | None]:
    """KRA scores by title."""
    return {k["kra"]["title"]: k["score"] for k in card["kras"]}
