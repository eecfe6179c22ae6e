"""Every validation rule of kpiReadingsRecord: the code, the path into the input, nothing
written (atomic), and the value normalization behind exact storage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kra_api.errors import FieldError
from kra_api.readings.schemas import json_number
from tests.conftest import Gql
from tests.readings.support import count, reading, record, setup

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _components(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"components": [{"name": n, "value": v} for n, v in pairs]}


def _times(start: dt.datetime | str, end: dt.datetime | str) -> dict[str, Any]:
    def text(t: dt.datetime | str) -> str:
        return t if isinstance(t, str) else t.isoformat()

    return {"intervalStart": text(start), "intervalEnd": text(end)}


RULES = [
    pytest.param({"kpiCode": "NOPE"}, [("UNKNOWN_KPI", "kpiCode")], id="UNKNOWN_KPI"),
    pytest.param(
        {"employeeExternalId": None, "orgUnitExternalId": "Q1"},
        [("WRONG_SUBJECT", "orgUnitExternalId"), ("WRONG_SUBJECT", "employeeExternalId")],
        id="WRONG_SUBJECT",
    ),
    pytest.param(
        {"employeeExternalId": "  "}, [("WRONG_SUBJECT", "employeeExternalId")], id="no subject"
    ),
    pytest.param(
        _components(("handled", "3")), [("MISSING_COMPONENT", "components")], id="MISSING"
    ),
    pytest.param(
        _components(("handle_seconds", "1"), ("handled", "3"), ("talk", "1")),
        [("UNKNOWN_COMPONENT", "components.2.name")],
        id="UNKNOWN_COMPONENT",
    ),
    pytest.param(
        _components(("handle_seconds", "1"), ("handled", "3"), ("handled", "4")),
        [("DUPLICATE_COMPONENT", "components.2.name")],
        id="DUPLICATE_COMPONENT",
    ),
    pytest.param(
        _components(("handle_seconds", "NaN"), ("handled", "Infinity")),
        [("NOT_FINITE", "components.0.value"), ("NOT_FINITE", "components.1.value")],
        id="NOT_FINITE",
    ),
    pytest.param(
        _components(("handle_seconds", "123456789012345678901"), ("handled", "0.1234567")),
        [("OUT_OF_RANGE", "components.0.value"), ("OUT_OF_RANGE", "components.1.value")],
        id="OUT_OF_RANGE",
    ),
    pytest.param(
        _times("2026-03-02T00:00:00", "2026-03-03T00:00:00Z"),
        [("NAIVE_TIMESTAMP", "intervalStart")],
        id="NAIVE_TIMESTAMP",
    ),
    pytest.param(
        _times("2026-03-02T00:00:00Z", "2026-03-02T01:00:00+01:00"),
        [("BAD_INTERVAL", "intervalEnd")],
        id="BAD_INTERVAL empty",
    ),
    pytest.param(
        _times("2026-03-01T00:00:00Z", "2026-04-01T00:00:01Z"),
        [("BAD_INTERVAL", "intervalEnd")],
        id="BAD_INTERVAL too long",
    ),
    pytest.param(
        _times(NOW + dt.timedelta(days=2), NOW + dt.timedelta(days=3)),
        [("IN_FUTURE", "intervalStart")],
        id="IN_FUTURE start",
    ),
    pytest.param(
        _times(NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1, minutes=5)),
        [("IN_FUTURE", "intervalEnd")],
        id="IN_FUTURE end",
    ),
]


@pytest.mark.parametrize(("change", "expected"), RULES)
async def test_each_rule_names_the_field_and_writes_nothing(
    gql: Gql, make_org: Any, database: Any, change: dict[str, Any], expected: list[Any]
) -> None:
    org = await make_org()
    token = await setup(gql, org)
    bad = reading(**change)
    readings = [reading("E1"), reading("E2"), bad]
    payload = await record(gql, token, readings, atomic=True)
    got = [(e["code"], e["field"]) for e in payload["userErrors"]]
    assert got == [(c, ["input", "readings", "2", *f.split(".")]) for c, f in expected]
    assert (payload["inserted"], payload["rejected"]) == (0, 1)
    assert await count(database, org.id, "kpi_reading") == 0
    assert await count(database, org.id, "kpi_reading_quarantine") == 0


async def test_too_many_readings(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = await setup(gql, org)
    payload = await record(gql, token, [reading()] * 1001)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("TOO_MANY", ["input", "readings"])
    ]
    assert (payload["inserted"], payload["rejected"]) == (0, 1001)
    assert await count(database, org.id, "kpi_reading") == 0


@pytest.mark.parametrize("source", ["", "  ", " wfm", "x" * 101])
async def test_a_bad_source(gql: Gql, make_org: Any, database: Any, source: str) -> None:
    org = await make_org()
    token = await setup(gql, org)
    payload = await record(gql, token, [reading()], source=source)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID", ["input", "source"])
    ]
    assert await count(database, org.id, "kpi_reading") == 0


async def test_decimals_must_be_strings(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = await setup(gql, org)
    variables = {"input": {"source": "wfm", "readings": [reading(seconds=12.5)]}}  # type: ignore[arg-type]
    body = await gql(
        "mutation($input: KpiReadingsRecordInput!) { kpiReadingsRecord(input: $input) "
        "{ inserted } }",
        variables,
        token,
    )
    assert "Decimal must be sent as a string" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5", "12.5"),
        ("-0.000001", "-0.000001"),
        ("99999999999999999999.999999", "99999999999999999999.999999"),
        ("007", "7"),
        ("+5", "5"),
        (".5", "0.5"),
        ("1e3", "1000"),
        ("1.5000000", "1.5"),
        (" 42 ", "42"),
        (Decimal("2.50"), "2.50"),
        (7, "7"),
    ],
)
def test_values_become_exact_json_numbers(value: Any, expected: str) -> None:
    assert json_number(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0.0000001", "OUT_OF_RANGE"),
        ("1E+20", "OUT_OF_RANGE"),
        ("-100000000000000000000", "OUT_OF_RANGE"),
        ("sNaN", "NOT_FINITE"),
        ("-Infinity", "NOT_FINITE"),
        ("twelve", "INVALID"),
        (1.5, "INVALID"),
        (True, "INVALID"),
    ],
)
def test_values_refused(value: Any, code: str) -> None:
    outcome = json_number(value)
    assert isinstance(outcome, FieldError)
    assert outcome.code == code


async def test_a_1000_reading_document_fits_the_limits(
    gql: Gql, make_org: Any, database: Any
) -> None:
    """Hardening #10: a full batch written inline (no variables) stays under the token limit."""
    org = await make_org()
    token = await setup(gql, org)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows = []
    for n in range(1000):
        day = start + dt.timedelta(days=n // 2)
        rows.append(
            f'{{employeeExternalId: "E{n % 2 + 1}", kpiCode: "AHT", '
            f'intervalStart: "{day.isoformat()}", '
            f'intervalEnd: "{(day + dt.timedelta(days=1)).isoformat()}", sourceRevision: 1, '
            f'components: [{{name: "handle_seconds", value: "{n}.5"}}, '
            f'{{name: "handled", value: "3"}}]}}'
        )
    document = (
        'mutation { kpiReadingsRecord(input: {source: "wfm", readings: ['
        + ", ".join(rows)
        + "]}) { inserted rejected userErrors { code } } }"
    )
    body = await gql(document, token=token)
    assert "errors" not in body, body.get("errors")
    assert body["data"]["kpiReadingsRecord"] == {"inserted": 1000, "rejected": 0, "userErrors": []}
    assert await count(database, org.id, "kpi_reading") == 1000
