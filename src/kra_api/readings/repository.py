"""Every query of the readings domain except the bulk merge (staging.py); always scoped by
organization."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Text, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.dates import today_in
from kra_api.models import (
    Employee,
    EmployeeIdentity,
    Kpi,
    KpiReading,
    Organization,
    OrgUnit,
    Period,
    QuarantinedReading,
)
from kra_api.readings.schemas import EMPLOYEE, KpiRule

SubjectKey = tuple[str, str]  # (subject kind, external id)


async def kpi_rules(
    session: AsyncSession, org_id: uuid.UUID, codes: Iterable[str]
) -> dict[str, KpiRule]:
    """The reading rules of the KPIs with these codes (unknown codes are absent)."""
    stmt = select(Kpi).where(col(Kpi.organization_id) == org_id, col(Kpi.code).in_(list(codes)))
    return {
        k.code: KpiRule(k.id, k.code, k.subject, tuple(c["name"] for c in k.components))
        for k in (await session.execute(stmt)).scalars()
    }


async def resolve_subjects(
    session: AsyncSession, org_id: uuid.UUID, source: str, keys: Iterable[SubjectKey]
) -> dict[SubjectKey, uuid.UUID]:
    """Subject ids for (kind, external id): employees through the source's identities first,
    then their own external id; org units by external id. Unknown keys are absent."""
    employees = sorted({ext for kind, ext in keys if kind == EMPLOYEE})
    units = sorted({ext for kind, ext in keys if kind != EMPLOYEE})
    found: dict[SubjectKey, uuid.UUID] = {}
    if employees:
        own = select(col(Employee.external_id), col(Employee.id)).where(
            col(Employee.organization_id) == org_id, col(Employee.external_id).in_(employees)
        )
        found.update({(EMPLOYEE, e): i for e, i in (await session.execute(own)).all()})
        linked = select(col(EmployeeIdentity.external_id), col(EmployeeIdentity.employee_id)).where(
            col(EmployeeIdentity.organization_id) == org_id,
            col(EmployeeIdentity.source) == source,
            col(EmployeeIdentity.external_id).in_(employees),
        )
        # The source's own identity wins over an HRIS id that happens to be equal.
        found.update({(EMPLOYEE, e): i for e, i in (await session.execute(linked)).all()})
    if units:
        stmt = select(col(OrgUnit.external_id), col(OrgUnit.id)).where(
            col(OrgUnit.organization_id) == org_id, col(OrgUnit.external_id).in_(units)
        )
        found.update({("ORG_UNIT", e): i for e, i in (await session.execute(stmt)).all() if e})
    return found


async def final_ranges(
    session: AsyncSession, org_id: uuid.UUID
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The instants covered by the organization's FINAL periods (scoring.md §9), merged."""
    org = await session.get(Organization, org_id)
    if org is None:
        return []
    cutoff = today_in(org.timezone) - dt.timedelta(days=org.grace_days)
    stmt = select(col(Period.start_date), col(Period.end_date)).where(
        col(Period.organization_id) == org_id,
        or_(col(Period.finalized_at).is_not(None), col(Period.end_date) <= cutoff),
    )
    zone = ZoneInfo(org.timezone)
    ranges: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted((await session.execute(stmt)).all()):
        lo = dt.datetime.combine(start, dt.time(), zone)
        hi = dt.datetime.combine(end, dt.time(), zone)
        if ranges and lo <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], hi))
        else:
            ranges.append((lo, hi))
    return ranges


def readings_between(
    org_id: uuid.UUID,
    subject_ids: Sequence[uuid.UUID],
    kpi_ids: Sequence[uuid.UUID],
    start: dt.datetime,
    end: dt.datetime,
) -> Select[uuid.UUID, uuid.UUID, str, dt.datetime, dt.datetime, str, int, bool]:
    """Readings of these subjects and KPIs whose interval starts in ``[start, end)``, with
    components as JSON text; the range prunes to the months concerned and the
    (kpi, subject, start) index serves the rest."""
    r = KpiReading
    return (
        select(
            col(r.subject_id),
            col(r.kpi_id),
            col(r.source),
            col(r.interval_start),
            col(r.interval_end),
            cast(col(r.components), Text).label("components"),
            col(r.source_revision),
            col(r.late),
        )
        .where(
            col(KpiReading.organization_id) == org_id,
            col(KpiReading.kpi_id).in_(kpi_ids),
            col(KpiReading.subject_id).in_(subject_ids),
            col(KpiReading.interval_start) >= start,
            col(KpiReading.interval_start) < end,
        )
        .order_by(col(KpiReading.interval_start))
    )


def exact_components(raw: str) -> dict[str, Decimal]:
    """Component values from their JSON text, exactly (a JSON driver would make floats)."""
    parsed: dict[str, Decimal] = json.loads(raw, parse_float=Decimal, parse_int=Decimal)
    return parsed


@dataclass(frozen=True)
class Held:
    """A quarantined reading, with its KPI code and exact component values."""

    id: uuid.UUID
    source: str
    subject_kind: str
    external_id: str
    kpi_code: str
    interval_start: dt.datetime
    interval_end: dt.datetime
    components: dict[str, Decimal]
    source_revision: int


async def quarantined_for(
    session: AsyncSession, org_id: uuid.UUID, kind: str, external_ids: Sequence[str]
) -> list[Held]:
    """Quarantined readings naming these external ids (any source), oldest first."""
    q = QuarantinedReading
    stmt = (
        select(
            col(q.id),
            col(q.source),
            col(q.subject_kind),
            col(q.external_id),
            col(Kpi.code),
            col(q.interval_start),
            col(q.interval_end),
            cast(col(q.components), Text),
            col(q.source_revision),
        )
        .join(
            Kpi,
            (col(Kpi.organization_id) == col(q.organization_id)) & (col(Kpi.id) == col(q.kpi_id)),
        )
        .where(
            col(q.organization_id) == org_id,
            col(q.subject_kind) == kind,
            col(q.external_id).in_(list(external_ids)),
        )
        .order_by(col(q.received_at), col(q.id))
    )
    return [
        Held(*row[:7], exact_components(row[7]), row[8])
        for row in (await session.execute(stmt)).all()
    ]


async def release(session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
    """Remove applied readings from the quarantine."""
    if ids:
        await session.execute(
            delete(QuarantinedReading).where(
                col(QuarantinedReading.organization_id) == org_id,
                col(QuarantinedReading.id).in_(list(ids)),
            )
        )


async def set_reason(
    session: AsyncSession, org_id: uuid.UUID, row_id: uuid.UUID, reason: str
) -> None:
    """Say why a quarantined reading could still not be applied."""
    await session.execute(
        update(QuarantinedReading)
        .where(
            col(QuarantinedReading.organization_id) == org_id,
            col(QuarantinedReading.id) == row_id,
        )
        .values(reason=reason)
    )
