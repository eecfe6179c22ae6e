"""The demo organization's definitions: KPIs, the typical KRA sets of kpi-catalogue.md, role
goals and monthly periods, seeded through the services like any client would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.catalog.service import import_catalogue
from kra_api.goals.schemas import AnchorsIn, GoalIn
from kra_api.goals.service import set_goal
from kra_api.kras import repository as kra_repo
from kra_api.kras.item_edits import ItemIn, ItemScope, add_item
from kra_api.kras.kra_edits import KraIn, create_kra
from kra_api.kras.rules import GateIn
from kra_api.kras.service import publish_set
from kra_api.models import Kpi, Role
from kra_api.periods.calendar import PeriodKind, add_months
from kra_api.periods.service import create_period
from kra_api.scoring.goals import AnchorBasis, GoalScopeKind

SELF, LED = ItemScope.SELF, ItemScope.LED_UNITS
# role → [(KRA title, weight, [(KPI, weight in KRA, scope)])], as in kpi-catalogue.md.
KRA_SETS: dict[str, list[tuple[str, str, list[tuple[str, str, ItemScope]]]]] = {
    "AGENT": [
        ("Customer experience", "40", [("CSAT", "60", SELF), ("FCR", "40", SELF)]),
        ("Efficiency", "30", [("AHT", "70", SELF), ("ADH", "30", SELF)]),
        ("Quality", "30", [("QA", "100", SELF)]),
    ],
    "TEAM_LEADER": [
        ("Team performance", "40", [("CSAT", "40", LED), ("QA", "30", LED), ("AHT", "30", LED)]),
        ("Client SLA", "20", [("SL", "60", LED), ("ABANDON", "40", LED)]),
        ("People", "20", [("ATTRITION", "50", LED), ("ABSENT", "50", LED)]),
        ("Coaching", "20", [("COACHING", "100", SELF)]),
    ],
    "TRAINER": [
        ("Throughput", "30", [("TRAINING", "100", SELF)]),
        ("Effectiveness", "40", [("QA", "50", LED), ("AHT", "50", LED)]),
        ("Feedback", "30", [("CSAT", "100", SELF)]),
    ],
    "QA_ANALYST": [
        ("Productivity", "40", [("QA_DONE", "100", SELF)]),
        ("Accuracy", "40", [("CALIB_VAR", "100", SELF)]),
        ("Impact", "20", [("QA", "100", LED)]),
    ],
    "SALES_EXEC": [
        ("Revenue", "50", [("REVENUE", "60", SELF), ("CONV", "40", SELF)]),
        ("Activity", "20", [("CPH", "100", SELF)]),
        ("Quality", "30", [("QA", "100", SELF)]),
    ],
}
# Roles whose last KRA carries the compliance gate (no compliance failure allowed).
GATED = {"AGENT", "SALES_EXEC"}
# Contact-center anchors (threshold, target, stretch); REVENUE is relative to last period.
ANCHORS: dict[str, tuple[str, str, str]] = {
    "CSAT": ("75", "85", "95"),
    "FCR": ("65", "72", "80"),
    "AHT": ("420", "360", "300"),
    "ADH": ("85", "92", "97"),
    "QA": ("80", "88", "95"),
    "SL": ("70", "80", "90"),
    "ABANDON": ("8", "5", "3"),
    "ATTRITION": ("5", "3", "1.5"),
    "ABSENT": ("8", "5", "3"),
    "COACHING": ("80", "90", "100"),
    "TRAINING": ("85", "95", "100"),
    "QA_DONE": ("90", "100", "110"),
    "CALIB_VAR": ("8", "5", "3"),
    "REVENUE": ("0.95", "1.05", "1.15"),
    "CONV": ("15", "20", "25"),
    "CPH": ("6", "8", "10"),
}
RELATIVE = {"REVENUE"}
MONTHS = 3


def kpi_codes() -> list[str]:
    """Every KPI the demo KRA sets use, the compliance gate included."""
    codes = {code for kras in KRA_SETS.values() for _, _, items in kras for code, _, _ in items}
    return sorted(codes | {"COMPLIANCE"})


async def _kra_set(session: AsyncSession, principal: Principal, role: Role, start: dt.date) -> None:
    """Fill the role's draft v1 from KRA_SETS and publish it from ``start``."""
    draft = await kra_repo.draft_of(session, principal.organization_id, role.id)
    assert draft is not None  # roleCreate opened it
    layout = KRA_SETS[role.code]
    for index, (title, weight, items) in enumerate(layout):
        kra = await create_kra(
            session, principal, KraIn(kra_set_id=draft.id, title=title, weight=Decimal(weight))
        )
        for code, item_weight, scope in items:
            data = ItemIn(kra_id=kra.id, kpi_code=code, scope=scope, weight=Decimal(item_weight))
            await add_item(session, principal, data)
        if role.code in GATED and index == len(layout) - 1:
            gate = GateIn(maximum=Decimal(0))
            await add_item(session, principal, ItemIn(kra.id, "COMPLIANCE", gate=gate))
    await publish_set(session, principal, draft.id, start, "demo: typical KRA set")


async def _goals(
    session: AsyncSession, principal: Principal, role: Role, kpis: dict[str, Kpi], start: dt.date
) -> None:
    """A role-level goal for every weighted KPI of the role (gates need none)."""
    codes = sorted({c for _, _, items in KRA_SETS[role.code] for c, _, _ in items})
    for code in codes:
        threshold, target, stretch = (Decimal(a) for a in ANCHORS[code])
        data = GoalIn(
            kpi_id=kpis[code].id,
            scope_kind=GoalScopeKind.ROLE,
            scope_id=role.id,
            effective_from=start,
            anchors=AnchorsIn(threshold=threshold, target=target, stretch=stretch),
            basis=AnchorBasis.RELATIVE if code in RELATIVE else AnchorBasis.ABSOLUTE,
            reason="demo: typical contact-center anchors",
        )
        await set_goal(session, principal, data)


async def seed_definitions(
    session: AsyncSession,
    principal: Principal,
    roles: dict[str, Role],
    start: dt.date,
    today: dt.date,
) -> None:
    """KPIs, published KRA sets and goals from ``start``, then the current and previous months.

    Periods come last: the past ones are FINAL already, and nothing may be published into them.
    """
    kpis = {k.code: k for k in await import_catalogue(session, principal, kpi_codes())}
    for code in KRA_SETS:
        await _kra_set(session, principal, roles[code], start)
        await _goals(session, principal, roles[code], kpis, start)
    this_month = today.replace(day=1)
    for back in range(MONTHS - 1, -1, -1):
        first = add_months(this_month, -back)
        await create_period(
            session,
            principal,
            name=first.strftime("%B %Y"),
            kind=PeriodKind.MONTH,
            start_date=first,
            end_date=add_months(first, 1),
        )
