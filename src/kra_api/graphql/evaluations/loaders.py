"""Per-request DataLoaders of evaluations: rows, revisions, reviewers, the viewer and scorecards.

Live scorecards of many evaluations are scored in one run per period (the scoring service's
batch path); frozen ones are read back from their snapshot with no scoring at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from kra_api.evaluations import repository as repo
from kra_api.evaluations import snapshot
from kra_api.graphql.core.context import Context
from kra_api.graphql.scoring.types import Scorecard
from kra_api.models import Evaluation, EvaluationRevision, Period
from kra_api.people.visibility import reviewers_of
from kra_api.scoring.access import viewer_employee
from kra_api.scoring.service import ScoringRun, score_period

RevisionKey = tuple[uuid.UUID, int]
CardKey = tuple[uuid.UUID, uuid.UUID]  # (employee, period)


async def _evaluations(ctx: Context, keys: list[uuid.UUID]) -> list[Evaluation | None]:
    async with ctx.db.read() as s:
        found = {e.id: e for e in await repo.by_ids(s, ctx.organization_id, keys)}
    return [found.get(k) for k in keys]


async def _viewer(ctx: Context, keys: list[int]) -> list[uuid.UUID | None]:
    async with ctx.db.read() as s:
        viewer = await viewer_employee(s, ctx.require_principal())
    return [viewer for _ in keys]


async def _reviewers(ctx: Context, keys: list[tuple[uuid.UUID, dt.date]]) -> list[uuid.UUID | None]:
    async with ctx.db.read() as s:
        found = await reviewers_of(s, ctx.organization_id, keys)
    return [found[k] for k in keys]


async def _revisions(ctx: Context, keys: list[RevisionKey]) -> list[EvaluationRevision | None]:
    async with ctx.db.read() as s:
        found = await repo.revisions(s, ctx.organization_id, keys)
    return [found.get(k) for k in keys]


async def _revision_lists(ctx: Context, keys: list[uuid.UUID]) -> list[list[EvaluationRevision]]:
    async with ctx.db.read() as s:
        rows = await repo.revisions_of(s, ctx.organization_id, keys)
    grouped: dict[uuid.UUID, list[EvaluationRevision]] = defaultdict(list)
    for row in rows:
        grouped[row.evaluation_id].append(row)
    return [grouped.get(k, []) for k in keys]


def prime(ctx: Context, run: ScoringRun) -> dict[uuid.UUID, uuid.UUID]:
    """Hand the rows a run loaded to the request's loaders; item id → KPI id (as the scorecard
    query does, so nested fields of the scorecards cost no statement)."""
    loaders = ctx.loaders
    loaders.kras.kra.prime_many({k.id: k for k in run.kras})
    loaders.kras.item.prime_many({i.id: i for i in run.items})
    loaders.kras.kra_set.prime_many(dict(run.definitions.sets))
    loaders.kpi.prime_many({k: info.row for k, info in run.kpis.items()})
    loaders.goals.goal.prime_many(dict(run.goals))
    loaders.period.prime(run.period.id, run.period)
    return {i.id: i.kpi_id for i in run.items}


async def _live_cards(ctx: Context, keys: list[CardKey]) -> list[Scorecard]:
    by_period: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for employee_id, period_id in keys:
        by_period[period_id].append(employee_id)
    org = await ctx.organization()
    found: dict[CardKey, Scorecard] = {}
    for period_id, employees in by_period.items():
        period = await ctx.loaders.period.load(period_id)
        assert period is not None  # an evaluation's period (composite foreign key)
        async with ctx.db.read() as s:
            run = await score_period(s, org, period, sorted(set(employees)))
        kpi_of_item = prime(ctx, run)
        for e in employees:
            found[(e, period_id)] = Scorecard.of(run.cards[e], kpi_of_item)
    return [found[k] for k in keys]


async def frozen_scorecard(ctx: Context, rev: EvaluationRevision, period: Period) -> Scorecard:
    """The scorecard a revision froze, final, with the live card's shape."""
    data = rev.snapshot
    set_id = snapshot.kra_set_id(data)
    kra_set = None if set_id is None else await ctx.loaders.kras.kra_set.load(set_id)
    card = snapshot.thaw(data, period, kra_set)
    return Scorecard.of(card, snapshot.kpi_of_item(data), final=True)


async def evaluation(ctx: Context, evaluation_id: uuid.UUID) -> Evaluation | None:
    """An evaluation row of the caller's organization."""
    return await ctx.loader("evaluation", _evaluations).load(evaluation_id)


async def viewer(ctx: Context) -> uuid.UUID | None:
    """The caller's employee (None: an integration or a token without one)."""
    return await ctx.loader("evaluation_viewer", _viewer).load(0)


async def reviewer(ctx: Context, employee_id: uuid.UUID, day: dt.date) -> uuid.UUID | None:
    """The employee's reviewer on ``day``."""
    return await ctx.loader("evaluation_reviewer", _reviewers).load((employee_id, day))


async def revision(ctx: Context, evaluation_id: uuid.UUID, n: int) -> EvaluationRevision | None:
    """Revision ``n`` of an evaluation (None before it is finalized)."""
    return await ctx.loader("evaluation_revision", _revisions).load((evaluation_id, n))


async def revisions(ctx: Context, evaluation_id: uuid.UUID) -> list[EvaluationRevision]:
    """Every revision of an evaluation, newest first."""
    return await ctx.loader("evaluation_revisions", _revision_lists).load(evaluation_id)


async def live_card(ctx: Context, employee_id: uuid.UUID, period_id: uuid.UUID) -> Scorecard:
    """The live scorecard of an employee and period (batched per period)."""
    return await ctx.loader("evaluation_live_card", _live_cards).load((employee_id, period_id))
