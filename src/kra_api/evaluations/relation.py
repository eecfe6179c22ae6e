"""How the caller stands to an evaluation: the employee, the reviewer, hr/admin (or none)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal, UserRole
from kra_api.evaluations.policy import Relation
from kra_api.models import Evaluation
from kra_api.people.visibility import reviewer_of
from kra_api.scoring.access import viewer_employee


def relation(
    principal: Principal,
    viewer: uuid.UUID | None,
    employee: uuid.UUID,
    reviewer: uuid.UUID | None,
) -> Relation:
    """The relation of a caller (``viewer``: their employee) to ``employee``'s evaluation,
    whose reviewer on the placement day is ``reviewer``."""
    if principal.is_integration:
        return Relation()
    subject = viewer is not None and viewer == employee
    return Relation(
        is_self=subject and principal.has_role(UserRole.EMPLOYEE, UserRole.MANAGER),
        is_subject=subject,
        is_reviewer=(
            not subject
            and viewer is not None
            and viewer == reviewer
            and principal.has_role(UserRole.MANAGER)
        ),
        is_hr=principal.is_hr_or_admin,
    )


def needs_reviewer(principal: Principal, viewer: uuid.UUID | None, employee: uuid.UUID) -> bool:
    """Whether the reviewer must be looked up to know the relation (only managers can be it)."""
    return viewer is not None and viewer != employee and principal.has_role(UserRole.MANAGER)


async def relation_to(
    session: AsyncSession, principal: Principal, evaluation: Evaluation
) -> Relation:
    """The caller's relation to ``evaluation``: at most two statements."""
    viewer = await viewer_employee(session, principal)
    reviewer = None
    if needs_reviewer(principal, viewer, evaluation.employee_id):
        reviewer = await reviewer_of(
            session, principal.organization_id, evaluation.employee_id, evaluation.placement_day
        )
    return relation(principal, viewer, evaluation.employee_id, reviewer)
