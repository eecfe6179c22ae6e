"""kraSmartCheck: whether each KRA of a set is Specific, Measurable, Achievable, Relevant and
Time-bound, each with its reason in words."""

from __future__ import annotations

import datetime as dt
import decimal

import strawberry

from kra_api.auth.principal import UserRole
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.permissions import allow
from kra_api.graphql.kras.types import Kra, KraItem, KraSet
from kra_api.graphql.periods.types import Period
from kra_api.kras import smart, smart_rules

CanCheckKraSets = allow(UserRole.ADMIN, UserRole.HR, UserRole.MANAGER)


@strawberry.type(description="One SMART criterion: passed or not, and why.")
class SmartCriterion:
    passed: bool = strawberry.field(description="Whether the criterion is met.")
    reason: str = strawberry.field(description="Why, in words.")

    @classmethod
    def of(cls, check: smart_rules.Check) -> SmartCriterion:
        """Wrap a rule's outcome."""
        return cls(passed=check.passed, reason=check.reason)


@strawberry.type(description="A role-level target against its KPI's history (Achievable).")
class SmartTarget:
    row: strawberry.Private[smart_rules.TargetCheck]
    target: decimal.Decimal | None = strawberry.field(
        description="The goal's target (IN_RANGE: the midpoint of the two targets)."
    )
    sample_size: int = strawberry.field(description="History values compared with.")
    percentile: decimal.Decimal | None = strawberry.field(
        description="The target's percentile rank in the history (0 to 100); null: no history."
    )
    low: decimal.Decimal | None = strawberry.field(description="10th percentile of the history.")
    high: decimal.Decimal | None = strawberry.field(description="90th percentile of the history.")
    in_range: bool | None = strawberry.field(
        description="Between the 10th and 90th percentile; null when not compared."
    )
    reason: str = strawberry.field(description="The comparison in words.")

    @strawberry.field(description="The KRA item.")
    def item(self) -> KraItem:
        return KraItem.of(self.row.item)


@strawberry.type(description="The SMART check of one KRA.")
class KraSmartResult:
    row: strawberry.Private[smart.KraSmart]
    passed: bool = strawberry.field(description="All five criteria pass.")
    specific: SmartCriterion = strawberry.field(description="A description of 20+ characters.")
    measurable: SmartCriterion = strawberry.field(
        description="At least one weighted item whose KPI has a role goal in force."
    )
    achievable: SmartCriterion = strawberry.field(
        description="Each role target between the 10th and 90th percentile of the KPI's values "
        "for the role's employees over the last three periods."
    )
    relevant: SmartCriterion = strawberry.field(description="An objective is set.")
    time_bound: SmartCriterion = strawberry.field(
        description="The set has an effective date and the items' goals are dated from it on."
    )
    targets: list[SmartTarget] = strawberry.field(description="The comparisons behind Achievable.")

    @strawberry.field(description="The KRA.")
    def kra(self) -> Kra:
        return Kra.of(self.row.kra)


@strawberry.type(description="How SMART each KRA of a set is.")
class KraSmartCheck:
    report: strawberry.Private[smart.SmartReport]
    reference_day: dt.date = strawberry.field(
        description="The day goals are looked up on: today, moved into the set's range."
    )
    history_periods: list[Period] = strawberry.field(
        description="The periods whose values Achievable compares with, newest first."
    )
    passed: bool = strawberry.field(description="Every KRA passes every criterion.")
    kras: list[KraSmartResult] = strawberry.field(description="Each KRA, in position order.")

    @strawberry.field(description="The KRA set checked.")
    def kra_set(self) -> KraSet:
        return KraSet.of(self.report.kra_set)


def _result(k: smart.KraSmart) -> KraSmartResult:
    targets = [
        SmartTarget(
            row=t,
            target=t.target,
            sample_size=t.sample_size,
            percentile=t.percentile,
            low=t.low,
            high=t.high,
            in_range=t.in_range,
            reason=t.reason,
        )
        for t in k.targets
    ]
    return KraSmartResult(
        row=k,
        passed=k.passed,
        specific=SmartCriterion.of(k.specific),
        measurable=SmartCriterion.of(k.measurable),
        achievable=SmartCriterion.of(k.achievable),
        relevant=SmartCriterion.of(k.relevant),
        time_bound=SmartCriterion.of(k.time_bound),
        targets=targets,
    )


@strawberry.type
class KraSmartQueries:
    @strawberry.field(
        permission_classes=[CanCheckKraSets],
        description="Whether each KRA of a set is Specific, Measurable, Achievable, Relevant and "
        "Time-bound, with reasons; null for an unknown id. hr, admin and managers.",
    )
    async def kra_smart_check(self, info: Info, kra_set_id: strawberry.ID) -> KraSmartCheck | None:
        ctx = info.context
        org = await ctx.organization()
        async with ctx.db.read() as session:
            report = await smart.smart_check(session, org, expect_id(kra_set_id, "KraSet"))
        if report is None:
            return None
        kras = [_result(k) for k in report.kras]
        return KraSmartCheck(
            report=report,
            reference_day=report.day,
            history_periods=[Period.of(p) for p in report.periods],
            passed=all(k.passed for k in kras),
            kras=kras,
        )
