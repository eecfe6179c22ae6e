"""Every mutation of the schema writes the audit log: each is mapped to the action it records,
and that action is written somewhere in the service (a new mutation must join the map).

The entries themselves (actor, time, entity, before/after, reason, request id) are checked by
each domain's tests; this test keeps the list complete."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "kra_api"
ACTIONS = {
    "orgUnitCreate": "orgUnit.create",
    "orgUnitUpdate": "orgUnit.update",
    "orgUnitLeaderAssign": "orgUnit.leaderAssign",
    "employeesUpsert": "employee.upsert",
    "employeeAssign": "employee.assign",
    "employeeIdentityLink": "employee.identityLink",
    "roleCreate": "role.create",
    "kpiCreate": "kpi.create",
    "kpiUpdate": "kpi.update",
    "kpiCatalogImport": "kpi.catalogImport",
    "periodCreate": "period.create",
    "kraSetDraft": "kraSet.draft",
    "kraSetPublish": "kraSet.publish",
    "kraCreate": "kra.create",
    "kraUpdate": "kra.update",
    "kraRemove": "kra.remove",
    "kraItemAdd": "kraItem.add",
    "kraItemUpdate": "kraItem.update",
    "kraItemRemove": "kraItem.remove",
    "goalSet": "goal.set",
    "goalRevise": "goal.propose",
    "goalRevisionApprove": "goal.approve",
    "goalRevisionReject": "goal.reject",
    "kpiReadingsRecord": "kpiReadings.record",
    "organizationSettingsUpdate": "organization.settingsUpdate",
    "evaluationStart": "evaluation.start",
    "evaluationsStart": "evaluation.start",
    "evaluationSelfReviewSubmit": "evaluation.selfReviewSubmit",
    "evaluationManagerReviewSubmit": "evaluation.managerReviewSubmit",
    "evaluationCalibrate": "evaluation.calibrate",
    "evaluationFinalize": "evaluation.finalize",
    "evaluationAcknowledge": "evaluation.acknowledge",
    "evaluationAdjust": "evaluation.adjust",
    "periodFinalize": "period.finalize",
}


def test_every_mutation_is_audited() -> None:
    # schema.graphql is the schema exported from code (tests/test_schema_file.py keeps it so).
    mutation = build_schema((ROOT / "schema.graphql").read_text()).mutation_type
    assert mutation is not None
    names = set(mutation.fields)
    missing = sorted(names - ACTIONS.keys())
    assert missing == [], f"add the audit action of {missing} to ACTIONS (and write it)"
    source = "\n".join(p.read_text() for p in SRC.rglob("*.py"))
    unwritten = sorted(a for a in set(ACTIONS.values()) if f'"{a}"' not in source)
    assert unwritten == []
