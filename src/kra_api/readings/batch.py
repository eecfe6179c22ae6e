"""One ingestion run of one source: validates batches, resolves subjects, merges. Never commits.

Every path (kpiReadingsRecord, POST /v1/readings, the CLI, the demo, quarantine replays) goes
through ``Ingestion``: ``check`` a batch, then ``store`` what passed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError
from kra_api.readings import repository as repo
from kra_api.readings import staging
from kra_api.readings.partitions import ensure_partitions, month_of
from kra_api.readings.schemas import KpiRule, ReadingIn, ValidReading, validate

MAX_CACHED_SUBJECTS = 200_000  # bounds memory on endless streams of distinct ids
Span = tuple[dt.datetime, dt.datetime]
RETRY_NEW_AFTER = 8  # batches merged the careful way after one met stored keys


@dataclass
class Counts:
    """What happened to the rows of a call; every row is counted exactly once.

    A row replaced by a later row of the same key in the same batch counts as unchanged.
    """

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        """Add another batch's counts to these."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.quarantined += other.quarantined
        self.rejected += other.rejected


@dataclass
class Checked:
    """A validated batch: the rows that passed, and each refused row's errors by index."""

    valid: list[tuple[int, ValidReading]] = field(default_factory=list)
    errors: list[tuple[int, FieldError]] = field(default_factory=list)
    rejected: int = 0


@dataclass
class Prepared:
    """A checked batch turned into stage records, unique by key, subjects resolved."""

    records: list[staging.StageRecord]
    resolved: list[int]  # indexes of the rows whose subject is known
    superseded: int  # rows replaced by a later row of the same key in the batch
    rejected: int
    payload: bytes | None = None  # the records in COPY text format, when built ahead


@dataclass
class Stored:
    """The counts of a stored batch and the indexes whose subject was known."""

    counts: Counts
    resolved: list[int]


class Ingestion:
    """Ingests batches from one source for one principal, caching KPI rules and subject ids."""

    def __init__(self, principal: Principal, source: str) -> None:
        self.principal = principal
        self.org_id = principal.organization_id
        self.source = source
        self._kpis: dict[str, KpiRule] = {}
        self._subjects: dict[repo.SubjectKey, uuid.UUID] = {}
        self._months: set[dt.date] = set()
        self._final: list[Span] | None = None
        self._skip_new_tries = 0

    @property
    def rules(self) -> dict[str, KpiRule]:
        """The KPI rules learnt so far, by code (for formats that validate while parsing)."""
        return self._kpis

    async def check(
        self, session: AsyncSession, readings: Sequence[ReadingIn | ValidReading]
    ) -> Checked:
        """Validate every reading (paths relative to the reading); validated ones pass."""
        unknown = {r.kpi_code for r in readings if type(r) is ReadingIn} - self._kpis.keys()
        if unknown:
            self._kpis.update(await repo.kpi_rules(session, self.org_id, unknown))
        now = dt.datetime.now(dt.UTC)
        checked = Checked()
        kpis = self._kpis
        for i, reading in enumerate(readings):
            if type(reading) is ValidReading:
                checked.valid.append((i, reading))
                continue
            assert isinstance(reading, ReadingIn)
            outcome = validate(reading, kpis.get(reading.kpi_code), now)
            if isinstance(outcome, ValidReading):
                checked.valid.append((i, outcome))
            else:
                checked.rejected += 1
                checked.errors.extend((i, e) for e in outcome)
        return checked

    async def _resolve(self, session: AsyncSession, valid: Sequence[ValidReading]) -> None:
        wanted = {(v.subject_kind, v.external_id) for v in valid} - self._subjects.keys()
        if not wanted:
            return
        if len(self._subjects) > MAX_CACHED_SUBJECTS:
            self._subjects.clear()
        # Only known ids are cached: an id unknown now may be created while a stream runs.
        found = await repo.resolve_subjects(session, self.org_id, self.source, wanted)
        self._subjects.update(found)

    async def _late(self, session: AsyncSession) -> list[Span]:
        if self._final is None:
            self._final = await repo.final_ranges(session, self.org_id)
        return self._final

    async def prepare(self, session: AsyncSession, checked: Checked) -> Prepared:
        """Resolve subjects and build stage records, unique by key (reads only)."""
        valid = checked.valid
        if not valid:
            return Prepared([], [], 0, checked.rejected)
        await self._resolve(session, [v for _, v in valid])
        final = await self._late(session)
        starts = [lo for lo, _ in final]
        subjects = self._subjects
        chosen: dict[tuple[object, ...], staging.StageRecord] = {}
        resolved: list[int] = []
        for i, v in valid:
            subject_id = subjects.get((v.subject_kind, v.external_id))
            if subject_id is not None:
                resolved.append(i)
            start = v.interval_start
            late = False
            if starts:
                at = bisect.bisect_right(starts, start) - 1
                late = at >= 0 and start < final[at][1]
            # uuid ints hash in C (UUID.__hash__ is Python); unknown subjects key by their id.
            subject = subject_id.int if subject_id is not None else v.external_id
            key = (subject, v.kpi_id.int, start, v.interval_end)
            held = chosen.get(key)
            # Sequential semantics: the highest revision wins, then the last row of it.
            if held is None or v.source_revision >= held[7]:
                chosen[key] = (
                    v.subject_kind,
                    subject_id,
                    v.external_id,
                    v.kpi_id,
                    start,
                    v.interval_end,
                    v.components,
                    v.source_revision,
                    late,
                    v.component_values,
                )
        records = list(chosen.values())
        return Prepared(records, resolved, len(valid) - len(records), checked.rejected)

    async def write(
        self, session: AsyncSession, prepared: Prepared, *, own_transaction: bool = False
    ) -> Counts:
        """Merge prepared records (unknown subjects into the quarantine); audit corrections.

        ``own_transaction``: this batch is alone in its transaction, so it may first try the
        cheaper insert of new keys (after a batch met stored keys, the next few do not try).
        """
        records = prepared.records
        counts = Counts(rejected=prepared.rejected, unchanged=prepared.superseded)
        if not records:
            return counts
        starts = {r[4] for r in records if r[1] is not None}  # few distinct instants
        months = {month_of(start) for start in starts} - self._months
        if months:
            await ensure_partitions(session, months)
            self._months |= months
        received_at = dt.datetime.now(dt.UTC)
        try_new = own_transaction and self._skip_new_tries == 0
        self._skip_new_tries = max(0, self._skip_new_tries - 1)
        merged = await staging.merge(
            session,
            self.org_id,
            self.source,
            received_at,
            records,
            try_new=try_new,
            payload=prepared.payload,
        )
        if merged.conflicted:
            self._skip_new_tries = RETRY_NEW_AFTER
        held = sum(1 for r in records if r[1] is None)
        counts.inserted = merged.inserted
        counts.updated = merged.updated
        counts.quarantined = held
        counts.unchanged += len(records) - held - merged.inserted - merged.updated
        for correction in merged.corrections:
            await self._audit(session, correction)
        return counts

    async def store(self, session: AsyncSession, checked: Checked) -> Stored:
        """Prepare and write a checked batch in one session."""
        prepared = await self.prepare(session, checked)
        return Stored(await self.write(session, prepared), prepared.resolved)

    async def _audit(self, session: AsyncSession, correction: dict[str, object]) -> None:
        key = {k: v for k, v in correction.items() if k not in {"before", "after"}}
        key["source"] = self.source
        await record(
            session,
            self.principal,
            action="kpiReading.correct",
            entity_type="KpiReading",
            entity_id=uuid.UUID(str(correction["subjectId"])),
            before=snapshot({**key, "components": correction["before"]}),
            after=snapshot({**key, "components": correction["after"]}),
            reason="same source revision with different values",
        )
