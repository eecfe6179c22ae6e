"""Every table of kra-api (SQLModel, ``table=True``); nothing else lives here."""

from kra_api.models.audit import AuditEntry
from kra_api.models.auth import ApiKey, TenantLookup
from kra_api.models.catalog import Kpi
from kra_api.models.evaluations import Evaluation, EvaluationRevision
from kra_api.models.goals import Goal
from kra_api.models.kras import Kra, KraItem, KraSet
from kra_api.models.month_sums import KpiMonthSum, KpiMonthSumState, KpiReadingChange
from kra_api.models.orgs import Organization, OrgUnit, OrgUnitLeadership
from kra_api.models.outbox import OutboxEvent
from kra_api.models.people import Assignment, Employee, EmployeeIdentity, Role
from kra_api.models.periods import Period
from kra_api.models.readings import KpiReading, QuarantinedReading

__all__ = [
    "ApiKey",
    "Assignment",
    "AuditEntry",
    "Employee",
    "EmployeeIdentity",
    "Evaluation",
    "EvaluationRevision",
    "Goal",
    "Kpi",
    "KpiMonthSum",
    "KpiMonthSumState",
    "KpiReading",
    "KpiReadingChange",
    "Kra",
    "KraItem",
    "KraSet",
    "OrgUnit",
    "OrgUnitLeadership",
    "Organization",
    "OutboxEvent",
    "Period",
    "QuarantinedReading",
    "Role",
    "TenantLookup",
]
