"""Who may read which evaluations: the scorecard rule (scoring/access.py), as SQL for lists.

hr and admin (and integrations with ``scorecards:read``) read every evaluation; a user reads
their own; a manager those of every employee in the units they led, subtree included, on the
evaluation's placement day or today, each against the employee's unit on that same day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, Uuid, column, false, or_, text, true
from sqlmodel import col

from kra_api.auth.principal import Principal, Scope, UserRole
from kra_api.models import Evaluation

_MANAGED = text(
    """
    WITH RECURSIVE led(unit_id, lfrom, lto, depth) AS (
        SELECT l.org_unit_id, l.effective_from, l.effective_to, 0
        FROM org_unit_leadership l
        WHERE l.organization_id = :vis_org AND l.employee_id = :vis_viewer
        UNION ALL
        SELECT u.id, led.lfrom, led.lto, led.depth + 1
        FROM org_unit u JOIN led ON u.organization_id = :vis_org AND u.parent_id = led.unit_id
        WHERE led.depth < 64
    )
    SELECT ev.id
    FROM evaluation ev
    CROSS JOIN LATERAL (VALUES (ev.placement_day), (CAST(:vis_today AS date))) AS d(day)
    JOIN assignment a ON a.organization_id = :vis_org AND a.employee_id = ev.employee_id
     AND a.effective_from <= d.day AND (a.effective_to IS NULL OR a.effective_to > d.day)
    JOIN led ON led.unit_id = a.org_unit_id
     AND led.lfrom <= d.day AND (led.lto IS NULL OR led.lto > d.day)
    WHERE ev.organization_id = :vis_org
    """
).columns(column("id", Uuid))


def reads_everything(principal: Principal) -> bool:
    """hr, admin and integrations with scorecards:read read every evaluation."""
    if principal.is_integration:
        return principal.has_scope(Scope.SCORECARDS_READ)
    return principal.is_hr_or_admin


def visible(principal: Principal, viewer: uuid.UUID | None, today: dt.date) -> ColumnElement[Any]:
    """A condition on ``Evaluation`` keeping the rows the caller may read."""
    if reads_everything(principal):
        return true()
    if principal.is_integration or viewer is None:
        return false()
    own = col(Evaluation.employee_id) == viewer
    if not principal.has_role(UserRole.MANAGER):
        return own if principal.has_role(UserRole.EMPLOYEE) else false()
    managed = _MANAGED.bindparams(
        vis_org=principal.organization_id, vis_viewer=viewer, vis_today=today
    )
    return or_(own, col(Evaluation.id).in_(managed))
