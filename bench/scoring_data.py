"""Benchmark data for scoring: 10 000 employees in 400 teams, 8 KPIs, a month of daily readings.

Definitions go through the services (catalogue import, roles, KRA sets, goals, periods): they are
few. People, units, leadership and readings are many, so they are written with asyncpg COPY
(the owner connection; the partition comes from the same ``kra_reading_partition`` function the
readings code uses). Seeded: reproducible.

Shape: one site, 4 programs, 400 teams. Each team has a leader (role LEAD: LED_UNITS items over
the team) and agents (role AGENT: the §11 set plus TRANSFER and ABSENT); team 0 has 5 people and
team 1 has 50 (the statement-count comparison), the others share the rest. Goals: role goals,
an ORG_UNIT goal per program for CSAT, employee goals for one agent in twenty, and a mid-month
revision of the agent AHT goal (PRORATE).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

import asyncpg

from kra_api.auth.principal import system_principal
from kra_api.bootstrap import create_org
from kra_api.catalog import service as catalog
from kra_api.db.session import Database
from kra_api.goals import service as goals
from kra_api.goals.schemas import AnchorsIn, GoalIn
from kra_api.kras import item_edits, kra_edits
from kra_api.kras import repository as kra_repo
from kra_api.kras import service as kras
from kra_api.kras.item_edits import ItemIn, ItemScope
from kra_api.kras.rules import GateIn
from kra_api.people import service as people
from kra_api.periods import service as periods
from kra_api.periods.calendar import PeriodKind
from kra_api.scoring.goals import GoalScopeKind
from scoring_readings import Bench, write_readings

EMPLOYEES, TEAMS, PROGRAMS = 10_000, 400, 4
COMPONENTS = {
    "CSAT": ("positive", "responses"),
    "FCR": ("resolved_first_contact", "first_contacts"),
    "AHT": ("handle_seconds", "handled"),
    "ADH": ("adherent_minutes", "scheduled_minutes"),
    "QA": ("points_earned", "points_possible", "evaluations"),
    "TRANSFER": ("transferred", "handled"),
    "ABSENT": ("absent_hours", "scheduled_hours"),
    "COMPLIANCE": ("failures",),
}
AGENT_SET = [
    ("Customer experience", "40", [("CSAT", "60"), ("FCR", "40")]),
    ("Efficiency", "30", [("AHT", "50"), ("ADH", "30"), ("TRANSFER", "20")]),
    ("Quality", "20", [("QA", "100")]),
    ("Attendance", "10", [("ABSENT", "100")]),
]
LEAD_SET = [
    ("Team performance", "70", [("CSAT", "40"), ("AHT", "30"), ("QA", "30")]),
    ("Attendance", "30", [("ABSENT", "100")]),
]
ANCHORS = {
    "CSAT": ("75", "85", "95"),
    "FCR": ("65", "72", "80"),
    "AHT": ("420", "360", "300"),
    "ADH": ("85", "92", "97"),
    "QA": ("80", "88", "95"),
    "TRANSFER": ("15", "10", "5"),
    "ABSENT": ("8", "4", "2"),
}


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last month that ended before today (readings are never in the future)."""
    end = today.replace(day=1)
    return (end - dt.timedelta(days=1)).replace(day=1), end


async def _definitions(database: Database, org_id: uuid.UUID, start: dt.date) -> dict[str, Any]:
    principal = system_principal(org_id, "bench")
    async with database.session(org_id) as session, session.begin():
        kpis = {
            k.code: k.id
            for k in await catalog.import_catalogue(session, principal, list(COMPONENTS))
        }
        roles = {}
        for code, layout, gate in (("AGENT", AGENT_SET, True), ("LEAD", LEAD_SET, False)):
            role = await people.create_role(session, principal, code=code, name=code.title())
            draft = await _draft(session, org_id, role.id)
            scope = ItemScope.LED_UNITS if code == "LEAD" else ItemScope.SELF
            for title, weight, items in layout:
                k = await kra_edits.create_kra(
                    session, principal, kra_edits.KraIn(draft.id, title, Decimal(weight))
                )
                for kpi, w in items:
                    own = scope if kpi != "ABSENT" else ItemScope.SELF
                    data = ItemIn(k.id, kpi, own, Decimal(w))
                    await item_edits.add_item(session, principal, data)
                if gate and title == "Quality":
                    data = ItemIn(k.id, "COMPLIANCE", gate=GateIn(maximum=Decimal(0)))
                    await item_edits.add_item(session, principal, data)
            await kras.publish_set(session, principal, draft.id, dt.date(2020, 1, 1), None)
            roles[code] = role.id
        for code, (thr, tgt, st) in ANCHORS.items():
            for role in roles.values():
                if code == "AHT" and role == roles["AGENT"]:
                    continue
                await _goal(
                    session, principal, kpis[code], GoalScopeKind.ROLE, role, (thr, tgt, st)
                )
        mid = start + dt.timedelta(days=15)
        agent = roles["AGENT"]
        await _goal(
            session, principal, kpis["AHT"], GoalScopeKind.ROLE, agent, ANCHORS["AHT"], end=mid
        )
        revised = ("400", "340", "280")
        await _goal(session, principal, kpis["AHT"], GoalScopeKind.ROLE, agent, revised, start=mid)
    return {"kpis": kpis, "roles": roles, "principal": principal}


async def _draft(session: Any, org_id: uuid.UUID, role_id: uuid.UUID) -> Any:
    found = await kra_repo.draft_of(session, org_id, role_id)
    assert found is not None
    return found


async def _goal(
    session: Any,
    principal: Any,
    kpi: uuid.UUID,
    kind: GoalScopeKind,
    scope: uuid.UUID,
    anchors: tuple[str, str, str],
    start: dt.date = dt.date(2020, 1, 1),
    end: dt.date | None = None,
) -> None:
    thr, tgt, st = (Decimal(a) for a in anchors)
    data = GoalIn(kpi, kind, scope, start, AnchorsIn(thr, tgt, st), effective_to=end)
    await goals.set_goal(session, principal, data)


def _team_sizes() -> list[int]:
    rest = EMPLOYEES - 55
    base, extra = divmod(rest, TEAMS - 2)
    return [5, 50] + [base + (1 if i < extra else 0) for i in range(TEAMS - 2)]


async def generate(database: Database, url: str, today: dt.date, seed: int = 11) -> Bench:
    """Create the organization and everything in it; return its ids."""
    rng = random.Random(seed)
    month = last_full_month(today)
    org = await create_org(
        database, name="Scoring bench", slug="scoring-bench", timezone="Asia/Manila"
    )
    defs = await _definitions(database, org.id, month[0])
    bench = Bench(org.id, uuid.uuid4(), month, defs["kpis"])
    now = dt.datetime.now(dt.UTC)
    site, programs = uuid.uuid4(), [uuid.uuid4() for _ in range(PROGRAMS)]
    units = [(org.id, site, "Site", "SITE", None, None, now)]
    units += [
        (org.id, p, f"Program {i}", "PROGRAM", None, site, now) for i, p in enumerate(programs)
    ]
    employees, assignments, leads = [], [], []
    number = 0
    for t, size in enumerate(_team_sizes()):
        team = uuid.uuid4()
        bench.teams.append(team)
        units.append(
            (org.id, team, f"Team {t:03d}", "TEAM", f"T{t:03d}", programs[t % PROGRAMS], now)
        )
        people_ids = []
        for i in range(size):
            person = uuid.uuid4()
            people_ids.append(person)
            employees.append((org.id, person, f"E{number:05d}", f"Agent {number:05d}", now, now))
            role = defs["roles"]["LEAD" if i == 0 else "AGENT"]
            assignments.append((org.id, uuid.uuid4(), person, role, team, dt.date(2020, 1, 1), now))
            number += 1
        leads.append((org.id, uuid.uuid4(), team, people_ids[0], dt.date(2020, 1, 1)))
        bench.members[team] = people_ids
    connection = await asyncpg.connect(url)
    try:
        await connection.copy_records_to_table(
            "org_unit",
            records=units,
            columns=(
                "organization_id",
                "id",
                "name",
                "kind",
                "external_id",
                "parent_id",
                "created_at",
            ),
        )
        await connection.copy_records_to_table(
            "employee",
            records=employees,
            columns=("organization_id", "id", "external_id", "name", "created_at", "updated_at"),
        )
        await connection.copy_records_to_table(
            "assignment",
            records=assignments,
            columns=(
                "organization_id",
                "id",
                "employee_id",
                "role_id",
                "org_unit_id",
                "effective_from",
                "created_at",
            ),
        )
        await connection.copy_records_to_table(
            "org_unit_leadership",
            records=leads,
            columns=("organization_id", "id", "org_unit_id", "employee_id", "effective_from"),
        )
        await _more_goals(database, bench, defs, programs, [e[1] for e in employees], rng)
        # Partitions are UTC months: local midnight of the 1st in Manila is the day before.
        for day in (month[0] - dt.timedelta(days=1), month[0]):
            await connection.fetchval("SELECT kra_reading_partition($1)", day)
        employee_ids = [e[1] for e in employees]
        await write_readings(connection, bench, COMPONENTS, employee_ids, rng, now)
        # What autovacuum does to 2.48 million fresh rows (visibility map, hint bits), done now
        # rather than in the middle of the measurements, where it competed with them.
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()
    async with database.session(org.id) as session, session.begin():
        period = await periods.create_period(
            session,
            defs["principal"],
            name="Bench month",
            kind=PeriodKind.MONTH,
            start_date=month[0],
            end_date=month[1],
        )
        bench.period_id = period.id
    return bench


async def _more_goals(
    database: Database,
    bench: Bench,
    defs: dict[str, Any],
    programs: list[uuid.UUID],
    employees: list[uuid.UUID],
    rng: random.Random,
) -> None:
    async with database.session(bench.org_id) as session, session.begin():
        for program in programs:
            csat = ("78", "86", "94")
            await _goal(
                session,
                defs["principal"],
                bench.kpis["CSAT"],
                GoalScopeKind.ORG_UNIT,
                program,
                csat,
            )
        for person in employees[::20]:
            fcr = (str(rng.randint(60, 66)), "73", "81")
            await _goal(
                session, defs["principal"], bench.kpis["FCR"], GoalScopeKind.EMPLOYEE, person, fcr
            )
