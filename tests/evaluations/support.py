"""Set-up of the evaluation tests through the public API: the §11 agent organization with a
site led by S1 and Team A led by M1 (A1, A2 agents), Example A's March readings, the March
period and tokens of every participant; and the GraphQL documents of the workflow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.scorecards.support import EXAMPLE_A, Agents, agents, hire, month, period, record

ERRORS = "userErrors { code field message }"
EVALUATION_FIELDS = """id state revision allowedActions selfComment managerComment overrideReason
  computedBand { level label } finalBand { level label } placementDay forced revisionReason
  employee { externalId } reviewer { externalId } period { name } inputHash finalizedAt
  acknowledgedAt acknowledgementComment changes { path before after }"""
EVALUATION = f"""query($e: ID!, $p: ID!) {{ evaluation(employeeId: $e, periodId: $p) {{
  {EVALUATION_FIELDS} }} }}"""
NODE = f"""query($id: ID!) {{ node(id: $id) {{ ... on Evaluation {{ {EVALUATION_FIELDS} }} }} }}"""
START = f"""mutation($input: EvaluationStartInput!) {{
  evaluationStart(input: $input) {{ evaluation {{ {EVALUATION_FIELDS} }} {ERRORS} }} }}"""
BULK_START = f"""mutation($input: EvaluationsStartInput!) {{
  evaluationsStart(input: $input) {{ started existing skipped {ERRORS} }} }}"""
SELF_REVIEW = f"""mutation($input: EvaluationCommentInput!) {{
  evaluationSelfReviewSubmit(input: $input) {{
    evaluation {{ {EVALUATION_FIELDS} }} {ERRORS} }} }}"""
MANAGER_REVIEW = f"""mutation($input: EvaluationManagerReviewInput!) {{
  evaluationManagerReviewSubmit(input: $input) {{
    evaluation {{ {EVALUATION_FIELDS} }} {ERRORS} }} }}"""
CALIBRATE = f"""mutation($input: EvaluationCalibrateInput!) {{
  evaluationCalibrate(input: $input) {{ evaluation {{ {EVALUATION_FIELDS} }} {ERRORS} }} }}"""
FINALIZE = f"""mutation($input: EvaluationRefInput!) {{
  evaluationFinalize(input: $input) {{ evaluation {{ {EVALUATION_FIELDS} }} {ERRORS} }} }}"""
ACKNOWLEDGE = f"""mutation($input: EvaluationCommentInput!) {{
  evaluationAcknowledge(input: $input) {{ evaluation {{ {EVALUATION_FIELDS} }} {ERRORS} }} }}"""
ADJUST = f"""mutation($input: EvaluationAdjustInput!) {{
  evaluationAdjust(input: $input) {{ evaluation {{ {EVALUATION_FIELDS} }} {ERRORS} }} }}"""
PERIOD_FINALIZE = f"""mutation($input: PeriodFinalizeInput!) {{
  periodFinalize(input: $input) {{ period {{ id state }} finalized created {ERRORS} }} }}"""
SETTINGS = f"""mutation($input: OrganizationSettingsUpdateInput!) {{
  organizationSettingsUpdate(input: $input) {{ organization {{ id }} {ERRORS} }} }}"""

# Every action of the table: its document and a valid input besides the evaluation id.
ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "SELF_REVIEW_SUBMIT": (SELF_REVIEW, {"comment": "I did well"}),
    "MANAGER_REVIEW_SUBMIT": (MANAGER_REVIEW, {"comment": "Solid month"}),
    "CALIBRATE": (CALIBRATE, {"bandLevel": 3, "reason": "Calibrated with peers"}),
    "FINALIZE": (FINALIZE, {}),
    "ACKNOWLEDGE": (ACKNOWLEDGE, {"comment": "Seen"}),
    "ADJUST": (ADJUST, {"reason": "Late readings"}),
}
# The path from the start to each state: (action, acting role) in order.
PATHS: dict[str, list[tuple[str, str]]] = {
    "SELF_REVIEW": [],
    "MANAGER_REVIEW": [("SELF_REVIEW_SUBMIT", "self")],
    "CALIBRATION": [("SELF_REVIEW_SUBMIT", "self"), ("MANAGER_REVIEW_SUBMIT", "reviewer")],
    "FINALIZED": [
        ("SELF_REVIEW_SUBMIT", "self"),
        ("MANAGER_REVIEW_SUBMIT", "reviewer"),
        ("FINALIZE", "hr"),
    ],
    "ACKNOWLEDGED": [
        ("SELF_REVIEW_SUBMIT", "self"),
        ("MANAGER_REVIEW_SUBMIT", "reviewer"),
        ("FINALIZE", "hr"),
        ("ACKNOWLEDGE", "self"),
    ],
}
COUNTED = ("evaluation", "evaluation_revision", "audit_log", "outbox")


@dataclass
class Cycle:
    """The agent organization with people, readings, the March period and tokens."""

    s: Agents
    march: str

    @property
    def people(self) -> dict[str, str]:
        """External id → employee id."""
        return self.s.people

    def token(self, role: str, external_id: str | None = None) -> str:
        """A user token: ``role`` acting as ``external_id`` (if any)."""
        return self.s.org.token(role, sub=external_id)

    @property
    def hr(self) -> str:
        """An hr token without an employee."""
        return self.token("hr")


async def cycle(gql: Gql, make_org: Any, agents_ids: tuple[str, ...] = ("A1", "A2")) -> Cycle:
    """Site (led by S1) → Team A (led by M1) with agents; Example A for each agent in March."""
    s = await agents(gql, make_org)
    for external_id in agents_ids:
        await hire(gql, s, external_id)
    await hire(gql, s, "M1")
    await hire(gql, s, "S1", unit=s.units["Site"])
    assert (await helpers.lead(gql, s.token, s.unit, s.people["M1"], "2026-01-01"))[
        "userErrors"
    ] == []
    assert (await helpers.lead(gql, s.token, s.units["Site"], s.people["S1"], "2026-01-01"))[
        "userErrors"
    ] == []
    readings = [r for e in agents_ids for r in month(e, EXAMPLE_A)]
    await record(gql, s.token, readings)
    march = await period(gql, s.token, name="March 2026")
    return Cycle(s, march)


async def act(
    gql: Gql, token: str, action: str, evaluation_id: str, **overrides: Any
) -> dict[str, Any]:
    """Run a workflow mutation; return the whole response body (data and errors)."""
    document, data = ACTIONS[action]
    variables = {"input": {"evaluationId": evaluation_id, **data, **overrides}}
    return await gql(document, variables, token)


def payload_of(body: dict[str, Any]) -> dict[str, Any]:
    """The payload of a mutation that must not fail at the top level."""
    assert "errors" not in body, body["errors"]
    (value,) = body["data"].values()
    assert isinstance(value, dict)
    return value


async def ok(gql: Gql, token: str, action: str, evaluation_id: str, **kw: Any) -> dict[str, Any]:
    """Run a workflow mutation that must succeed; return the evaluation."""
    result = payload_of(await act(gql, token, action, evaluation_id, **kw))
    assert result["userErrors"] == [], result
    evaluation: dict[str, Any] = result["evaluation"]
    return evaluation


async def start(
    gql: Gql, token: str, employee: str, period_id: str, skip: bool = False
) -> dict[str, Any]:
    """Run evaluationStart; return the payload."""
    variables = {"input": {"employeeId": employee, "periodId": period_id, "skipSelfReview": skip}}
    return payload_of(await gql(START, variables, token))


async def started(c: Cycle, gql: Gql, external_id: str) -> str:
    """Start the employee's March evaluation as hr; return its id."""
    result = await start(gql, c.hr, c.people[external_id], c.march)
    assert result["userErrors"] == [], result
    evaluation_id: str = result["evaluation"]["id"]
    return evaluation_id


def tokens(c: Cycle, external_id: str) -> dict[str, str]:
    """The participants of an agent's evaluation (Team A reviewed by M1, S1 above)."""
    return {
        "self": c.token("employee", external_id),
        "reviewer": c.token("manager", "M1"),
        "upline": c.token("manager", "S1"),
        "peer": c.token("employee", "A2" if external_id != "A2" else "A1"),
        "hr": c.hr,
        "admin": c.s.token,
    }


async def bring_to(c: Cycle, gql: Gql, external_id: str, state: str) -> str:
    """Start the agent's evaluation and walk it to ``state``; return its id."""
    evaluation_id = await started(c, gql, external_id)
    who = tokens(c, external_id)
    for action, role in PATHS[state]:
        await ok(gql, who[role], action, evaluation_id)
    return evaluation_id


async def counts(database: Database, org_id: uuid.UUID) -> dict[str, int]:
    """Rows of the evaluation tables, the audit log and the outbox the tenant sees."""
    async with database.session(org_id) as session:
        return {
            table: int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
            for table in COUNTED
        }


async def outbox(database: Database, org_id: uuid.UUID) -> list[dict[str, Any]]:
    """The tenant's outbox events, oldest first."""
    async with database.session(org_id) as session:
        rows = await session.execute(
            text("SELECT event_type, payload FROM outbox ORDER BY created_at, id")
        )
        return [{"type": r[0], **r[1]} for r in rows]


async def evaluation_row(database: Database, org_id: uuid.UUID, row_id: str) -> dict[str, Any]:
    """The stored evaluation row (by global id), every column."""
    from kra_api.graphql.core.ids import parse_global_id

    parsed = parse_global_id(row_id)
    assert parsed is not None
    async with database.session(org_id) as session:
        row = await session.execute(
            text("SELECT * FROM evaluation WHERE id = :id"), {"id": parsed[1]}
        )
        return dict(row.one()._mapping)
