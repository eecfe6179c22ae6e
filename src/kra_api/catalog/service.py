"""Rules for KPI definitions: create, update, copy from the built-in catalogue. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.catalog import repository as repo
from kra_api.catalog.builtin import (
    CatalogueKpi,
    catalogue_by_code,
)
from kra_api.catalog.schemas import (
    CODE_PATTERN,
    CODE_RULE,
    ComponentIn,
    Definition,
    KpiChanges,
    KpiIn,
    MinSampleIn,
    check_definition,
    check_text,
    columns_of,
    definition_of,
)
from kra_api.errors import FieldError, Invalid
from kra_api.models import Kpi

MAX_IMPORT = 100
UNIQUE_VIOLATION = "23505"


def _description(text: str | None) -> str | None:
    return (text or "").strip() or None


async def _flush(session: AsyncSession, duplicate: FieldError) -> None:
    """Flush; a unique violation (a concurrent writer won the race) becomes ``duplicate``."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if getattr(exc.driver_exception, "sqlstate", None) == UNIQUE_VIOLATION:
            raise Invalid([duplicate]) from exc
        raise


async def create_kpi(session: AsyncSession, principal: Principal, data: KpiIn) -> Kpi:
    """Define a KPI; the code is unique in the organization."""
    org = principal.organization_id
    errors: list[FieldError] = []
    code_path = ("input", "code")
    duplicate = FieldError("DUPLICATE", f"a KPI with code {data.code!r} exists", code_path)
    if not CODE_PATTERN.match(data.code):
        errors.append(FieldError("INVALID", CODE_RULE, code_path))
    elif await repo.kpis_by_code(session, org, [data.code]):
        errors.append(duplicate)
    errors += check_text(data.name, data.description) + check_definition(data.definition)
    if errors:
        raise Invalid(errors)
    kpi = Kpi(
        organization_id=org,
        code=data.code,
        name=data.name.strip(),
        description=_description(data.description),
        subject=data.subject.value,
        **columns_of(data.definition),
    )
    session.add(kpi)
    await _flush(session, duplicate)
    await record(
        session,
        principal,
        action="kpi.create",
        entity_type="Kpi",
        entity_id=kpi.id,
        after=snapshot(kpi),
    )
    return kpi


async def update_kpi(
    session: AsyncSession, principal: Principal, kpi_id: uuid.UUID, changes: KpiChanges
) -> Kpi:
    """Edit a KPI; its definition is locked (IN_USE) once readings of it exist."""
    org = principal.organization_id
    found = await repo.kpis(session, org, [kpi_id])
    if not found:
        raise Invalid.one("NOT_FOUND", "no such KPI", "input", "kpiId")
    kpi = found[0]
    current = definition_of(kpi)
    wanted = Definition(
        unit=current.unit if changes.unit is None else changes.unit,
        direction=current.direction if changes.direction is None else changes.direction,
        components=current.components if changes.components is None else changes.components,
        formula=current.formula if changes.formula is None else changes.formula,
        min_sample=changes.min_sample if changes.min_sample_given else current.min_sample,
    )
    before, after = columns_of(current), columns_of(wanted)
    fields = {
        "unit": "unit",
        "direction": "direction",
        "components": "components",
        "formula": "formula",
        "min_sample_component": "minSample",
        "min_sample_minimum": "minSample",
    }
    locked = sorted({fields[k] for k in fields if before[k] != after[k]})
    errors = check_text(changes.name, changes.description)
    if locked:
        errors += check_definition(wanted)
    if locked and not errors and await repo.kpi_has_readings(session, org, kpi.id):
        message = "readings of this KPI exist: its definition can no longer change"
        errors += [FieldError("IN_USE", message, ("input", f)) for f in locked]
    if errors:
        raise Invalid(errors)
    old = snapshot(kpi)
    if changes.name is not None:
        kpi.name = changes.name.strip()
    if changes.description_given:
        kpi.description = _description(changes.description)
    for column, value in after.items():
        if before[column] != value:
            setattr(kpi, column, value)
    if snapshot(kpi) != old:
        kpi.updated_at = dt.datetime.now(dt.UTC)
        await session.flush()
        await record(
            session,
            principal,
            action="kpi.update",
            entity_type="Kpi",
            entity_id=kpi.id,
            before=old,
            after=snapshot(kpi),
        )
    return kpi


def _from_catalogue(org: uuid.UUID, entry: CatalogueKpi) -> Kpi:
    sample = entry.min_sample
    definition = Definition(
        unit=entry.unit,
        direction=entry.direction,
        components=tuple(ComponentIn(c.name, c.aggregation) for c in entry.components),
        formula=entry.formula,
        min_sample=MinSampleIn(sample.component, sample.minimum) if sample else None,
    )
    return Kpi(
        organization_id=org,
        code=entry.code,
        name=entry.name,
        description=entry.description,
        subject=entry.subject.value,
        **columns_of(definition),
    )


async def import_catalogue(
    session: AsyncSession, principal: Principal, codes: Sequence[str]
) -> list[Kpi]:
    """Copy built-in KPIs into the organization; all codes or none (errors name the index)."""
    org = principal.organization_id
    if len(codes) > MAX_IMPORT:
        message = f"at most {MAX_IMPORT} codes per call, got {len(codes)}"
        raise Invalid.one("TOO_MANY", message, "input", "codes")
    catalogue = catalogue_by_code()
    existing = await repo.kpis_by_code(session, org, [c for c in codes if c in catalogue])
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, code in enumerate(codes):
        path = ("input", "codes", str(i))
        if code not in catalogue:
            message = f"{code!r} is not a code of the built-in catalogue"
            errors.append(FieldError("UNKNOWN_CODE", message, path))
        elif code in existing:
            errors.append(FieldError("DUPLICATE", f"a KPI with code {code!r} exists", path))
        elif code in seen:
            errors.append(FieldError("DUPLICATE", f"{code!r} is listed more than once", path))
        seen.add(code)
    if errors:
        raise Invalid(errors)
    kpis = [_from_catalogue(org, catalogue[code]) for code in codes]
    session.add_all(kpis)
    raced = FieldError("DUPLICATE", "a KPI of these codes was just created", ("input", "codes"))
    await _flush(session, raced)
    for kpi in kpis:
        await record(
            session,
            principal,
            action="kpi.catalogImport",
            entity_type="Kpi",
            entity_id=kpi.id,
            after=snapshot(kpi),
        )
    return kpis
