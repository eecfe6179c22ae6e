"""organizationSettingsUpdate: anchor scores, coverage minimums, gate cap, bands, time zone."""

from __future__ import annotations

import decimal
import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWriteDefinitions
from kra_api.graphql.orgs.types import Organization, RevisionMode
from kra_api.scoring import org_settings
from kra_api.scoring.engine import RevisionMode as EngineRevisionMode


@strawberry.enum(description="Why organizationSettingsUpdate refused its input.")
class OrganizationSettingsUpdateErrorCode(enum.Enum):
    INVALID = "INVALID"
    BANDS_ORDER = "BANDS_ORDER"
    ANCHOR_SCORES_ORDER = "ANCHOR_SCORES_ORDER"


@strawberry.type(description="A failure of organizationSettingsUpdate.")
class OrganizationSettingsUpdateError(UserError):
    code: OrganizationSettingsUpdateErrorCode = strawberry.field(
        description="Machine-readable reason."
    )


@strawberry.input(description="A rating band: from `minScore` (inclusive) up to the next one.")
class RatingBandInput:
    level: int = strawberry.field(description="1 (lowest) upwards, strictly ascending.")
    label: str = strawberry.field(description="Name of the band (1-100 characters).")
    min_score: decimal.Decimal = strawberry.field(
        description="Inclusive lower bound; the first band starts at 0, then strictly ascending."
    )


@strawberry.input(description="Settings to change; omitted (or null) fields stay as they are.")
class OrganizationSettingsUpdateInput:
    threshold_score: decimal.Decimal | None = strawberry.field(
        default=None, description="Score at the threshold (< targetScore)."
    )
    target_score: decimal.Decimal | None = strawberry.field(
        default=None, description="Score at the target (< stretchScore)."
    )
    stretch_score: decimal.Decimal | None = strawberry.field(
        default=None, description="Score at the stretch, the cap."
    )
    kra_coverage_minimum: decimal.Decimal | None = strawberry.field(
        default=None, description="In (0, 1]: below it a KRA is NOT_RATED."
    )
    overall_coverage_minimum: decimal.Decimal | None = strawberry.field(
        default=None, description="In (0, 1]: below it the overall is NOT_RATED."
    )
    gate_cap: decimal.Decimal | None = strawberry.field(
        default=None, description="At least 0: the overall cap when a gate fails."
    )
    revision_mode: RevisionMode | None = strawberry.field(
        default=None, description="How goal versions within a period combine."
    )
    grace_days: int | None = strawberry.field(
        default=None, description="0..366 days a period stays PROVISIONAL."
    )
    bands: list[RatingBandInput] | None = strawberry.field(
        default=None, description="Every band, ascending (replaces the current ones; at most 20)."
    )
    timezone: str | None = strawberry.field(default=None, description="IANA time zone name.")


@strawberry.type(description="Result of organizationSettingsUpdate.")
class OrganizationSettingsUpdatePayload:
    organization: Organization | None = strawberry.field(
        description="The organization with its new settings."
    )
    user_errors: list[OrganizationSettingsUpdateError] = strawberry.field(
        description="Why nothing was written."
    )


def _change(data: OrganizationSettingsUpdateInput) -> org_settings.SettingsChange:
    mode = data.revision_mode
    return org_settings.SettingsChange(
        threshold_score=data.threshold_score,
        target_score=data.target_score,
        stretch_score=data.stretch_score,
        kra_coverage_minimum=data.kra_coverage_minimum,
        overall_coverage_minimum=data.overall_coverage_minimum,
        gate_cap=data.gate_cap,
        revision_mode=None if mode is None else EngineRevisionMode(mode.value),
        grace_days=data.grace_days,
        bands=None
        if data.bands is None
        else [org_settings.BandIn(b.level, b.label, b.min_score) for b in data.bands],
        timezone=data.timezone,
    )


@strawberry.type
class SettingsMutations:
    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Change the organization's scoring settings (admin, hr); audited. Live "
        "scorecards change at once.",
    )
    async def organization_settings_update(
        self, info: Info, input: OrganizationSettingsUpdateInput
    ) -> OrganizationSettingsUpdatePayload:
        change = _change(input)
        result = await perform(
            info.context, lambda s, p: org_settings.update_settings(s, p, change)
        )
        if isinstance(result, Invalid):
            errors = user_errors(
                result, OrganizationSettingsUpdateError, OrganizationSettingsUpdateErrorCode
            )
            return OrganizationSettingsUpdatePayload(organization=None, user_errors=errors)
        return OrganizationSettingsUpdatePayload(
            organization=Organization.of(result), user_errors=[]
        )
