"""Realistic daily demo readings (seeded, reproducible) for ``serve --demo``, stored through the
same ingestion path as every other reading."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.models import Kpi
from kra_api.readings.batch import Counts, Ingestion
from kra_api.readings.schemas import EMPLOYEE, ReadingIn

DEMO_SOURCE = "demo-wfm"
# A daily volume per component that others are a share of (low, high).
VOLUMES: dict[str, tuple[float, float]] = {
    "handled": (30, 70),
    "responses": (5, 20),
    "first_contacts": (20, 50),
    "opportunities": (10, 40),
    "offered": (400, 900),
    "answered": (350, 850),
    "evaluations": (1, 3),
    "items": (5, 15),
    "assigned": (2, 6),
    "planned": (1, 3),
    "sla_completed": (10, 30),
    "headcount_start": (15, 20),
    "open_items": (0, 25),
    "failures": (0, 0.502),  # rounds to 1 on ~0.4 % of days: about one agent in ten fails a month
    "revenue": (2000, 9000),
    "scheduled_hours": (8, 8),
    "scheduled_minutes": (480, 480),
    "staffed_hours": (7, 8),
    "paid_seconds": (28800, 28800),
    "available_seconds": (20000, 26000),
}
# part: (whole, low share, high share), the first whole the KPI has wins.
SHARES: dict[str, list[tuple[str, float, float]]] = {
    "positive": [("responses", 0.75, 0.95)],
    "easy": [("responses", 0.6, 0.85)],
    "hard": [("responses", 0.05, 0.15)],
    "promoters": [("responses", 0.4, 0.7)],
    "detractors": [("responses", 0.05, 0.2)],
    "resolved_first_contact": [("first_contacts", 0.65, 0.9)],
    "sales": [("opportunities", 0.1, 0.35)],
    "abandoned": [("offered", 0.02, 0.08)],
    "answered_within": [("offered", 0.7, 0.9)],
    "wait_seconds_answered": [("answered", 10, 40)],
    "adherent_minutes": [("scheduled_minutes", 0.85, 0.98)],
    "absent_hours": [("scheduled_hours", 0, 0.06)],
    "shrinkage_hours": [("scheduled_hours", 0.05, 0.2)],
    "acw_seconds": [("handled", 20, 60)],
    "handle_seconds": [
        ("handled", 280, 480),
        ("available_seconds", 0.7, 0.9),
        ("paid_seconds", 0.6, 0.85),
    ],
    "transferred": [("handled", 0.03, 0.12)],
    "points_possible": [("evaluations", 100, 100)],
    "points_earned": [("points_possible", 0.8, 0.98)],
    "completed": [("assigned", 0.7, 1.0)],
    "delivered": [("planned", 0.6, 1.0)],
    "sla_met": [("sla_completed", 0.85, 1.0)],
    "abs_deviation_points": [("items", 1, 6)],
    "profit": [("revenue", 0.1, 0.3)],
    "separations": [("headcount_start", 0, 0.04)],
    "headcount_end": [("headcount_start", 0.95, 1.0)],
}
# Parts where less is better: a skilled agent sits near the low end.
LOWER = {
    "hard",
    "detractors",
    "abandoned",
    "wait_seconds_answered",
    "absent_hours",
    "shrinkage_hours",
    "acw_seconds",
    "handle_seconds",
    "transferred",
    "abs_deviation_points",
    "separations",
}
# Shares given per unit of time rather than per item keep two decimals.
FRACTIONAL = {"revenue", "profit", "absent_hours", "shrinkage_hours", "staffed_hours"}


@dataclass(frozen=True)
class DemoKpi:
    """What the generator needs of a KPI."""

    code: str
    subject: str
    components: tuple[str, ...]

    @classmethod
    def of(cls, kpi: Kpi) -> DemoKpi:
        """From a stored KPI."""
        return cls(kpi.code, kpi.subject, tuple(c["name"] for c in kpi.components))


def _whole(name: str, present: Iterable[str]) -> tuple[str, float, float] | None:
    return next((share for share in SHARES.get(name, []) if share[0] in present), None)


def _values(kpi: DemoKpi, rng: random.Random, skill: float) -> list[tuple[str, str]]:
    got: dict[str, float] = {}
    # Wholes first, then the shares of them (points_earned after points_possible after ...).
    pending = list(kpi.components)
    while pending:
        name = next(
            (n for n in pending if (w := _whole(n, kpi.components)) is None or w[0] in got),
            pending[0],
        )
        pending.remove(name)
        share = _whole(name, kpi.components)
        if share is not None and share[0] in got:
            whole, low, high = share
            position = min(1.0, max(0.0, rng.random() * 0.6 + 0.4 * skill))
            if name in LOWER:
                position = 1 - position
            got[name] = got[whole] * (low + (high - low) * position)
        else:
            low, high = VOLUMES.get(name, (0, 100))
            got[name] = rng.uniform(low, high)
        if name not in FRACTIONAL:  # counts and seconds are whole; shares build on those
            got[name] = round(got[name])
    return [
        (n, str(Decimal(got[n]).quantize(Decimal("0.01") if n in FRACTIONAL else Decimal(1))))
        for n in kpi.components
    ]


def generate_demo_readings(
    kpis: Sequence[DemoKpi],
    employees: Sequence[str],
    units: Sequence[str],
    periods: Sequence[tuple[dt.date, dt.date]],
    *,
    timezone: str = "UTC",
    until: dt.date | None = None,
    seed: int = 20261126,
) -> Iterator[ReadingIn]:
    """One reading per day (local midnight to midnight), subject and KPI over the periods
    (start inclusive, end exclusive, overlaps read once), never for ``until`` or later.
    EMPLOYEE KPIs are read per employee external id, ORG_UNIT KPIs per unit external id."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    skill = {e: rng.random() for e in employees}  # a steady performer stays one
    zone = ZoneInfo(timezone)
    days = sorted(
        {start + dt.timedelta(days=n) for start, end in periods for n in range((end - start).days)}
    )
    for day in days:
        if until is not None and day >= until:
            break
        start = dt.datetime.combine(day, dt.time(), zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
        for kpi in kpis:
            per_employee = kpi.subject == EMPLOYEE
            for subject in employees if per_employee else units:
                yield ReadingIn(
                    kpi_code=kpi.code,
                    interval_start=start,
                    interval_end=end,
                    components=_values(kpi, rng, skill[subject] if per_employee else 0.5),
                    employee_external_id=subject if per_employee else None,
                    org_unit_external_id=None if per_employee else subject,
                )


async def seed_demo_readings(
    session: AsyncSession,
    principal: Principal,
    readings: Iterable[ReadingIn],
    *,
    source: str = DEMO_SOURCE,
    batch_rows: int = 5000,
) -> Counts:
    """Store generated readings through the ingestion service (never commits)."""
    ingestion = Ingestion(principal, source)
    total = Counts()
    batch: list[ReadingIn] = []

    async def flush() -> None:
        checked = await ingestion.check(session, batch)
        assert not checked.errors, checked.errors[:3]  # generated data is always valid
        total.add((await ingestion.store(session, checked)).counts)
        batch.clear()

    for reading in readings:
        batch.append(reading)
        if len(batch) >= batch_rows:
            await flush()
    if batch:
        await flush()
    return total
