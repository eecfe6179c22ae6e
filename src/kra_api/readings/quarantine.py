"""Quarantined readings (unknown subject ids) are applied once their subject becomes known."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record
from kra_api.auth.principal import Principal
from kra_api.readings import repository as repo
from kra_api.readings.batch import Ingestion
from kra_api.readings.schemas import EMPLOYEE, ReadingIn


def _reading(held: repo.Held) -> ReadingIn:
    unit = held.subject_kind != EMPLOYEE
    return ReadingIn(
        kpi_code=held.kpi_code,
        interval_start=held.interval_start,
        interval_end=held.interval_end,
        components=list(held.components.items()),
        employee_external_id=None if unit else held.external_id,
        org_unit_external_id=held.external_id if unit else None,
        source_revision=held.source_revision,
    )


async def apply_quarantined(
    session: AsyncSession,
    principal: Principal,
    external_ids: Iterable[str],
    kind: str = EMPLOYEE,
) -> int:
    """Merge the quarantined readings naming these ids whose subject now resolves (in arrival
    order, with the usual revision rules) and release them; returns how many were applied."""
    org = principal.organization_id
    wanted = sorted({e for e in external_ids if e})
    if not wanted:
        return 0
    held = await repo.quarantined_for(session, org, kind, wanted)
    applied = 0
    for source, rows in groupby(sorted(held, key=lambda h: h.source), key=lambda h: h.source):
        group = list(rows)
        ingestion = Ingestion(principal, source)
        checked = await ingestion.check(session, [_reading(h) for h in group])
        # A KPI may have changed since (only readings lock its definition): say why it waits.
        for i, error in dict(checked.errors).items():
            await repo.set_reason(session, org, group[i].id, f"{error.code}: {error.message}")
        stored = await ingestion.store(session, checked)
        await repo.release(session, org, [group[i].id for i in stored.resolved])
        applied += len(stored.resolved)
    if applied:
        await record(
            session,
            principal,
            action="kpiReading.quarantineApply",
            entity_type="KpiReading",
            entity_id=None,
            after={"applied": applied, "subjectKind": kind, "externalIds": wanted},
        )
    return applied
