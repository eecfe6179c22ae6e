"""periodFinalize: every evaluation of an ended period frozen at once, the period made FINAL.

Set-based: one statement finds who lacks an evaluation, one inserts theirs, one locks every
evaluation of the period, and one scoring run (the scoring service's batch path) scores all the
employees to freeze. Each forced finalization is audited as such.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.dates import today_in
from kra_api.errors import Invalid
from kra_api.evaluations import repository as repo
from kra_api.evaluations.freezing import Freeze, freeze_many
from kra_api.evaluations.policy import FROZEN, State
from kra_api.evaluations.records import revision_view, view, written
from kra_api.evaluations.start import new_row, record_started
from kra_api.models import Organization, Period

FORCED_REASON = "forced by periodFinalize"


@dataclass(frozen=True)
class Closed:
    """The period, how many evaluations this call finalized, and how many it created."""

    period: Period
    finalized: int
    created: int


async def finalize_period(
    session: AsyncSession, principal: Principal, period_id: uuid.UUID
) -> Closed:
    """Finalize every evaluation of an ended period whatever its state, create and finalize one
    for each employee assigned on its last day who has none, and put the period in FINAL."""
    org_id = principal.organization_id
    period = await session.get(Period, (org_id, period_id), with_for_update=True)
    if period is None:
        raise Invalid.one("NOT_FOUND", "no such period", "input", "periodId")
    org = await session.get(Organization, org_id)
    assert org is not None
    if today_in(org.timezone) < period.end_date:
        message = f"the period ends on {period.end_date.isoformat()} (exclusive)"
        raise Invalid.one("NOT_ENDED", message, "input", "periodId")
    last_day = period.end_date - dt.timedelta(days=1)
    missing = await repo.assigned_without_evaluation(session, org_id, period.id, last_day)
    rows = [new_row(org_id, e, period.id, last_day, False) for e in missing]
    inserted = await repo.insert_new(session, rows)
    # Locked after the insert, so evaluations started concurrently are frozen as well.
    evaluations = await repo.of_period(session, org_id, period.id, lock=True)
    await record_started(
        session, principal, [e for e in evaluations if e.id in inserted], forced=True
    )
    open_ones = [e for e in evaluations if State(e.state) not in FROZEN]
    wanted = [Freeze(e, e.revision) for e in open_ones]
    made = await freeze_many(
        session, principal, org, period, wanted, forced=True, reason=FORCED_REASON
    )
    for ev in open_ones:
        before = view(ev)
        ev.state = State.FINALIZED.value
        await written(
            session,
            principal,
            ev,
            action="evaluation.finalize",
            event="evaluation.finalized",
            before=before,
            reason=FORCED_REASON,
            extra={"forced": True, "revisionRecord": revision_view(made[ev.id])},
        )
    await _close(session, principal, period, len(open_ones), len(inserted))
    return Closed(period, len(open_ones), len(inserted))


async def _close(
    session: AsyncSession, principal: Principal, period: Period, finalized: int, created: int
) -> None:
    before = snapshot(period)
    if period.finalized_at is None:
        period.finalized_at = dt.datetime.now(dt.UTC)
    after = {**(snapshot(period) or {}), "finalized": finalized, "created": created}
    await record(
        session,
        principal,
        action="period.finalize",
        entity_type="Period",
        entity_id=period.id,
        before=before,
        after=after,
    )
