"""What every evaluation change leaves behind: an audit entry and an outbox event, written in
the change's own transaction (so a refused change leaves neither)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.models import Evaluation, EvaluationRevision, OutboxEvent

ENTITY = "Evaluation"


def view(evaluation: Evaluation | None) -> dict[str, Any] | None:
    """An evaluation's columns for the audit log's before/after."""
    return snapshot(evaluation)


def revision_view(rev: EvaluationRevision) -> dict[str, Any]:
    """A revision for the audit log: everything but the (large, immutable) snapshot itself."""
    data = snapshot(rev) or {}
    data.pop("snapshot", None)
    return data


async def written(
    session: AsyncSession,
    principal: Principal,
    evaluation: Evaluation,
    *,
    action: str,
    event: str,
    before: dict[str, Any] | None,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
    touch: bool = True,
) -> None:
    """Audit one change of ``evaluation`` and queue its outbox event (``touch``: stamp its
    ``updated_at``; a row just inserted already has it, and touching would cost an UPDATE)."""
    if touch:
        evaluation.updated_at = dt.datetime.now(dt.UTC)
    after = {**(view(evaluation) or {}), **(extra or {})}
    await record(
        session,
        principal,
        action=action,
        entity_type=ENTITY,
        entity_id=evaluation.id,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(
        OutboxEvent(
            organization_id=evaluation.organization_id,
            event_type=event,
            entity_type=ENTITY,
            entity_id=evaluation.id,
            payload={
                "evaluationId": str(evaluation.id),
                "employeeId": str(evaluation.employee_id),
                "periodId": str(evaluation.period_id),
                "state": evaluation.state,
                "previousState": None if before is None else before.get("state"),
                "revision": evaluation.revision,
                "forced": bool((extra or {}).get("forced", False)),
            },
        )
    )
