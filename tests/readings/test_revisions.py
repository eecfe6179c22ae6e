"""Readings are idempotent: the natural key plus the source revision decides insert / replace /
ignore (architecture.md principle 9); corrections are audited; replays change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.readings.support import counts, reading, record, setup, stored


async def _audit(database: Database, org: Any, action: str) -> list[dict[str, Any]]:
    async with database.session(org.id) as session:
        rows = await session.execute(
            text("SELECT actor_label, before, after, reason FROM audit_log WHERE action = :a"),
            {"a": action},
        )
        return [dict(r._mapping) for r in rows]


# (first: revision, handle_seconds), (second ...), counts of the second call, what is stored
CASES = [
    pytest.param((1, "100"), (2, "200"), (0, 1, 0), (2, "200"), id="higher revision replaces"),
    pytest.param((1, "100"), (1, "100"), (0, 0, 1), (1, "100"), id="equal and same: unchanged"),
    pytest.param((1, "100"), (1, "100.00"), (0, 0, 1), (1, "100"), id="same value, other scale"),
    pytest.param((1, "100"), (1, "150.5"), (0, 1, 0), (1, "150.5"), id="equal revision corrects"),
    pytest.param((2, "100"), (1, "150"), (0, 0, 1), (2, "100"), id="lower revision ignored"),
    pytest.param((0, "100"), (-1, "150"), (0, 0, 1), (0, "100"), id="negative is lower"),
    pytest.param(
        ("9007199254740993", "1"),
        (9007199254740992, "2"),
        (0, 0, 1),
        (9007199254740993, "1"),
        id="64-bit revisions compare exactly",
    ),
]


@pytest.mark.parametrize(("first", "second", "expected", "final"), CASES)
async def test_revision_rules(
    gql: Gql,
    make_org: Any,
    database: Database,
    first: tuple[Any, str],
    second: tuple[Any, str],
    expected: tuple[int, int, int],
    final: tuple[int, str],
) -> None:
    org = await make_org()
    token = await setup(gql, org)
    one = await record(gql, token, [reading(revision=first[0], seconds=first[1])])
    assert counts(one) == (1, 0, 0, 0, 0)
    before = await stored(database, org.id)
    two = await record(gql, token, [reading(revision=second[0], seconds=second[1])])
    assert two["userErrors"] == []
    assert counts(two) == (*expected, 0, 0)
    after = await stored(database, org.id)
    assert len(after) == 1
    assert (after[0]["source_revision"], str(after[0]["components"]["handle_seconds"])) == final
    if expected == (0, 0, 1):
        assert after == before  # not even received_at moved


async def test_a_correction_is_audited_with_both_values(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = await setup(gql, org)
    await record(gql, token, [reading(revision=3, seconds="100.25")])
    await record(gql, token, [reading(revision=4, seconds="120")])  # a new revision: not audited
    assert await _audit(database, org, "kpiReading.correct") == []
    await record(gql, token, [reading(revision=4, seconds="130.5")])
    [entry] = await _audit(database, org, "kpiReading.correct")
    assert entry["before"]["components"] == {"handle_seconds": "120", "handled": "10"}
    assert entry["after"]["components"] == {"handle_seconds": "130.5", "handled": "10"}
    assert entry["before"]["sourceRevision"] == entry["after"]["sourceRevision"] == "4"
    assert entry["after"]["source"] == "wfm"
    assert entry["reason"] == "same source revision with different values"


async def test_sources_are_separate_keys(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = await setup(gql, org)
    await record(gql, token, [reading(seconds="1")], source="wfm")
    payload = await record(gql, token, [reading(seconds="2")], source="acd")
    assert counts(payload) == (1, 0, 0, 0, 0)
    assert sorted(r["source"] for r in await stored(database, org.id)) == ["acd", "wfm"]


async def test_within_a_batch_the_rows_apply_in_order(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = await setup(gql, org)
    later = reading(revision=1, seconds="2")
    payload = await record(gql, token, [reading(revision=1, seconds="1"), later])
    assert counts(payload) == (1, 0, 1, 0, 0)  # the replaced row counts as unchanged
    assert (await stored(database, org.id))[0]["components"]["handle_seconds"] == 2
    # As if sent in order: a lower revision after a higher one is ignored, whatever its place.
    payload = await record(
        gql, token, [reading(revision=5, seconds="5"), reading(revision=4, seconds="4")]
    )
    assert counts(payload) == (0, 1, 1, 0, 0)
    [row] = await stored(database, org.id)
    assert (row["source_revision"], row["components"]["handle_seconds"]) == (5, 5)


async def test_replaying_a_batch_of_1000_changes_nothing(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = await setup(gql, org, "E1", "E2", "E3", "E4")
    start = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    batch = [
        reading(
            employee,
            start=(start + dt.timedelta(days=day)).isoformat(),
            end=(start + dt.timedelta(days=day + 1)).isoformat(),
            seconds=f"{day * 7 + n}.5",
            handled=str(day % 13 + 1),
            revision=day % 3,
        )
        for day in range(250)
        for n, employee in enumerate(("E1", "E2", "E3", "E4"))
    ]
    assert counts(await record(gql, token, batch)) == (1000, 0, 0, 0, 0)
    first = await stored(database, org.id)
    assert counts(await record(gql, token, batch)) == (0, 0, 1000, 0, 0)
    assert await stored(database, org.id) == first
    months = {r["interval_start"].strftime("%Y-%m") for r in first}
    assert len(first) == 1000
    assert len(months) == 9
