"""No N+1: listing evaluations with their scorecards, bands, reviewers and allowed actions costs
the same statements for 3 and for 12 employees, live (one scoring run per period) and frozen
(snapshots read back, nothing scored)."""

from __future__ import annotations

from typing import Any

from kra_api.db.session import Database
from tests.api.test_query_count import statements
from tests.conftest import Gql
from tests.evaluations.support import BULK_START, PERIOD_FINALIZE, payload_of
from tests.scorecards.test_query_count import team_of

LIST = """query($p: ID!) { organization { evaluations(first: 50, filter: {periodId: $p}) {
  edges { node { state allowedActions employee { name } reviewer { name }
    computedBand { level } finalBand { level } managerComment
    revisions { revision }
    scorecard { final overallScore kraSet { version } kras { kra { title } items {
      kpi { code } item { scope } value score goals { days goal { version } } } } } } } } } }"""


async def _counts(gql: Gql, make_org: Any, database: Database, size: int) -> tuple[int, int]:
    token, team, march, _ = await team_of(gql, make_org, size)
    started = {"input": {"orgUnitId": team, "periodId": march}}
    assert payload_of(await gql(BULK_START, started, token))["started"] == size
    with statements(database) as live:
        data = await gql.data(LIST, {"p": march}, token)
    edges = data["organization"]["evaluations"]["edges"]
    assert len(edges) == size
    assert not edges[0]["node"]["scorecard"]["final"]
    result = payload_of(await gql(PERIOD_FINALIZE, {"input": {"periodId": march}}, token))
    assert result["finalized"] == size
    with statements(database) as frozen:
        data = await gql.data(LIST, {"p": march}, token)
    assert all(
        e["node"]["scorecard"]["final"] for e in data["organization"]["evaluations"]["edges"]
    )
    return len(live), len(frozen)


async def test_listing_evaluations_does_not_grow_with_their_number(
    gql: Gql, make_org: Any, database: Database
) -> None:
    small = await _counts(gql, make_org, database, 3)
    large = await _counts(gql, make_org, database, 12)
    assert small == large, (small, large)
    print(f"evaluations (live, frozen) statements for 3 vs 12: {small} vs {large}")
