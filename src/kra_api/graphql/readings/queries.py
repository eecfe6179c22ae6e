"""Read paths of readings: the quarantine of one source, oldest first."""

from __future__ import annotations

import datetime as dt
import typing
import uuid
from typing import Any

from sqlalchemy import Select, Text, cast, select
from sqlmodel import col

from kra_api.db.keyset import Keyset
from kra_api.graphql.core.context import Context
from kra_api.graphql.core.scalars import Long
from kra_api.graphql.readings.types import (
    ComponentValue,
    QuarantinedReading,
    QuarantinedReadingConnection,
)
from kra_api.models import QuarantinedReading as Row
from kra_api.readings.repository import exact_components
from kra_api.readings.schemas import EMPLOYEE

QUARANTINE_KEYSET = Keyset(
    columns=[col(Row.received_at), col(Row.id)],
    parsers=[dt.datetime.fromisoformat, uuid.UUID],
)


def _node(row: Any) -> QuarantinedReading:
    employee = row.subject_kind == EMPLOYEE
    return QuarantinedReading(
        kpi_id=row.kpi_id,
        source=row.source,
        employee_external_id=row.external_id if employee else None,
        org_unit_external_id=None if employee else row.external_id,
        interval_start=row.interval_start,
        interval_end=row.interval_end,
        components=[
            ComponentValue(name=k, value=v) for k, v in sorted(exact_components(row.raw).items())
        ],
        source_revision=Long(row.source_revision),
        reason=row.reason,
        received_at=row.received_at,
    )


async def quarantine_connection(
    ctx: Context, source: str, first: int | None, after: str | None
) -> QuarantinedReadingConnection:
    """A page of the readings of ``source`` waiting for their subject, oldest first."""
    base = select(
        col(Row.id),
        col(Row.kpi_id),
        col(Row.source),
        col(Row.subject_kind),
        col(Row.external_id),
        col(Row.interval_start),
        col(Row.interval_end),
        cast(col(Row.components), Text).label("raw"),
        col(Row.source_revision),
        col(Row.reason),
        col(Row.received_at),
    ).where(col(Row.organization_id) == ctx.organization_id, col(Row.source) == source)
    stmt = QUARANTINE_KEYSET.apply(typing.cast(Select[Any], base), first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).all())
    page = QUARANTINE_KEYSET.page(rows, first, after, lambda r: (r.received_at, r.id))
    return QuarantinedReadingConnection.of(page, _node)
