"""kpiReadingsRecord: at most 1000 readings per call, atomic or not. Never commits.

A call that stores or quarantines anything leaves one audit entry with its counts (corrections
also get one each, with the values replaced); a replay that changes nothing leaves none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Invalid
from kra_api.readings.batch import Counts, Ingestion
from kra_api.readings.schemas import MAX_READINGS, ReadingIn, check_source


@dataclass
class RecordResult:
    """Counts of a call and the errors of the rows it refused (paths from ``input``)."""

    counts: Counts
    errors: list[FieldError] = field(default_factory=list)


async def record_readings(
    session: AsyncSession,
    principal: Principal,
    source: str,
    readings: Sequence[ReadingIn],
    *,
    atomic: bool,
) -> RecordResult:
    """Validate and store readings. Atomic: any bad row refuses the call (Invalid); otherwise
    the good rows are stored and the bad ones reported and counted as rejected."""
    if len(readings) > MAX_READINGS:
        message = f"at most {MAX_READINGS} readings per call, got {len(readings)}"
        raise Invalid.one("TOO_MANY", message, "input", "readings")
    source_errors = check_source(source, "input", "source")
    if source_errors:
        raise Invalid(source_errors)
    ingestion = Ingestion(principal, source)
    checked = await ingestion.check(session, readings)
    errors = [e.under("input", "readings", str(i)) for i, e in checked.errors]
    if errors and atomic:
        raise Invalid(errors)
    stored = await ingestion.store(session, checked)
    counts = stored.counts
    if counts.inserted or counts.updated or counts.quarantined:
        await record(
            session,
            principal,
            action="kpiReadings.record",
            entity_type="KpiReadingBatch",
            entity_id=None,
            after={"source": source, "atomic": atomic, **asdict(counts)},
        )
    return RecordResult(counts, errors)
