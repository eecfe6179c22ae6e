"""Every query on evaluations and their revisions; always scoped by organization."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.evaluations.policy import FROZEN
from kra_api.models import Assignment, Evaluation, EvaluationRevision

FROZEN_STATES = sorted(s.value for s in FROZEN)


async def get(
    session: AsyncSession, org_id: uuid.UUID, evaluation_id: uuid.UUID, *, lock: bool = False
) -> Evaluation | None:
    """An evaluation by id; ``lock`` takes its row lock so transitions serialize."""
    stmt = select(Evaluation).where(
        col(Evaluation.organization_id) == org_id, col(Evaluation.id) == evaluation_id
    )
    if lock:
        # populate_existing: a row cached by an earlier mutation of the request is re-read.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalars().first()


async def of_employee(
    session: AsyncSession, org_id: uuid.UUID, employee_id: uuid.UUID, period_id: uuid.UUID
) -> Evaluation | None:
    """The evaluation of an employee and period (there is at most one)."""
    stmt = select(Evaluation).where(
        col(Evaluation.organization_id) == org_id,
        col(Evaluation.employee_id) == employee_id,
        col(Evaluation.period_id) == period_id,
    )
    return (await session.execute(stmt)).scalars().first()


async def of_period(
    session: AsyncSession, org_id: uuid.UUID, period_id: uuid.UUID, *, lock: bool = False
) -> list[Evaluation]:
    """Every evaluation of a period (locked, when asked, in one statement)."""
    stmt = select(Evaluation).where(
        col(Evaluation.organization_id) == org_id, col(Evaluation.period_id) == period_id
    )
    if lock:
        stmt = stmt.order_by(col(Evaluation.id)).with_for_update()
        stmt = stmt.execution_options(populate_existing=True)
    return list((await session.execute(stmt)).scalars())


async def insert_new(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert evaluations, skipping any employee and period that has one (concurrent starts
    included); the ids actually inserted."""
    if not rows:
        return set()
    stmt = (
        insert(Evaluation)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=["organization_id", "employee_id", "period_id"])
        .returning(col(Evaluation.id))
    )
    return {r[0] for r in await session.execute(stmt)}


async def revisions(
    session: AsyncSession, org_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, int]]
) -> dict[tuple[uuid.UUID, int], EvaluationRevision]:
    """Revisions by (evaluation, revision number)."""
    if not keys:
        return {}
    stmt = select(EvaluationRevision).where(
        col(EvaluationRevision.organization_id) == org_id,
        tuple_(col(EvaluationRevision.evaluation_id), col(EvaluationRevision.revision)).in_(
            list(keys)
        ),
    )
    return {(r.evaluation_id, r.revision): r for r in (await session.execute(stmt)).scalars()}


async def revisions_of(
    session: AsyncSession, org_id: uuid.UUID, evaluation_ids: Sequence[uuid.UUID]
) -> list[EvaluationRevision]:
    """Every revision of the evaluations, newest first per evaluation."""
    stmt = (
        select(EvaluationRevision)
        .where(
            col(EvaluationRevision.organization_id) == org_id,
            col(EvaluationRevision.evaluation_id).in_(list(evaluation_ids)),
        )
        .order_by(col(EvaluationRevision.evaluation_id), col(EvaluationRevision.revision).desc())
    )
    return list((await session.execute(stmt)).scalars())


async def frozen_snapshots(
    session: AsyncSession,
    org_id: uuid.UUID,
    period_id: uuid.UUID,
    employee_ids: Sequence[uuid.UUID],
) -> dict[uuid.UUID, EvaluationRevision]:
    """The newest revision of each employee's FINALIZED / ACKNOWLEDGED evaluation of a period."""
    if not employee_ids:
        return {}
    stmt = (
        select(col(Evaluation.employee_id), EvaluationRevision)
        .join(
            EvaluationRevision,
            (col(EvaluationRevision.organization_id) == col(Evaluation.organization_id))
            & (col(EvaluationRevision.evaluation_id) == col(Evaluation.id))
            & (col(EvaluationRevision.revision) == col(Evaluation.revision)),
        )
        .where(
            col(Evaluation.organization_id) == org_id,
            col(Evaluation.period_id) == period_id,
            col(Evaluation.employee_id).in_(list(employee_ids)),
            col(Evaluation.state).in_(FROZEN_STATES),
        )
    )
    return {employee: rev for employee, rev in await session.execute(stmt)}


_ASSIGNED_WITHOUT = text(
    """
    SELECT DISTINCT a.employee_id
    FROM assignment a
    JOIN employee e ON e.organization_id = a.organization_id AND e.id = a.employee_id
     AND (e.terminated_on IS NULL OR e.terminated_on >= :day)
    WHERE a.organization_id = :org
      AND a.effective_from <= :day AND (a.effective_to IS NULL OR a.effective_to > :day)
      AND NOT EXISTS (
        SELECT 1 FROM evaluation ev
        WHERE ev.organization_id = :org AND ev.employee_id = a.employee_id
          AND ev.period_id = :period
      )
    ORDER BY a.employee_id
    """
)


async def assigned_without_evaluation(
    session: AsyncSession, org_id: uuid.UUID, period_id: uuid.UUID, day: dt.date
) -> list[uuid.UUID]:
    """Employees assigned on ``day`` (and not gone before it) who have no evaluation of the
    period: one statement."""
    params = {"org": org_id, "period": period_id, "day": day}
    return [r[0] for r in await session.execute(_ASSIGNED_WITHOUT, params)]


async def placement_day(
    session: AsyncSession, org_id: uuid.UUID, employee_id: uuid.UUID, span: tuple[dt.date, dt.date]
) -> dt.date | None:
    """The last day of ``span`` the employee was assigned (None: never assigned in it)."""
    end = func.least(func.coalesce(col(Assignment.effective_to), span[1]), span[1])
    stmt = select(func.max(end)).where(
        col(Assignment.organization_id) == org_id,
        col(Assignment.employee_id) == employee_id,
        col(Assignment.effective_from) < span[1],
        or_(col(Assignment.effective_to).is_(None), col(Assignment.effective_to) > span[0]),
    )
    found: dt.date | None = (await session.execute(stmt)).scalar_one_or_none()
    return None if found is None else found - dt.timedelta(days=1)


async def by_ids(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[Evaluation]:
    """Evaluations by id."""
    if not ids:
        return []
    stmt = select(Evaluation).where(
        col(Evaluation.organization_id) == org_id, col(Evaluation.id).in_(list(ids))
    )
    return list((await session.execute(stmt)).scalars())


async def of_employees(
    session: AsyncSession, org_id: uuid.UUID, period_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Evaluation]:
    """The period's evaluations of these employees, by employee."""
    if not ids:
        return {}
    stmt = select(Evaluation).where(
        col(Evaluation.organization_id) == org_id,
        col(Evaluation.period_id) == period_id,
        col(Evaluation.employee_id).in_(list(ids)),
    )
    return {e.employee_id: e for e in (await session.execute(stmt)).scalars()}
