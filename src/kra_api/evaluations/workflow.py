"""Transitions of one evaluation (the issue's table). Services flush, never commit.

Each transition locks the evaluation's row, checks *who* (FORBIDDEN, a top-level error) before
*when* (INVALID_STATE, a userError), and writes the change, its audit entry and its outbox event
in the caller's transaction; a refusal raises before anything is written.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Forbidden, Invalid
from kra_api.evaluations import repository as repo
from kra_api.evaluations.freezing import Freeze, band_by_level, freeze_many
from kra_api.evaluations.policy import TRANSITIONS, Action, State, permitted
from kra_api.evaluations.records import revision_view, view, written
from kra_api.evaluations.relation import relation_to
from kra_api.models import Evaluation, Organization, Period
from kra_api.scoring.access import viewer_employee

MAX_TEXT = 10_000
ID_PATH = ("input", "evaluationId")


def clean_text(value: str | None, *path: str) -> str | None:
    """A comment or reason: stripped, blank as None; INVALID when too long."""
    if value is None or not value.strip():
        return None
    if len(value) > MAX_TEXT:
        raise Invalid.one("INVALID", f"at most {MAX_TEXT} characters", *path)
    return value.strip()


def required_reason(value: str | None, *path: str) -> str:
    """A reason that must be given (REASON_REQUIRED when missing or blank)."""
    reason = clean_text(value, *path)
    if reason is None:
        raise Invalid.one("REASON_REQUIRED", "a reason is required", *path)
    return reason


async def _org(session: AsyncSession, principal: Principal) -> Organization:
    org = await session.get(Organization, principal.organization_id)
    assert org is not None  # the credential's organization exists (checked at authentication)
    return org


async def acting_on(
    session: AsyncSession, principal: Principal, evaluation_id: uuid.UUID, action: Action
) -> Evaluation:
    """The evaluation, locked, once the caller may perform ``action`` in its current state."""
    ev = await repo.get(session, principal.organization_id, evaluation_id, lock=True)
    if ev is None:
        raise Invalid.one("NOT_FOUND", "no such evaluation", *ID_PATH)
    if not permitted(action, await relation_to(session, principal, ev)):
        raise Forbidden(f"{principal.label} may not {action.value} this evaluation")
    sources, _ = TRANSITIONS[action]
    if State(ev.state) not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        message = f"{action.value} needs state {allowed}; the evaluation is {ev.state}"
        raise Invalid.one("INVALID_STATE", message, *ID_PATH)
    return ev


def _band_error(org: Organization, level: int | None, *path: str) -> FieldError | None:
    if level is None:
        return FieldError("INVALID_BAND", "a band level is required for an override", path)
    if band_by_level(org, level) is None:
        levels = ", ".join(str(b["level"]) for b in org.bands)
        return FieldError("INVALID_BAND", f"no band of level {level} (levels: {levels})", path)
    return None


async def submit_self_review(
    session: AsyncSession, principal: Principal, evaluation_id: uuid.UUID, comment: str | None
) -> Evaluation:
    """SELF_REVIEW → MANAGER_REVIEW, by the employee."""
    ev = await acting_on(session, principal, evaluation_id, Action.SELF_REVIEW_SUBMIT)
    text = clean_text(comment, "input", "comment")
    before = view(ev)
    ev.self_comment = text
    ev.self_submitted_at = dt.datetime.now(dt.UTC)
    ev.state = State.MANAGER_REVIEW.value
    await written(
        session,
        principal,
        ev,
        action="evaluation.selfReviewSubmit",
        event="evaluation.selfReviewSubmitted",
        before=before,
    )
    return ev


async def submit_manager_review(
    session: AsyncSession,
    principal: Principal,
    evaluation_id: uuid.UUID,
    *,
    comment: str | None,
    override_level: int | None,
    override_reason: str | None,
) -> Evaluation:
    """MANAGER_REVIEW → CALIBRATION, by the reviewer (or hr/admin); an optional override."""
    ev = await acting_on(session, principal, evaluation_id, Action.MANAGER_REVIEW_SUBMIT)
    text = clean_text(comment, "input", "comment")
    reason = clean_text(override_reason, "input", "overrideReason")
    errors: list[FieldError] = []
    if override_level is not None or reason is not None:
        band_error = _band_error(
            await _org(session, principal), override_level, "input", "overrideBandLevel"
        )
        errors += [band_error] if band_error else []
        if reason is None:
            errors.append(
                FieldError(
                    "REASON_REQUIRED", "an override needs a reason", ("input", "overrideReason")
                )
            )
    if errors:
        raise Invalid(errors)
    viewer = await viewer_employee(session, principal)
    before = view(ev)
    ev.manager_comment = text
    ev.manager_reviewer_id = viewer
    ev.manager_submitted_at = dt.datetime.now(dt.UTC)
    if override_level is not None:
        ev.override_band_level, ev.override_reason = override_level, reason
    ev.state = State.CALIBRATION.value
    await written(
        session,
        principal,
        ev,
        action="evaluation.managerReviewSubmit",
        event="evaluation.managerReviewSubmitted",
        before=before,
        reason=reason,
    )
    return ev


async def calibrate(
    session: AsyncSession,
    principal: Principal,
    evaluation_id: uuid.UUID,
    *,
    level: int,
    reason: str | None,
) -> Evaluation:
    """CALIBRATION → CALIBRATION with the band set (and its reason), by hr/admin; repeatable."""
    ev = await acting_on(session, principal, evaluation_id, Action.CALIBRATE)
    errors = []
    band_error = _band_error(await _org(session, principal), level, "input", "bandLevel")
    errors += [band_error] if band_error else []
    try:
        why = required_reason(reason, "input", "reason")
    except Invalid as exc:
        errors += exc.errors
    if errors:
        raise Invalid(errors)
    before = view(ev)
    ev.override_band_level, ev.override_reason = level, why
    await written(
        session,
        principal,
        ev,
        action="evaluation.calibrate",
        event="evaluation.calibrated",
        before=before,
        reason=why,
    )
    return ev


async def finalize(
    session: AsyncSession, principal: Principal, evaluation_id: uuid.UUID
) -> Evaluation:
    """CALIBRATION → FINALIZED by hr/admin: the scorecard is frozen as revision 1."""
    ev = await acting_on(session, principal, evaluation_id, Action.FINALIZE)
    org = await _org(session, principal)
    if ev.override_band_level is not None and band_by_level(org, ev.override_band_level) is None:
        message = f"the override band level {ev.override_band_level} no longer exists"
        raise Invalid.one("INVALID_BAND", message + "; calibrate again", *ID_PATH)
    await _freeze(session, principal, org, ev, Freeze(ev, ev.revision), "evaluation.finalize")
    return ev


async def acknowledge(
    session: AsyncSession, principal: Principal, evaluation_id: uuid.UUID, comment: str | None
) -> Evaluation:
    """FINALIZED → ACKNOWLEDGED by the employee (their comment kept on the revision)."""
    ev = await acting_on(session, principal, evaluation_id, Action.ACKNOWLEDGE)
    text = clean_text(comment, "input", "comment")
    found = await repo.revisions(session, principal.organization_id, [(ev.id, ev.revision)])
    rev = found[(ev.id, ev.revision)]
    before = view(ev)
    rev.acknowledged_at = dt.datetime.now(dt.UTC)
    rev.acknowledgement_comment = text
    ev.state = State.ACKNOWLEDGED.value
    await written(
        session,
        principal,
        ev,
        action="evaluation.acknowledge",
        event="evaluation.acknowledged",
        before=before,
        extra={"acknowledgementComment": text},
    )
    return ev


async def adjust(
    session: AsyncSession, principal: Principal, evaluation_id: uuid.UUID, reason: str | None
) -> Evaluation:
    """FINALIZED / ACKNOWLEDGED → FINALIZED as revision n+1, recomputed from current data."""
    ev = await acting_on(session, principal, evaluation_id, Action.ADJUST)
    why = required_reason(reason, "input", "reason")
    org = await _org(session, principal)
    found = await repo.revisions(session, principal.organization_id, [(ev.id, ev.revision)])
    wanted = Freeze(ev, ev.revision + 1, found[(ev.id, ev.revision)])
    await _freeze(session, principal, org, ev, wanted, "evaluation.adjust", reason=why)
    return ev


async def _freeze(
    session: AsyncSession,
    principal: Principal,
    org: Organization,
    ev: Evaluation,
    wanted: Freeze,
    action: str,
    *,
    reason: str | None = None,
) -> None:
    period = await session.get(Period, (ev.organization_id, ev.period_id))
    assert period is not None  # a composite foreign key guarantees it
    made = await freeze_many(session, principal, org, period, [wanted], reason=reason)
    rev = made[ev.id]
    before = view(ev)
    ev.state = State.FINALIZED.value
    ev.revision = wanted.number
    event = "evaluation.adjusted" if wanted.previous is not None else "evaluation.finalized"
    await written(
        session,
        principal,
        ev,
        action=action,
        event=event,
        before=before,
        reason=reason,
        extra={"revisionRecord": revision_view(rev)},
    )
