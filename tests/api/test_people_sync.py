"""employeesUpsert (HRIS sync): idempotent, all or nothing, errors that name the row."""

from __future__ import annotations

from typing import Any

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.db.rows import audit_rows, counts

MANAGERS = """query($id: ID!) { node(id: $id) { ... on Employee {
  externalId name email terminatedOn manager { externalId } identities { source externalId }
} } }"""


async def upsert(gql: Gql, token: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await gql.data(helpers.UPSERT, {"input": {"employees": rows}}, token)
    )["employeesUpsert"]
    return payload


def tally(payload: dict[str, Any]) -> tuple[int, int, int]:
    return payload["inserted"], payload["updated"], payload["unchanged"]


WFM_1 = {"source": "wfm", "externalId": "w-1"}
ACD_7 = {"source": "acd", "externalId": "7"}
BATCH: list[dict[str, Any]] = [
    # The manager comes later in the same batch.
    {
        "externalId": "E1",
        "name": "Ann Lee",
        "email": "ann@x.co",
        "managerExternalId": "M1",
        "identities": [WFM_1, ACD_7],
    },
    {
        "externalId": "E2",
        "name": "Ben Roe",
        "terminatedOn": "2026-03-31",
        "managerExternalId": "M1",
    },
    {"externalId": "M1", "name": "Mia Sol", "identities": [{"source": "wfm", "externalId": "w-m"}]},
]


async def test_replaying_a_batch_changes_nothing(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("hr")
    first = await upsert(gql, token, BATCH)
    assert (tally(first), first["userErrors"]) == ((3, 0, 0), [])
    ids = {e["externalId"]: e["id"] for e in first["employees"]}
    ann = (await gql.data(MANAGERS, {"id": ids["E1"]}, token))["node"]
    assert ann == {
        "externalId": "E1", "name": "Ann Lee", "email": "ann@x.co", "terminatedOn": None,
        "manager": {"externalId": "M1"},
        "identities": [ACD_7, WFM_1],
    }  # fmt: skip
    after_first = await counts(database, org.id)
    assert after_first["audit_log"] == 3
    for _ in range(2):
        again = await upsert(gql, token, BATCH)
        assert (tally(again), again["userErrors"]) == ((0, 0, 3), [])
        assert [e["id"] for e in again["employees"]] == [e["id"] for e in first["employees"]]
        assert await counts(database, org.id) == after_first
    changed = [dict(BATCH[1], name="Ben Roe-Smith"), BATCH[0], BATCH[2]]
    third = await upsert(gql, token, changed)
    assert tally(third) == (0, 1, 2)
    audit = await audit_rows(database, org.id)
    assert len(audit) == 4
    assert audit[-1]["before"]["name"] == "Ben Roe"  # type: ignore[index]
    assert audit[-1]["after"]["name"] == "Ben Roe-Smith"  # type: ignore[index]


async def test_an_invalid_row_is_named_and_nothing_is_written(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("admin")
    before = await counts(database, org.id)
    rows = [
        {"externalId": "OK1", "name": "Valid Person", "email": "ok@x.co"},
        {"externalId": "BAD1", "name": "   "},
        {"externalId": "BAD2", "name": "Bad Mail", "email": "not-an-email"},
        {"externalId": "OK1", "name": "Repeated"},
        {"externalId": "", "name": "No Id"},
    ]
    payload = await upsert(gql, token, rows)
    assert tally(payload) == (0, 0, 0)
    assert payload["employees"] == []
    assert sorted((e["code"], tuple(e["field"])) for e in payload["userErrors"]) == [
        ("INVALID", ("input", "employees", "1", "name")),
        ("INVALID", ("input", "employees", "2", "email")),
        ("INVALID", ("input", "employees", "3", "externalId")),
        ("INVALID", ("input", "employees", "4", "externalId")),
    ]
    assert await counts(database, org.id) == before


async def test_more_than_100_rows_is_too_many(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = org.token("admin")
    rows = [{"externalId": f"E{i}", "name": f"P {i}"} for i in range(101)]
    payload = await upsert(gql, token, rows)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("TOO_MANY", ["input", "employees"])
    ]
    assert (await counts(database, org.id))["employee"] == 0
    assert tally(await upsert(gql, token, rows[:100])) == (100, 0, 0)


async def test_an_identity_belongs_to_one_employee(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("admin")
    wfm = [{"source": "wfm", "externalId": "W1"}]
    same_batch = [
        {"externalId": "E1", "name": "Ann", "identities": wfm},
        {"externalId": "E2", "name": "Ben", "identities": wfm},
    ]
    payload = await upsert(gql, token, same_batch)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("DUPLICATE_IDENTITY", ["input", "employees", "1", "identities", "0"])
    ]
    assert (await counts(database, org.id))["employee"] == 0

    assert (await upsert(gql, token, same_batch[:1]))["userErrors"] == []
    before = await counts(database, org.id)
    for row in (same_batch[1], {"externalId": "E3", "name": "Cy", "identities": wfm}):
        refused = await upsert(gql, token, [{"externalId": "E9", "name": "Ok"}, row])
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
            ("DUPLICATE_IDENTITY", ["input", "employees", "1", "identities", "0"])
        ]
    assert await counts(database, org.id) == before
    # The same id in another source is another identity.
    other_source = [{"source": "acd", "externalId": "W1"}]
    ok = await upsert(gql, token, [{"externalId": "E2", "name": "Ben", "identities": other_source}])
    assert ok["userErrors"] == []


async def test_managers_by_external_id(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = org.token("admin")
    before = await counts(database, org.id)
    unknown = await upsert(
        gql,
        token,
        [
            {"externalId": "E1", "name": "Ann", "managerExternalId": "E2"},
            {"externalId": "E2", "name": "Ben", "managerExternalId": "NOBODY"},
        ],
    )
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [
        ("NOT_FOUND", ["input", "employees", "1", "managerExternalId"])
    ]
    assert await counts(database, org.id) == before
    ids = await helpers.employees(
        gql,
        token,
        [
            {"externalId": "E1", "name": "Ann", "managerExternalId": "E2"},
            {"externalId": "E2", "name": "Ben"},
        ],
    )
    ann = (await gql.data(MANAGERS, {"id": ids["E1"]}, token))["node"]
    assert ann["manager"] == {"externalId": "E2"}
    # A later sync without a manager clears it.
    cleared = await upsert(gql, token, [{"externalId": "E1", "name": "Ann"}])
    assert tally(cleared) == (0, 1, 0)
    assert (await gql.data(MANAGERS, {"id": ids["E1"]}, token))["node"]["manager"] is None
