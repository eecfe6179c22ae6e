"""`serve --demo`: the demo organization gets the typical KRA sets, role goals and periods."""

from __future__ import annotations

from decimal import Decimal

from kra_api.bootstrap import organization_by_slug
from kra_api.config import Settings
from kra_api.dates import today_in
from kra_api.db.session import Database
from kra_api.demo import DEMO_SLUG, DEMO_TIMEZONE, seed_demo
from kra_api.demo_kras import KRA_SETS
from tests.conftest import Gql
from tests.db.rows import counts

QUERY = """{ organization {
  roles(first: 20) { edges { node { code kraSet { status kras { title weight
    items { weight scope gate { maximum } kpi { code } } } } } } }
  goals(first: 100, filter: {scopeKind: ROLE, status: APPROVED}) { edges { node {
    kpi { code } scope { ... on Role { code } } } } }
  periods(first: 10) { edges { node { kind startDate endDate } } }
} }"""


async def test_demo_definitions_are_seeded_once(
    gql: Gql, settings: Settings, database_url: str, database: Database
) -> None:
    token = await seed_demo(settings, database_url)
    data = (await gql.data(QUERY, token=token))["organization"]
    sets = {e["node"]["code"]: e["node"]["kraSet"] for e in data["roles"]["edges"]}
    assert sets.pop("OPS_MANAGER") is None  # not one of the catalogue's typical sets
    assert set(sets) == set(KRA_SETS)
    used: set[tuple[str, str]] = set()
    for code, kra_set in sets.items():
        assert kra_set["status"] == "PUBLISHED"
        assert sum(Decimal(k["weight"]) for k in kra_set["kras"]) == 100
        for kra in kra_set["kras"]:
            weighted = [i for i in kra["items"] if i["gate"] is None]
            assert sum(Decimal(i["weight"]) for i in weighted) == 100, (code, kra["title"])
            used |= {(code, i["kpi"]["code"]) for i in weighted}
        gates = [i["kpi"]["code"] for k in kra_set["kras"] for i in k["items"] if i["gate"]]
        assert gates == (["COMPLIANCE"] if code in {"AGENT", "SALES_EXEC"} else [])
    leader = {i["kpi"]["code"]: i["scope"] for k in sets["TEAM_LEADER"]["kras"] for i in k["items"]}
    assert leader.pop("COACHING") == "SELF"
    assert set(leader.values()) == {"LED_UNITS"}
    goals = {(g["node"]["scope"]["code"], g["node"]["kpi"]["code"]) for g in data["goals"]["edges"]}
    assert goals == used
    months = [e["node"] for e in data["periods"]["edges"]]
    assert [m["kind"] for m in months] == ["MONTH"] * 3
    today = today_in(DEMO_TIMEZONE)
    assert months[0]["startDate"] <= today.isoformat() < months[0]["endDate"]
    assert months[1]["endDate"] == months[0]["startDate"]
    # A second start finds the organization and seeds nothing.
    org = await organization_by_slug(database, DEMO_SLUG)
    assert org is not None
    before = await counts(database, org.id)
    # Daily readings fill the periods up to yesterday, through the ingestion service.
    assert before["kpi_reading"] > 0
    await seed_demo(settings, database_url)
    assert await counts(database, org.id) == before
