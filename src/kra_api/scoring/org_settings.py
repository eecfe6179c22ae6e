"""An organization's scoring settings: the engine's view of them, and organizationSettingsUpdate.

Changing a setting changes live scorecards at once (nothing is cached); the audit log keeps the
settings before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.audit.service import record
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Invalid
from kra_api.models import Organization
from kra_api.orgs.service import check_timezone
from kra_api.scoring.engine import AnchorScores, Band, RevisionMode, ScoringSettings

MAX_BANDS = 20
MAX_LABEL = 100
MAX_GRACE_DAYS = 366
SETTINGS_COLUMNS = (
    "threshold_score",
    "target_score",
    "stretch_score",
    "kra_coverage_minimum",
    "overall_coverage_minimum",
    "gate_cap",
    "revision_mode",
    "grace_days",
    "bands",
    "timezone",
)


def bands_of(org: Organization) -> tuple[Band, ...]:
    """The organization's rating bands, ascending."""
    return tuple(Band(b["level"], b["label"], Decimal(b["min_score"])) for b in org.bands)


def engine_settings(org: Organization) -> ScoringSettings:
    """The scoring engine's settings of an organization row."""
    return ScoringSettings(
        anchor_scores=AnchorScores(org.threshold_score, org.target_score, org.stretch_score),
        kra_coverage_minimum=org.kra_coverage_minimum,
        overall_coverage_minimum=org.overall_coverage_minimum,
        gate_cap=org.gate_cap,
        bands=bands_of(org),
        revision_mode=RevisionMode(org.revision_mode),
    )


@dataclass(frozen=True)
class BandIn:
    """A rating band as sent."""

    level: int
    label: str
    min_score: Decimal


@dataclass(frozen=True)
class SettingsChange:
    """The settings to change; None leaves a setting as it is."""

    threshold_score: Decimal | None = None
    target_score: Decimal | None = None
    stretch_score: Decimal | None = None
    kra_coverage_minimum: Decimal | None = None
    overall_coverage_minimum: Decimal | None = None
    gate_cap: Decimal | None = None
    revision_mode: RevisionMode | None = None
    grace_days: int | None = None
    bands: list[BandIn] | None = None
    timezone: str | None = None


def _path(name: str, *rest: str) -> tuple[str, ...]:
    camel = name.split("_")[0] + "".join(w.title() for w in name.split("_")[1:])
    return ("input", camel, *rest)


def _number_errors(change: SettingsChange) -> list[FieldError]:
    errors: list[FieldError] = []
    for name in SETTINGS_COLUMNS[:6]:
        value = getattr(change, name)
        if value is not None and not value.is_finite():
            errors.append(FieldError("INVALID", "must be a finite number", _path(name)))
    if errors:
        return errors
    for name in ("kra_coverage_minimum", "overall_coverage_minimum"):
        value = getattr(change, name)
        if value is not None and not 0 < value <= 1:
            errors.append(FieldError("INVALID", "must be in (0, 1]", _path(name)))
    if change.gate_cap is not None and change.gate_cap < 0:
        errors.append(FieldError("INVALID", "must be at least 0", _path("gate_cap")))
    days = change.grace_days
    if days is not None and not 0 <= days <= MAX_GRACE_DAYS:
        message = f"must be between 0 and {MAX_GRACE_DAYS}"
        errors.append(FieldError("INVALID", message, _path("grace_days")))
    return errors


def _anchor_errors(org: Organization, change: SettingsChange) -> list[FieldError]:
    names = ("threshold_score", "target_score", "stretch_score")
    given = [getattr(change, n) for n in names]
    merged = [g if g is not None else getattr(org, n) for g, n in zip(given, names, strict=True)]
    if merged[0] < merged[1] < merged[2]:
        return []
    # Name a field the caller sent: the one breaking the order, else the other one of the pair.
    low, high = (0, 1) if merged[0] >= merged[1] else (1, 2)
    blamed = names[high] if given[high] is not None else names[low]
    message = "anchor scores must satisfy thresholdScore < targetScore < stretchScore"
    return [FieldError("ANCHOR_SCORES_ORDER", message, _path(blamed))]


def _band_errors(bands: list[BandIn]) -> list[FieldError]:
    if not bands or len(bands) > MAX_BANDS:
        message = f"give 1 to {MAX_BANDS} bands"
        return [FieldError("INVALID", message, ("input", "bands"))]
    errors: list[FieldError] = []
    for i, band in enumerate(bands):
        at = ("input", "bands", str(i))
        if not band.label.strip() or len(band.label) > MAX_LABEL:
            errors.append(
                FieldError("INVALID", f"must be 1 to {MAX_LABEL} characters", (*at, "label"))
            )
        if band.level < 1 or (i and band.level <= bands[i - 1].level):
            message = "levels must be positive and strictly ascending"
            errors.append(FieldError("INVALID", message, (*at, "level")))
        if not band.min_score.is_finite():
            errors.append(FieldError("INVALID", "must be a finite number", (*at, "minScore")))
        elif i == 0 and band.min_score != 0:
            errors.append(
                FieldError("BANDS_ORDER", "the first band starts at 0", (*at, "minScore"))
            )
        elif i and bands[i - 1].min_score.is_finite() and band.min_score <= bands[i - 1].min_score:
            message = "band minimum scores must be strictly ascending"
            errors.append(FieldError("BANDS_ORDER", message, (*at, "minScore")))
    return errors


def _settings(org: Organization) -> dict[str, Any]:
    snapshot: dict[str, Any] = {}
    for name in SETTINGS_COLUMNS:
        value = getattr(org, name)
        snapshot[name] = str(value) if isinstance(value, Decimal) else value
    return snapshot


async def update_settings(
    session: AsyncSession, principal: Principal, change: SettingsChange
) -> Organization:
    """Validate and apply a settings change (admin, hr, definitions:write); audited."""
    stmt = (
        select(Organization)
        .where(col(Organization.id) == principal.organization_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    org = (await session.execute(stmt)).scalar_one()
    errors = _number_errors(change)
    if not errors:
        errors += _anchor_errors(org, change)
    if change.bands is not None:
        errors += _band_errors(change.bands)
    if change.timezone is not None:
        try:
            check_timezone(change.timezone, "input", "timezone")
        except Invalid as exc:
            errors += exc.errors
    if errors:
        raise Invalid(errors)
    before = _settings(org)
    for name in SETTINGS_COLUMNS:
        value = getattr(change, name)
        if value is None:
            continue
        if name == "bands":
            value = [
                {"level": b.level, "label": b.label.strip(), "min_score": str(b.min_score)}
                for b in value
            ]
        elif isinstance(value, RevisionMode):
            value = value.value
        setattr(org, name, value)
    await session.flush()
    await record(
        session,
        principal,
        action="organization.settingsUpdate",
        entity_type="Organization",
        entity_id=org.id,
        before=before,
        after=_settings(org),
    )
    return org
