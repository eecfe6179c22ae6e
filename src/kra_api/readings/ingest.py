"""Streaming ingestion (POST /v1/readings, ``kra-api import-readings``): a body of any size is
parsed line by line into batches that are merged as they come (architecture.md principle 10).

A parsing task and a merging task run side by side with at most two batches queued between
them, so memory stays flat and Python parses the next batch while PostgreSQL merges this one.
Without ``atomic`` every batch commits on its own (a client that loses the connection replays
the file safely); with ``atomic`` or ``dry_run`` one transaction holds them all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import uuid
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.db.session import Database
from kra_api.errors import FieldError
from kra_api.readings import staging
from kra_api.readings.batch import Counts, Ingestion, Prepared
from kra_api.readings.formats import Csv, Format, Ndjson
from kra_api.readings.lines import MAX_LINE, lines
from kra_api.readings.schemas import ReadingIn, ValidReading

MAX_REPORTED_ERRORS = 1000
BATCH_ROWS = 5000
RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure: the batch reruns
_ATTEMPTS = 3
Batch = list[tuple[int, ReadingIn | ValidReading]]


@dataclass(frozen=True, order=True)
class LineError:
    """A refused line: its number (from 1), the error code, the field and why."""

    line: int
    code: str
    field: tuple[str, ...]
    message: str


@dataclass
class Summary:
    """The outcome of one body: counts over every line, the first errors by line number."""

    source: str
    format: str
    atomic: bool
    dry_run: bool
    counts: Counts = field(default_factory=Counts)
    lines: int = 0
    error_count: int = 0
    committed: bool = False
    _worst: list[tuple[int, LineError]] = field(default_factory=list)

    def add_error(self, error: LineError) -> None:
        """Count an error; keep it when it is among the first MAX_REPORTED_ERRORS by line."""
        self.error_count += 1
        entry = (-error.line, error)
        if len(self._worst) < MAX_REPORTED_ERRORS:
            heapq.heappush(self._worst, entry)
        elif entry > self._worst[0]:
            heapq.heapreplace(self._worst, entry)

    @property
    def errors(self) -> list[LineError]:
        """The kept errors, by line."""
        return sorted(e for _, e in self._worst)

    def as_json(self) -> dict[str, Any]:
        """The JSON answer of POST /v1/readings."""
        c = self.counts
        return {
            "source": self.source,
            "format": self.format,
            "atomic": self.atomic,
            "dryRun": self.dry_run,
            "committed": self.committed,
            "lines": self.lines,
            "inserted": c.inserted,
            "updated": c.updated,
            "unchanged": c.unchanged,
            "quarantined": c.quarantined,
            "rejected": c.rejected,
            "errors": [
                {"line": e.line, "code": e.code, "field": list(e.field), "message": e.message}
                for e in self.errors
            ],
            "errorsTruncated": self.error_count > MAX_REPORTED_ERRORS,
        }


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (raised by asyncpg or wrapped by SQLAlchemy)."""
    state = getattr(exc, "sqlstate", None) or getattr(
        getattr(exc, "driver_exception", None), "sqlstate", None
    )
    return state if isinstance(state, str) else None


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error that stopped a task group (not the cancellations it caused)."""
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _first(exc)
        if not isinstance(exc, asyncio.CancelledError):
            return exc
    return group.exceptions[0]


class StreamIngestion:
    """Ingest one body of NDJSON or CSV lines for one principal and source."""

    def __init__(
        self,
        database: Database,
        principal: Principal,
        source: str,
        fmt: str,
        *,
        atomic: bool = False,
        dry_run: bool = False,
        batch_rows: int = BATCH_ROWS,
        progress: Callable[[Summary], None] | None = None,
    ) -> None:
        self.database = database
        self.org_id: uuid.UUID = principal.organization_id
        self.format: Format = Csv() if fmt == "csv" else Ndjson()
        self.summary = Summary(source=source, format=fmt, atomic=atomic, dry_run=dry_run)
        self.ingestion = Ingestion(principal, source)
        self.batch_rows = batch_rows
        self.progress = progress

    def _reject(self, line: int, reading: ReadingIn | None, error: FieldError) -> None:
        where = tuple(self.format.field(reading, error.field))
        self.summary.add_error(LineError(line, error.code, where, error.message))

    async def run(self, body: AsyncIterable[bytes]) -> Summary:
        """Parse and merge the whole body; errors of the body itself propagate unchanged."""
        queue: asyncio.Queue[Prepared | None] = asyncio.Queue(maxsize=2)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._produce(body, queue))
                group.create_task(self._consume(queue))
        except BaseExceptionGroup as grouped:
            raise _first(grouped) from None
        if not self.summary.committed and self.summary.atomic and self.summary.error_count:
            self.summary.counts = Counts(rejected=self.summary.counts.rejected)
        return self.summary

    async def _prepare(self, batch: Batch) -> Prepared:
        """Validate a batch and build its stage records; lookups (cached) on a session of
        their own, so that this overlaps with the merge of the previous batch."""
        readings = [r for _, r in batch]
        async with self.database.session(self.org_id) as lookups:
            checked = await self.ingestion.check(lookups, readings)
            prepared = await self.ingestion.prepare(lookups, checked)
        self.summary.counts.rejected += checked.rejected
        for i, error in checked.errors:
            reading = readings[i]
            self._reject(batch[i][0], reading if type(reading) is ReadingIn else None, error)
        self.format.prime(self.ingestion.rules, dt.datetime.now(dt.UTC))
        prepared.payload = staging.encode(prepared.records)  # here, beside the previous merge
        return prepared

    async def _produce(
        self, body: AsyncIterable[bytes], queue: asyncio.Queue[Prepared | None]
    ) -> None:
        batch: Batch = []
        summary = self.summary
        async for number, line in lines(body):
            if number % 64 == 0:
                await asyncio.sleep(0)  # let the merging task take its results as they come
            if line is None:
                summary.lines += 1
                summary.counts.rejected += 1
                message = f"line {number} is longer than {MAX_LINE} bytes"
                self._reject(number, None, FieldError("LINE_TOO_LONG", message))
                continue
            parsed = self.format.parse(line)
            if parsed is None:
                continue
            summary.lines += 1
            if isinstance(parsed, FieldError):
                summary.counts.rejected += 1
                self._reject(number, None, parsed)
                continue
            batch.append((number, parsed))
            if len(batch) >= self.batch_rows:
                await queue.put(await self._prepare(batch))
                batch = []
        if batch:
            await queue.put(await self._prepare(batch))
        await queue.put(None)

    async def _write(self, session: AsyncSession, prepared: Prepared, alone: bool) -> Counts:
        if self.summary.atomic and self.summary.error_count:
            return Counts()  # it all rolls back: only the errors still matter
        counts = await self.ingestion.write(session, prepared, own_transaction=alone)
        counts.rejected = 0  # counted when the batch was checked
        return counts

    def _take(self, counts: Counts) -> None:
        self.summary.counts.add(counts)
        if self.progress is not None:
            self.progress(self.summary)

    async def _consume(self, queue: asyncio.Queue[Prepared | None]) -> None:
        if self.summary.atomic or self.summary.dry_run:
            await self._consume_in_one_transaction(queue)
            return
        while (prepared := await queue.get()) is not None:
            for attempt in range(_ATTEMPTS):
                try:
                    async with self.database.session(self.org_id) as session, session.begin():
                        counts = await self._write(session, prepared, alone=True)
                    break
                except Exception as exc:  # rare: a deadlock with a concurrent merge
                    if sqlstate(exc) not in RETRYABLE or attempt == _ATTEMPTS - 1:
                        raise
            self._take(counts)
        self.summary.committed = True

    async def _consume_in_one_transaction(self, queue: asyncio.Queue[Prepared | None]) -> None:
        async with self.database.session(self.org_id) as session:
            while (prepared := await queue.get()) is not None:
                self._take(await self._write(session, prepared, alone=False))
            if self.summary.dry_run or (self.summary.atomic and self.summary.error_count):
                await session.rollback()
            else:
                await session.commit()
                self.summary.committed = True
