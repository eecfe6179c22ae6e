"""kraSetSimulate: the period's scorecards if a draft KRA set were in force. Writes nothing.

The draft stands in for its role's published sets on every day of the period; the scorecards
compared are those scored on that role (the role held on the last day assigned in the period).
A draft that could not be published is refused with the publish rule it breaks.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.errors import Invalid
from kra_api.kras import repository as repo
from kra_api.kras.drafts import not_draft
from kra_api.kras.rules import SET_PATH, publish_errors
from kra_api.models import KraItem, Organization, Period
from kra_api.scoring.overrides import DraftSet, Overrides
from kra_api.scoring.simulation import Simulation, people_in_scope, simulate


async def simulate_set(
    session: AsyncSession, principal: Principal, set_id: uuid.UUID, period_id: uuid.UUID
) -> Simulation:
    """Every scorecard of the draft's role in the period, as stored and under the draft."""
    org_id = principal.organization_id
    found = next(iter(await repo.kra_sets(session, org_id, [set_id])), None)
    if found is None:
        raise Invalid.one("NOT_FOUND", "no such KRA set", *SET_PATH)
    if found.status != "DRAFT":
        raise not_draft(found, *SET_PATH)
    period = await session.get(Period, (org_id, period_id))
    if period is None:
        raise Invalid.one("NOT_FOUND", "no such period", "input", "periodId")
    kras = await repo.kras_of_sets(session, org_id, [found.id])
    items = await repo.items_of_kras(session, org_id, [k.id for k in kras])
    by_kra: dict[uuid.UUID, list[KraItem]] = defaultdict(list)
    for item in items:
        by_kra[item.kra_id].append(item)
    codes = await repo.kpi_codes(session, org_id, list({i.kpi_id for i in items}))
    errors = publish_errors(kras, by_kra, codes)
    if errors:
        raise Invalid(errors)
    org = await session.get(Organization, org_id)
    assert org is not None  # the credential's organization exists
    people = await people_in_scope(session, org_id, period, role=found.role_id)
    overrides = Overrides(kra_set=DraftSet(found, kras, items))
    return await simulate(session, org, period, people, overrides, role_at_end=found.role_id)
