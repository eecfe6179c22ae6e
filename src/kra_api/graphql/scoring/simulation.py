"""goalSimulate and kraSetSimulate: what-if scorecards. Queries, since nothing is written.

They take one ``input`` and answer a payload with ``userErrors`` like a mutation, so a client
handles a refused simulation like a refused change; but they are queries: they run in a READ
ONLY transaction (PostgreSQL refuses any write), may run beside other reads in one document,
do not count against the top-level mutation limit and are safe to retry.
"""

from __future__ import annotations

import enum

import strawberry

from kra_api.auth.principal import UserRole
from kra_api.errors import Invalid
from kra_api.goals.simulation import GoalSimulationIn, simulate_goal
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, user_errors
from kra_api.graphql.core.permissions import allow
from kra_api.graphql.goals.mutations import SCOPE_TYPES, AnchorsInput, anchors_in
from kra_api.graphql.goals.types import AnchorBasis, GoalScopeKind, ScoringMode
from kra_api.graphql.scoring.simulation_types import Simulation
from kra_api.kras.simulation import simulate_set
from kra_api.scoring import anchors as engine_anchors
from kra_api.scoring import goals as engine_goals
from kra_api.scoring import simulation as sims

CanSimulateGoals = allow(UserRole.ADMIN, UserRole.HR, UserRole.MANAGER)
CanSimulateKraSets = allow(UserRole.ADMIN, UserRole.HR)


@strawberry.input(description="Anchors to try on a goal line (KPI, scope) over a period.")
class GoalSimulateInput:
    kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    scope_kind: GoalScopeKind = strawberry.field(description="ROLE, ORG_UNIT or EMPLOYEE.")
    scope_id: strawberry.ID = strawberry.field(description="The role, org unit or employee.")
    anchors: AnchorsInput = strawberry.field(description="The anchors to try.")
    mode: ScoringMode | None = strawberry.field(
        default=ScoringMode.LINEAR, description="LINEAR (default, also for null) or STEP."
    )
    basis: AnchorBasis | None = strawberry.field(
        default=AnchorBasis.ABSOLUTE, description="ABSOLUTE (default, also for null) or RELATIVE."
    )
    period_id: strawberry.ID = strawberry.field(
        description="The period to score; the simulated version governs all of its days."
    )


@strawberry.input(description="A draft KRA set to try on a period.")
class KraSetSimulateInput:
    kra_set_id: strawberry.ID = strawberry.field(description="A DRAFT KRA set.")
    period_id: strawberry.ID = strawberry.field(
        description="The period to score; the draft stands in for its role's sets on every day."
    )


@strawberry.enum(description="Why goalSimulate refused its input.")
class GoalSimulateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_ANCHORS = "INVALID_ANCHORS"
    MISSING_ANCHOR = "MISSING_ANCHOR"
    INVALID = "INVALID"


@strawberry.type(description="A failure of goalSimulate.")
class GoalSimulateError(UserError):
    code: GoalSimulateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of goalSimulate.")
class GoalSimulatePayload:
    simulation: Simulation | None = strawberry.field(description="Before and after.")
    user_errors: list[GoalSimulateError] = strawberry.field(description="Why nothing was run.")


@strawberry.enum(description="Why kraSetSimulate refused its input.")
class KraSetSimulateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_DRAFT = "NOT_DRAFT"
    WEIGHTS_TOTAL = "WEIGHTS_TOTAL"
    EMPTY_KRA = "EMPTY_KRA"
    DUPLICATE_KPI = "DUPLICATE_KPI"
    INVALID = "INVALID"


@strawberry.type(description="A failure of kraSetSimulate.")
class KraSetSimulateError(UserError):
    code: KraSetSimulateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraSetSimulate.")
class KraSetSimulatePayload:
    simulation: Simulation | None = strawberry.field(description="Before and after.")
    user_errors: list[KraSetSimulateError] = strawberry.field(
        description="Why nothing was run (a draft that could not be published says why)."
    )


async def _wrapped(ctx: Context, sim: sims.Simulation) -> Simulation:
    """The GraphQL simulation, its employees loaded in one batch."""
    ids = [c.employee_id for c in sim.cards]
    rows = await ctx.loaders.employee.load_many(ids)
    employees = {i: r for i, r in zip(ids, rows, strict=True) if r is not None}
    return Simulation.of(sim, employees)


@strawberry.type
class SimulationQueries:
    @strawberry.field(
        permission_classes=[CanSimulateGoals],
        description="What the period's scorecards would be if a goal line had these anchors "
        "(replacing its versions on every day of the period); writes nothing. hr and admin; "
        "managers at ORG_UNIT or EMPLOYEE scope inside their subtree.",
    )
    async def goal_simulate(self, info: Info, input: GoalSimulateInput) -> GoalSimulatePayload:
        ctx = info.context
        data = GoalSimulationIn(
            kpi_id=expect_id(input.kpi_id, "Kpi"),
            scope_kind=engine_goals.GoalScopeKind(input.scope_kind.value),
            scope_id=expect_id(input.scope_id, SCOPE_TYPES[input.scope_kind]),
            anchors=anchors_in(input.anchors),
            period_id=expect_id(input.period_id, "Period"),
            mode=engine_anchors.ScoringMode((input.mode or ScoringMode.LINEAR).value),
            basis=engine_goals.AnchorBasis((input.basis or AnchorBasis.ABSOLUTE).value),
        )
        try:
            async with ctx.db.read() as session:
                sim = await simulate_goal(session, ctx.require_principal(), data)
        except Invalid as exc:
            errors = user_errors(exc, GoalSimulateError, GoalSimulateErrorCode)
            return GoalSimulatePayload(simulation=None, user_errors=errors)
        return GoalSimulatePayload(simulation=await _wrapped(ctx, sim), user_errors=[])

    @strawberry.field(
        permission_classes=[CanSimulateKraSets],
        description="What the period's scorecards of the draft's role would be if the draft "
        "were in force on every day of the period; writes nothing. hr and admin.",
    )
    async def kra_set_simulate(
        self, info: Info, input: KraSetSimulateInput
    ) -> KraSetSimulatePayload:
        ctx = info.context
        set_id = expect_id(input.kra_set_id, "KraSet")
        period_id = expect_id(input.period_id, "Period")
        try:
            async with ctx.db.read() as session:
                sim = await simulate_set(session, ctx.require_principal(), set_id, period_id)
        except Invalid as exc:
            errors = user_errors(exc, KraSetSimulateError, KraSetSimulateErrorCode)
            return KraSetSimulatePayload(simulation=None, user_errors=errors)
        return KraSetSimulatePayload(simulation=await _wrapped(ctx, sim), user_errors=[])
