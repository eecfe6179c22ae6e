"""Freezing evaluations: score them through the scoring service's batch path and write one
immutable revision each (snapshot, input hash, computed and final band, what changed)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.actor import actor_of
from kra_api.auth.principal import Principal
from kra_api.evaluations import changes, snapshot
from kra_api.models import Evaluation, EvaluationRevision, Organization, Period
from kra_api.scoring.engine import Band
from kra_api.scoring.org_settings import bands_of, engine_settings
from kra_api.scoring.service import score_period


@dataclass(frozen=True)
class Freeze:
    """One evaluation to freeze as revision ``number`` (``previous``: the revision it adjusts)."""

    evaluation: Evaluation
    number: int
    previous: EvaluationRevision | None = None


def band_by_level(org: Organization, level: int | None) -> Band | None:
    """The organization's band of ``level`` (None when there is no such band)."""
    return next((b for b in bands_of(org) if b.level == level), None)


def final_band(org: Organization, evaluation: Evaluation, computed: Band | None) -> Band | None:
    """The override's band when there is one (and it still exists), else the computed band."""
    if evaluation.override_band_level is not None:
        found = band_by_level(org, evaluation.override_band_level)
        if found is not None:
            return found
    return computed


def _changes(
    previous: EvaluationRevision | None, frozen: dict[str, Any], final: dict[str, Any] | None
) -> list[dict[str, Any]]:
    if previous is None:
        return []
    found = changes.diff(previous.snapshot, frozen)
    old = previous.final_band
    if (old or {}).get("level") != (final or {}).get("level"):
        shown = [None if b is None else f"{b['level']} {b['label']}" for b in (old, final)]
        found.append({"path": ["finalBand"], "before": shown[0], "after": shown[1]})
    return found


async def freeze_many(
    session: AsyncSession,
    principal: Principal,
    org: Organization,
    period: Period,
    wanted: Sequence[Freeze],
    *,
    forced: bool = False,
    reason: str | None = None,
) -> dict[uuid.UUID, EvaluationRevision]:
    """Score every wanted evaluation's employee in one run and add a revision for each (by
    evaluation id). The evaluations' own state is the caller's to change."""
    if not wanted:
        return {}
    run = await score_period(session, org, period, [w.evaluation.employee_id for w in wanted])
    settings = engine_settings(org)
    actor = await actor_of(session, principal)
    now = dt.datetime.now(dt.UTC)
    made: dict[uuid.UUID, EvaluationRevision] = {}
    for w in wanted:
        ev = w.evaluation
        card = run.cards[ev.employee_id]
        frozen = snapshot.freeze(card, run, settings)
        final = snapshot.band_json(final_band(org, ev, card.result.band))
        rev = EvaluationRevision(
            organization_id=ev.organization_id,
            evaluation_id=ev.id,
            revision=w.number,
            snapshot=frozen,
            input_hash=snapshot.input_hash(frozen),
            computed_band=snapshot.band_json(card.result.band),
            final_band=final,
            override_band_level=ev.override_band_level,
            override_reason=ev.override_reason,
            changes=_changes(w.previous, frozen, final),
            reason=reason,
            forced=forced,
            finalized_at=now,
            finalized_by_kind=actor.kind,
            finalized_by_label=actor.label,
            finalized_by_employee_id=actor.employee_id,
        )
        session.add(rev)
        made[ev.id] = rev
    return made
