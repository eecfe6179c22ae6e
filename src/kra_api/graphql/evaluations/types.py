"""GraphQL types of evaluations, with the blind-review rules applied per viewer.

Blindness (issue 7): others see the self comment once it is submitted (it is stored only then);
the evaluated employee sees the manager comment, the override and its reason, and the final band
only once the evaluation is FINALIZED. Integrations never see comments or reasons (bands yes).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import strawberry

from kra_api import models
from kra_api.evaluations import policy, snapshot
from kra_api.evaluations.relation import needs_reviewer, relation
from kra_api.graphql.audit.types import Actor
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import to_composite_id, to_global_id
from kra_api.graphql.core.node import Node
from kra_api.graphql.core.pagination import Connection
from kra_api.graphql.evaluations import loaders
from kra_api.graphql.evaluations.values import EvaluationAction, EvaluationChange, EvaluationState
from kra_api.graphql.orgs.types import RatingBand
from kra_api.graphql.people.types import Employee
from kra_api.graphql.periods.types import Period
from kra_api.graphql.scoring.types import Scorecard, band_out
from kra_api.scoring.org_settings import bands_of


def _band(data: dict[str, Any] | None) -> RatingBand | None:
    return band_out(snapshot.band_of(data))


@strawberry.type(
    description="An employee's evaluation of a period: reviews, calibration, and once FINALIZED "
    "a frozen snapshot of the scorecard. Adjustments add revisions; older ones stay readable."
)
class Evaluation(Node):
    row: strawberry.Private[models.Evaluation]
    # The revision shown: the current one (None until finalized) or, historic, an older one.
    rev: strawberry.Private[models.EvaluationRevision | None]
    historic: strawberry.Private[bool]
    revision: int = strawberry.field(description="1 until adjusted; each adjustment adds one.")

    @classmethod
    def of(cls, row: models.Evaluation) -> Evaluation:
        """The evaluation as it stands (its current revision)."""
        return cls(
            id=to_global_id("Evaluation", row.id),
            row=row,
            rev=None,
            historic=False,
            revision=row.revision,
        )

    @classmethod
    def of_revision(cls, row: models.Evaluation, rev: models.EvaluationRevision) -> Evaluation:
        """An older, superseded revision (read-only)."""
        return cls(
            id=to_composite_id("EvaluationRevision", row.id, rev.id),
            row=row,
            rev=rev,
            historic=True,
            revision=rev.revision,
        )

    def _state(self) -> policy.State:
        if self.historic and self.rev is not None:
            acknowledged = self.rev.acknowledged_at is not None
            return policy.State.ACKNOWLEDGED if acknowledged else policy.State.FINALIZED
        return policy.State(self.row.state)

    def _frozen(self) -> bool:
        return self._state() in policy.FROZEN

    async def _revision(self, info: Info) -> models.EvaluationRevision | None:
        if self.rev is None and self._frozen():
            self.rev = await loaders.revision(info.context, self.row.id, self.row.revision)
        return self.rev

    async def _relation(self, info: Info) -> policy.Relation:
        ctx = info.context
        principal = ctx.require_principal()
        viewer = await loaders.viewer(ctx)
        reviewer = None
        if needs_reviewer(principal, viewer, self.row.employee_id):
            reviewer = await loaders.reviewer(ctx, self.row.employee_id, self.row.placement_day)
        return relation(principal, viewer, self.row.employee_id, reviewer)

    async def _blind(self, info: Info) -> bool:
        """Whether the review is hidden from the viewer: the employee until it is frozen."""
        return not self._frozen() and (await self._relation(info)).is_subject

    async def _may_see_review(self, info: Info) -> bool:
        """Manager comment and override reason: not while blind, never for integrations."""
        if info.context.require_principal().is_integration:
            return False
        return not await self._blind(info)

    @strawberry.field(description="Where the evaluation stands (for an older revision: then).")
    def state(self) -> EvaluationState:
        return EvaluationState(self._state().value)

    @strawberry.field(description="The employee evaluated.")
    async def employee(self, info: Info) -> Employee:
        row = await info.context.loaders.employee.load(self.row.employee_id)
        assert row is not None
        return Employee.of(row)

    @strawberry.field(description="The period evaluated.")
    async def period(self, info: Info) -> Period:
        row = await info.context.loaders.period.load(self.row.period_id)
        assert row is not None
        return Period.of(row)

    @strawberry.field(
        description="The reviewer: the leader of the employee's unit on the placement day, or "
        "of the nearest unit above with a leader who is not the employee."
    )
    async def reviewer(self, info: Info) -> Employee | None:
        found = await loaders.reviewer(info.context, self.row.employee_id, self.row.placement_day)
        row = None if found is None else await info.context.loaders.employee.load(found)
        return None if row is None else Employee.of(row)

    @strawberry.field(description="The last day of the period the employee was assigned.")
    def placement_day(self) -> dt.date:
        return self.row.placement_day

    @strawberry.field(description="Every revision, newest first (this one included).")
    async def revisions(self, info: Info) -> list[Evaluation]:
        rows = await loaders.revisions(info.context, self.row.id)
        current = Evaluation.of(self.row)
        if not rows:
            return [current]
        return [
            current if r.revision == self.row.revision else self.of_revision(self.row, r)
            for r in rows
        ]

    @strawberry.field(description="Live until FINALIZED, then the frozen snapshot (final).")
    async def scorecard(self, info: Info) -> Scorecard:
        rev = await self._revision(info)
        if rev is None:
            return await loaders.live_card(info.context, self.row.employee_id, self.row.period_id)
        period = await info.context.loaders.period.load(self.row.period_id)
        assert period is not None
        return await loaders.frozen_scorecard(info.context, rev, period)

    @strawberry.field(description="The band of the scorecard's overall score.")
    async def computed_band(self, info: Info) -> RatingBand | None:
        rev = await self._revision(info)
        if rev is not None:
            return _band(rev.computed_band)
        card = await self.scorecard(info)
        band: RatingBand | None = card.band
        return band

    @strawberry.field(
        description="The band decided: the override (manager review or calibration) or the "
        "computed band. Hidden (null) from the employee until FINALIZED."
    )
    async def final_band(self, info: Info) -> RatingBand | None:
        if await self._blind(info):
            return None
        rev = await self._revision(info)
        if rev is not None:
            return _band(rev.final_band)
        level = self.row.override_band_level
        if level is not None:
            org = await info.context.organization()
            found = next((b for b in bands_of(org) if b.level == level), None)
            if found is not None:
                return band_out(found)
        computed: RatingBand | None = await self.computed_band(info)
        return computed

    @strawberry.field(description="The employee's self review (visible once submitted).")
    async def self_comment(self, info: Info) -> str | None:
        if info.context.require_principal().is_integration:
            return None
        return self.row.self_comment if self.row.self_submitted_at is not None else None

    @strawberry.field(description="The manager review; the employee sees it once FINALIZED.")
    async def manager_comment(self, info: Info) -> str | None:
        return self.row.manager_comment if await self._may_see_review(info) else None

    @strawberry.field(
        description="Why the band was overridden; the employee sees it once FINALIZED."
    )
    async def override_reason(self, info: Info) -> str | None:
        if not await self._may_see_review(info):
            return None
        rev = await self._revision(info)
        return rev.override_reason if rev is not None else self.row.override_reason

    @strawberry.field(description="What the viewer may do next (nothing on an older revision).")
    async def allowed_actions(self, info: Info) -> list[EvaluationAction]:
        if self.historic:
            return []
        found = policy.allowed_actions(self._state(), await self._relation(info))
        return [EvaluationAction(a.value) for a in found]

    @strawberry.field(description="Numbers that differ from the previous revision, as shown.")
    async def changes(self, info: Info) -> list[EvaluationChange]:
        rev = await self._revision(info)
        if rev is None:
            return []
        return [
            EvaluationChange(path=c["path"], before=c["before"], after=c["after"])
            for c in rev.changes
        ]

    @strawberry.field(description="Why this revision was made (adjustments, forced finalization).")
    async def revision_reason(self, info: Info) -> str | None:
        rev = await self._revision(info)
        return None if rev is None else rev.reason

    @strawberry.field(description="True when periodFinalize froze it whatever its state.")
    async def forced(self, info: Info) -> bool:
        rev = await self._revision(info)
        return rev is not None and rev.forced

    @strawberry.field(description="When this revision was frozen.")
    async def finalized_at(self, info: Info) -> dt.datetime | None:
        rev = await self._revision(info)
        return None if rev is None else rev.finalized_at

    @strawberry.field(description="Who froze this revision.")
    async def finalized_by(self, info: Info) -> Actor | None:
        rev = await self._revision(info)
        if rev is None:
            return None
        kind, label = rev.finalized_by_kind, rev.finalized_by_label
        return Actor.of(kind, label, rev.finalized_by_employee_id)

    @strawberry.field(description="When the employee acknowledged this revision.")
    async def acknowledged_at(self, info: Info) -> dt.datetime | None:
        rev = await self._revision(info)
        return None if rev is None else rev.acknowledged_at

    @strawberry.field(description="The employee's comment when acknowledging this revision.")
    async def acknowledgement_comment(self, info: Info) -> str | None:
        if info.context.require_principal().is_integration:
            return None
        rev = await self._revision(info)
        return None if rev is None else rev.acknowledgement_comment

    @strawberry.field(
        description="sha256 of the canonical JSON of what the frozen numbers were computed from."
    )
    async def input_hash(self, info: Info) -> str | None:
        rev = await self._revision(info)
        return None if rev is None else rev.input_hash


@strawberry.type(description="Evaluations, keyset-paginated.")
class EvaluationConnection(Connection[Evaluation]):
    pass


async def evaluation_of(ctx: Context, row_id: uuid.UUID) -> Evaluation | None:
    """An evaluation by id, None when unknown or not visible to the caller."""
    from kra_api.graphql.evaluations.queries import visible_row

    row = await visible_row(ctx, row_id)
    return None if row is None else Evaluation.of(row)
