"""The demo BPO organization for ``serve --demo``: seeded once, through the services.

People and structure live here; KPIs, KRA sets, goals and periods in ``demo_kras``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal, system_principal
from kra_api.auth.tokens import issue_token
from kra_api.bootstrap import create_org, database_for_cli, organization_by_slug
from kra_api.config import Settings
from kra_api.dates import today_in
from kra_api.demo_kras import seed_definitions
from kra_api.demo_readings import seed_readings
from kra_api.models import Employee, OrgUnit
from kra_api.orgs import service as orgs
from kra_api.people import service as people
from kra_api.people.service import EmployeeIn, IdentityIn

DEMO_SLUG = "demo"
DEMO_TIMEZONE = "Asia/Manila"
ROLES = [
    ("AGENT", "Customer service agent"),
    ("SALES_EXEC", "Sales executive"),
    ("TEAM_LEADER", "Team leader"),
    ("TRAINER", "Trainer"),
    ("QA_ANALYST", "QA analyst"),
    ("OPS_MANAGER", "Operations manager"),
]
PROGRAMS = [
    ("Acme Telco Support", "AGENT", ["Telco Billing", "Telco Tech Support", "Telco Retention"]),
    ("Globex Retail Sales", "SALES_EXEC", ["Retail Inbound", "Retail Outbound", "Retail Upsell"]),
]
AGENTS_PER_TEAM = 18
FIRST = "Ana Ben Carla Dante Elena Felix Gina Hugo Iris Jun Kara Leo Mia Noel Olga Paolo Rina "
FIRST += "Sam Tess Uma Vic Wena Xian Yna Zed"
LAST = "Reyes Santos Cruz Bautista Garcia Mendoza Torres Flores Villanueva Ramos Aquino Navarro "
LAST += "Castillo Domingo Lim Tan Gomez Rivera Delos-Santos Morales"


def _people(rng: random.Random, count: int) -> list[str]:
    first, last = FIRST.split(), LAST.split()
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(first)} {rng.choice(last)}")
    return sorted(names)


async def _seed(
    session: AsyncSession, principal: Principal, start: dt.date, today: dt.date
) -> None:
    rng = random.Random(20261125)  # noqa: S311 - reproducible demo data, not security
    roles = {
        code: await people.create_role(session, principal, code=code, name=name)
        for code, name in ROLES
    }
    site = await orgs.create_unit(
        session,
        principal,
        name="Manila Site",
        kind="SITE",
        parent_id=None,
        external_id="SITE-MNL",
        leader_id=None,
        today=start,
    )
    plan: list[tuple[str, str, OrgUnit]] = []  # (external id, role code, unit)
    leads: list[tuple[str, OrgUnit]] = [("E0001", site)]
    plan.append(("E0001", "OPS_MANAGER", site))
    serial = 2
    for p_index, (program_name, agent_role, team_names) in enumerate(PROGRAMS, start=1):
        program = await orgs.create_unit(
            session,
            principal,
            name=program_name,
            kind="PROGRAM",
            parent_id=site.id,
            external_id=f"PRG-{p_index}",
            leader_id=None,
            today=start,
        )
        for code in ("OPS_MANAGER", "TRAINER", "QA_ANALYST"):
            plan.append((f"E{serial:04d}", code, program))
            if code == "OPS_MANAGER":
                leads.append((f"E{serial:04d}", program))
            serial += 1
        for t_index, team_name in enumerate(team_names, start=1):
            team = await orgs.create_unit(
                session,
                principal,
                name=team_name,
                kind="TEAM",
                parent_id=program.id,
                external_id=f"TEAM-{p_index}{t_index}",
                leader_id=None,
                today=start,
            )
            plan.append((f"E{serial:04d}", "TEAM_LEADER", team))
            leads.append((f"E{serial:04d}", team))
            serial += 1
            for _ in range(AGENTS_PER_TEAM):
                plan.append((f"E{serial:04d}", agent_role, team))
                serial += 1
    names = _people(rng, len(plan))
    rows = [
        EmployeeIn(
            external_id=ext,
            name=name,
            email=f"{ext.lower()}@demo-bpo.example",
            identities=[IdentityIn("wfm", f"WFM-{ext[1:]}"), IdentityIn("acd", f"ACD{ext[1:]}")],
        )
        for (ext, _, _), name in zip(plan, names, strict=True)
    ]
    employees: dict[str, Employee] = {}
    for chunk in range(0, len(rows), people.MAX_UPSERT):
        result = await people.upsert_employees(
            session, principal, rows[chunk : chunk + people.MAX_UPSERT]
        )
        employees.update({e.external_id: e for e in result.employees})
    for ext, role_code, unit in plan:
        await people.assign(
            session,
            principal,
            employee_id=employees[ext].id,
            role_id=roles[role_code].id,
            org_unit_id=unit.id,
            effective_from=start,
            effective_to=None,
        )
    for ext, unit in leads:
        await orgs.assign_leader(
            session, principal, unit_id=unit.id, employee_id=employees[ext].id, effective_from=start
        )
    await seed_definitions(session, principal, roles, start, today)


async def seed_demo(settings: Settings, url: str) -> str:
    """Create the demo organization when absent; return an admin token for it."""
    database = database_for_cli(settings, url)
    try:
        org = await organization_by_slug(database, DEMO_SLUG)
        if org is None:
            org = await create_org(
                database, name="Demo BPO", slug=DEMO_SLUG, timezone=DEMO_TIMEZONE
            )
            today = today_in(DEMO_TIMEZONE)
            start = dt.date(today.year - 1, today.month, 1)
            principal = system_principal(org.id, label="demo-seed")
            async with database.session(org.id) as session, session.begin():
                await _seed(session, principal, start, today)
            async with database.session(org.id) as session, session.begin():
                await seed_readings(session, principal, DEMO_TIMEZONE, today)
        org_id: uuid.UUID = org.id
    finally:
        await database.dispose()
    return issue_token(settings, organization=str(org_id), roles=["admin"], subject=None)
