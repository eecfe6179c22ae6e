"""What-if benchmark (issue 6): goalSimulate and kraSetSimulate on a team of 50, end to end
through the GraphQL app (in-process ASGI: parsing, permissions, two scoring runs, serialization).

Data (through the public API): the §11 agent KRA set, role goals, a site with two teams of 50
agents (a team of 50 is the target; the role reaches 100), a month of daily readings of six
KPIs for everyone (18 000 readings), and a KRA set draft with other weights.

    uv run python bench/simulate.py [--runs 15]

Target: a team of 50 under 1 s. Uses KRA_DATABASE_URL's server (else the embedded one) with a
fresh database, dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from kra_api.app import create_app
from kra_api.auth.tokens import issue_token
from kra_api.bootstrap import create_org
from kra_api.config import Settings
from kra_api.db import migrate
from kra_api.db.admin import drop_database, ensure_database
from kra_api.db.embedded import start_embedded
from kra_api.db.session import Database

TEAM_SIZE, TEAMS = 50, 2
SET = [
    ("Customer experience", "40", [("CSAT", "60"), ("FCR", "40")]),
    ("Efficiency", "30", [("AHT", "70"), ("ADH", "30")]),
    ("Quality", "30", [("QA", "100")]),
]
ANCHORS = {
    "CSAT": ("75", "85", "95"),
    "FCR": ("65", "72", "80"),
    "AHT": ("420", "360", "300"),
    "ADH": ("85", "92", "97"),
    "QA": ("80", "88", "95"),
}
# Daily component values (per employee, varied by index) of each KPI, in formula order.
DAILY: dict[str, Callable[[int], tuple[int, ...]]] = {
    "CSAT": lambda i: (2 + i % 3, 3),
    "FCR": lambda i: (10 + i % 5, 14),
    "AHT": lambda i: (4000 + 37 * (i % 40), 12),
    "ADH": lambda i: (300 + i % 20, 320),
    "QA": lambda i: (15 + i % 3, 17, 1),
    "COMPLIANCE": lambda i: (0,),
}
COMPONENTS = {
    "CSAT": ("positive", "responses"),
    "FCR": ("resolved_first_contact", "first_contacts"),
    "AHT": ("handle_seconds", "handled"),
    "ADH": ("adherent_minutes", "scheduled_minutes"),
    "QA": ("points_earned", "points_possible", "evaluations"),
    "COMPLIANCE": ("failures",),
}
SIM_FIELDS = """simulation { scorecardCount changedCount bandsAfter { count }
  scorecards(first: 100) { edges { node { employee { name } before { overallScore }
  after { overallScore band { level } } } } } } userErrors { code message }"""
GOAL_SIMULATE = (
    f"query($input: GoalSimulateInput!) {{ goalSimulate(input: $input) {{ {SIM_FIELDS} }} }}"
)
SET_SIMULATE = (
    f"query($input: KraSetSimulateInput!) {{ kraSetSimulate(input: $input) {{ {SIM_FIELDS} }} }}"
)


class Api:
    """GraphQL calls as the organization's admin."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client, self.token = client, token

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body = response.json()
        assert "errors" not in body, body["errors"]
        (value,) = body["data"].values()
        if isinstance(value, dict) and value.get("userErrors"):
            raise AssertionError(value["userErrors"])
        return value

    async def mutate(self, name: str, input_type: str, data: dict[str, Any], fields: str) -> Any:
        """Run ``name(input: data) { fields userErrors }``."""
        query = (
            f"mutation($input: {input_type}!) {{ {name}(input: $input) "
            f"{{ {fields} userErrors {{ code field message }} }} }}"
        )
        return await self(query, {"input": data})


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The month before the current one."""
    end = today.replace(day=1)
    return (end - dt.timedelta(days=1)).replace(day=1), end


async def definitions(api: Api, start: dt.date) -> dict[str, str]:
    """KPIs, the agent role and its published set, role goals; returns ids by name."""
    kpis = await api.mutate(
        "kpiCatalogImport", "KpiCatalogImportInput", {"codes": list(COMPONENTS)}, "kpis { id code }"
    )
    ids = {k["code"]: k["id"] for k in kpis["kpis"]}
    role = await api.mutate(
        "roleCreate",
        "RoleCreateInput",
        {"code": "AGENT", "name": "Agent"},
        "role { id kraSets { id } }",
    )
    ids["role"], draft = role["role"]["id"], role["role"]["kraSets"][0]["id"]
    for title, weight, items in SET:
        kra = await api.mutate(
            "kraCreate",
            "KraCreateInput",
            {"kraSetId": draft, "title": title, "weight": weight},
            "kra { id }",
        )
        for code, item_weight in items:
            data = {"kraId": kra["kra"]["id"], "kpiCode": code, "weight": item_weight}
            await api.mutate("kraItemAdd", "KraItemAddInput", data, "kraItem { id }")
        ids[title] = kra["kra"]["id"]
    gate = {"kraId": ids["Quality"], "kpiCode": "COMPLIANCE", "gate": {"maximum": "0"}}
    await api.mutate("kraItemAdd", "KraItemAddInput", gate, "kraItem { id }")
    data = {"kraSetId": draft, "effectiveFrom": start.isoformat()}
    await api.mutate("kraSetPublish", "KraSetPublishInput", data, "kraSet { id }")
    for code, (threshold, target, stretch) in ANCHORS.items():
        goal = {
            "kpiId": ids[code],
            "scopeKind": "ROLE",
            "scopeId": ids["role"],
            "effectiveFrom": start.isoformat(),
            "anchors": {"threshold": threshold, "target": target, "stretch": stretch},
        }
        await api.mutate("goalSet", "GoalSetInput", goal, "goal { id }")
    return ids


async def people(api: Api, ids: dict[str, str], start: dt.date) -> list[tuple[str, str]]:
    """A site with the teams, their agents assigned; returns (team id, external id) pairs."""
    unit_fields = "orgUnit { id }"
    site = await api.mutate(
        "orgUnitCreate", "OrgUnitCreateInput", {"name": "Site", "kind": "SITE"}, unit_fields
    )
    placed = []
    for t in range(TEAMS):
        data = {"name": f"Team {t}", "kind": "TEAM", "parentId": site["orgUnit"]["id"]}
        team = (await api.mutate("orgUnitCreate", "OrgUnitCreateInput", data, unit_fields))[
            "orgUnit"
        ]["id"]
        ids[f"team{t}"] = team
        rows = [
            {"externalId": f"T{t}A{n:02d}", "name": f"Agent {t}-{n:02d}"} for n in range(TEAM_SIZE)
        ]
        upserted = await api.mutate(
            "employeesUpsert",
            "EmployeesUpsertInput",
            {"employees": rows},
            "employees { id externalId }",
        )
        for e in upserted["employees"]:
            assign = {
                "employeeId": e["id"],
                "roleId": ids["role"],
                "orgUnitId": team,
                "effectiveFrom": start.isoformat(),
            }
            await api.mutate("employeeAssign", "EmployeeAssignInput", assign, "assignment { id }")
            placed.append((team, e["externalId"]))
    return placed


async def readings(api: Api, placed: list[tuple[str, str]], month: tuple[dt.date, dt.date]) -> int:
    """Daily readings of every KPI for everyone over the month; returns how many."""
    batch: list[dict[str, Any]] = []
    total = 0
    days = (month[1] - month[0]).days
    for i, (_, external_id) in enumerate(placed):
        for d in range(days):
            day = month[0] + dt.timedelta(days=d)
            for code, values in DAILY.items():
                batch.append(
                    {
                        "employeeExternalId": external_id,
                        "kpiCode": code,
                        "intervalStart": f"{day}T00:00:00+00:00",
                        "intervalEnd": f"{day + dt.timedelta(days=1)}T00:00:00+00:00",
                        "components": [
                            {"name": n, "value": str(v)}
                            for n, v in zip(COMPONENTS[code], values(i + d), strict=True)
                        ],
                    }
                )
            if len(batch) >= 990:
                total += await _record(api, batch)
                batch = []
    return total + (await _record(api, batch) if batch else 0)


async def _record(api: Api, batch: list[dict[str, Any]]) -> int:
    data = {"source": "bench", "readings": batch, "atomic": True}
    result = await api.mutate("kpiReadingsRecord", "KpiReadingsRecordInput", data, "inserted")
    return int(result["inserted"])


async def draft_with_weights(api: Api, ids: dict[str, str]) -> str:
    """A new draft of the agent set with weights 20 / 50 / 30."""
    draft = await api.mutate(
        "kraSetDraft",
        "KraSetDraftInput",
        {"roleId": ids["role"]},
        "kraSet { id kras { id title } }",
    )
    weights = {"Customer experience": "20", "Efficiency": "50", "Quality": "30"}
    for kra in draft["kraSet"]["kras"]:
        data = {"kraId": kra["id"], "weight": weights[kra["title"]]}
        await api.mutate("kraUpdate", "KraUpdateInput", data, "kra { id }")
    set_id: str = draft["kraSet"]["id"]
    return set_id


async def timed(api: Api, runs: int, query: str, data: dict[str, Any]) -> tuple[list[float], Any]:
    """Seconds of each run (after one warm-up run) and the last result."""
    result = await api(query, {"input": data})
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await api(query, {"input": data})
        times.append(time.perf_counter() - started)
    return times, result


def report(label: str, times: list[float], result: Any) -> None:
    sim = result["simulation"]
    print(
        f"{label:<44} scorecards {sim['scorecardCount']:>4}  changed {sim['changedCount']:>4}  "
        f"median {statistics.median(times) * 1000:7.1f} ms  best {min(times) * 1000:7.1f} ms  "
        f"worst {max(times) * 1000:7.1f} ms"
    )


async def run(url: str, runs: int) -> None:
    settings = Settings(database_url=url, env="development")
    database = Database(url, set_role=True)
    try:
        org = await create_org(
            database, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}", timezone="UTC"
        )
        token = issue_token(settings, organization=str(org.id), roles=["admin"], subject="BENCH")
        transport = httpx.ASGITransport(app=create_app(settings, database))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=120
        ) as client:
            api = Api(client, token)
            month = last_full_month(dt.date.today())
            start = month[0] - dt.timedelta(days=31)
            began = time.perf_counter()
            ids = await definitions(api, start)
            placed = await people(api, ids, start)
            count = await readings(api, placed, month)
            period = await api.mutate(
                "periodCreate",
                "PeriodCreateInput",
                {
                    "name": "Bench month",
                    "startDate": month[0].isoformat(),
                    "endDate": month[1].isoformat(),
                },
                "period { id }",
            )
            period_id = period["period"]["id"]
            draft = await draft_with_weights(api, ids)
            took = time.perf_counter() - began
            print(f"set-up: {len(placed)} agents, {count} readings in {took:.1f} s")
            tried = {"threshold": "400", "target": "340", "stretch": "280"}
            team = {
                "kpiId": ids["AHT"],
                "scopeKind": "ORG_UNIT",
                "scopeId": ids["team0"],
                "anchors": tried,
                "periodId": period_id,
            }
            times, result = await timed(api, runs, GOAL_SIMULATE, team)
            report(f"goalSimulate, a team of {TEAM_SIZE}", times, result)
            role = {**team, "scopeKind": "ROLE", "scopeId": ids["role"]}
            times, result = await timed(api, runs, GOAL_SIMULATE, role)
            report(f"goalSimulate, the role ({TEAMS} teams)", times, result)
            times, result = await timed(
                api, runs, SET_SIMULATE, {"kraSetId": draft, "periodId": period_id}
            )
            report(f"kraSetSimulate, the role ({TEAMS} teams)", times, result)
    finally:
        await database.dispose()


async def main_async(runs: int) -> None:
    server = os.environ.get("KRA_DATABASE_URL") or start_embedded(Settings().data_dir)
    name = f"kra_bench_sim_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    try:
        await migrate.upgrade(url)
        await run(url, runs)
    finally:
        await drop_database(server, name)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each simulation")
    asyncio.run(main_async(parser.parse_args().runs))


if __name__ == "__main__":
    main()
