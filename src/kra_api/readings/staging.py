"""Bulk merge: COPY a batch into a session-private staging table, then one statement applies the
revision rules (architecture.md principles 9 and 10) to kpi_reading and to the quarantine.

The SQL is constant text with bind parameters, run on the session's own asyncpg connection and
transaction (COPY has no SQLAlchemy equivalent).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

COLUMNS = (
    "subject_kind",
    "subject_id",
    "external_id",
    "kpi_id",
    "interval_start",
    "interval_end",
    "components",
    "source_revision",
    "late",
    "component_values",
)
StageRecord = tuple[
    str, uuid.UUID | None, str, uuid.UUID, dt.datetime, dt.datetime, str, int, bool, str
]

# ON COMMIT DELETE ROWS empties it at every commit; TRUNCATE empties it between the batches of
# one long (atomic) transaction. Notices about an existing table are muted for this transaction.
_PREPARE_STAGE = """
SET LOCAL client_min_messages = warning;
CREATE TEMP TABLE IF NOT EXISTS kra_reading_stage (
  subject_kind text NOT NULL,
  subject_id uuid,
  external_id text NOT NULL,
  kpi_id uuid NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_end timestamptz NOT NULL,
  components text NOT NULL,
  source_revision bigint NOT NULL,
  late boolean NOT NULL,
  component_values text NOT NULL
) ON COMMIT DELETE ROWS;
TRUNCATE kra_reading_stage;
"""

# Unknown subjects go to the quarantine under the same revision rules.
_HOLD = """
  INSERT INTO kpi_reading_quarantine AS q (organization_id, source, subject_kind, external_id,
    kpi_id, interval_start, interval_end, components, source_revision, reason, received_at)
  SELECT $1, $2, s.subject_kind, s.external_id, s.kpi_id, s.interval_start, s.interval_end,
         s.components::jsonb, s.source_revision,
         CASE s.subject_kind WHEN 'EMPLOYEE' THEN 'UNKNOWN_EMPLOYEE' ELSE 'UNKNOWN_ORG_UNIT' END,
         $3
  FROM kra_reading_stage s WHERE s.subject_id IS NULL
  ORDER BY s.kpi_id, s.external_id, s.interval_start, s.interval_end
  ON CONFLICT ON CONSTRAINT kpi_reading_quarantine_key DO UPDATE
  SET components = excluded.components, source_revision = excluded.source_revision,
      received_at = excluded.received_at, reason = excluded.reason
  WHERE excluded.source_revision > q.source_revision
     OR (excluded.source_revision = q.source_revision AND excluded.components <> q.components)
  RETURNING 1
"""
_ROWS = """
  SELECT $1, $2, s.subject_kind, s.subject_id, s.kpi_id, s.interval_start, s.interval_end,
         s.components::jsonb, s.source_revision, $3, s.late, s.component_values::numeric[]
  FROM kra_reading_stage s WHERE s.subject_id IS NOT NULL
  ORDER BY s.kpi_id, s.subject_id, s.interval_start, s.interval_end
"""


def _log(cte: str) -> str:
    """A CTE recording that this transaction changed readings of the batch's UTC months, with
    the batch's earliest and latest reading start in each, when ``cte`` (the inserted / replaced
    rows) is not empty: month sums built before over those days are then stale
    (scoring/month_sums.py). One row per transaction and month, widened by later batches."""
    return (
        "logged AS ("  # noqa: S608 - ``cte`` is one of this module's constant names
        + """
  INSERT INTO kpi_reading_change AS c (organization_id, month, xact, changed_at, first_at, last_at)
  SELECT $1::uuid, date_trunc('month', s.interval_start AT TIME ZONE 'UTC')::date,
         pg_current_xact_id()::text::bigint, now(), min(s.interval_start), max(s.interval_start)
  FROM kra_reading_stage s
  WHERE s.subject_id IS NOT NULL AND EXISTS (SELECT 1 FROM """
        + cte
        + """)
  GROUP BY 2
  ON CONFLICT (organization_id, month, xact) DO UPDATE
  SET first_at = least(c.first_at, excluded.first_at),
      last_at = greatest(c.last_at, excluded.last_at), changed_at = excluded.changed_at
)"""
    )


_INTO = """
  INSERT INTO kpi_reading AS r (organization_id, source, subject_kind, subject_id, kpi_id,
    interval_start, interval_end, components, source_revision, received_at, late,
    component_values)
"""
# Insert, or replace on a higher revision or on an equal one with different values, keeping
# what was replaced in previous_*: RETURNING reads those to tell inserts from replacements and
# to audit corrections (RETURNING cannot see the old row, nor xmax on a partitioned table, and
# probing every key first costs a third more). The ORDER BY gives concurrent merges one lock
# order.
_MERGE = (  # constant fragments only: nothing of the input is ever spliced into SQL
    "WITH merged AS ("  # noqa: S608
    + _INTO
    + _ROWS
    + """
  ON CONFLICT (organization_id, source, subject_kind, subject_id, kpi_id, interval_start,
               interval_end) DO UPDATE
  SET components = excluded.components, component_values = excluded.component_values,
      source_revision = excluded.source_revision,
      received_at = excluded.received_at, late = excluded.late,
      previous_revision = r.source_revision, previous_components = r.components
  WHERE excluded.source_revision > r.source_revision
     OR (excluded.source_revision = r.source_revision AND excluded.components <> r.components)
  RETURNING r.previous_revision IS NULL AS fresh,
    CASE WHEN r.previous_revision = r.source_revision THEN jsonb_build_object(
      'subjectKind', r.subject_kind, 'subjectId', r.subject_id, 'kpiId', r.kpi_id,
      'intervalStart', r.interval_start, 'intervalEnd', r.interval_end,
      'sourceRevision', r.source_revision, 'before', r.previous_components,
      'after', r.components) END AS correction
), held AS ("""
    + _HOLD
    + "), "
    + _log("merged")
    + """
SELECT count(*) FILTER (WHERE fresh) AS inserted, count(*) FILTER (WHERE NOT fresh) AS updated,
  (SELECT count(*) FROM held) AS held,
  (jsonb_agg(correction) FILTER (WHERE correction IS NOT NULL))::text AS corrections
FROM merged
"""
)
# New keys only: a plain INSERT skips ON CONFLICT's speculative insertion (a fifth of the
# cost). A key that exists raises a unique violation and the batch takes _MERGE instead.
_ADD = (
    "WITH added AS ("  # noqa: S608
    + _INTO
    + _ROWS
    + " RETURNING 1), held AS ("
    + _HOLD
    + "), "
    + _log("added")
    + """
SELECT (SELECT count(*) FROM added) AS inserted, 0 AS updated,
  (SELECT count(*) FROM held) AS held, NULL::text AS corrections
"""
)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


async def _chunks(payload: bytes) -> AsyncIterator[bytes]:
    """Bytes as asyncpg's COPY wants them (it would take a bytes ``source`` for a path)."""
    yield payload


def encode(records: Sequence[StageRecord]) -> bytes:
    """The records in COPY's text format. The streaming path builds this while the previous
    batch merges, so that the merge itself only sends bytes."""
    ids: dict[int, str] = {}  # subjects, KPIs and instants repeat: format each once
    instants: dict[dt.datetime, str] = {}
    lines = []
    for kind, subject, external_id, kpi, start, end, components, revision, late, values in records:
        lines.append(
            "\t".join(
                (
                    kind,
                    "\\N"
                    if subject is None
                    else ids.get(subject.int) or ids.setdefault(subject.int, str(subject)),
                    external_id.translate(_ESCAPES),
                    ids.get(kpi.int) or ids.setdefault(kpi.int, str(kpi)),
                    instants.get(start) or instants.setdefault(start, start.isoformat()),
                    instants.get(end) or instants.setdefault(end, end.isoformat()),
                    components,  # built by validation: digits, '.', '-' and [a-z0-9_] names
                    str(revision),
                    "t" if late else "f",
                    values,  # the same numbers, as an array literal
                )
            )
        )
    lines.append("")
    return "\n".join(lines).encode()


@dataclass
class Merged:
    """What one merge did: rows inserted and replaced, and the corrections among them."""

    inserted: int = 0
    updated: int = 0
    corrections: list[dict[str, Any]] = field(default_factory=list)
    conflicted: bool = False  # the new-keys attempt met a stored key


async def _driver(session: AsyncSession) -> Any:
    connection = await session.connection()  # begins the tenant transaction (role, org) first
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def merge(
    session: AsyncSession,
    org_id: uuid.UUID,
    source: str,
    received_at: dt.datetime,
    records: Sequence[StageRecord],
    *,
    try_new: bool = False,
    payload: bytes | None = None,
) -> Merged:
    """Stage ``records`` (unique by key; ``payload``: them encoded) and merge them in the
    session's transaction.

    ``try_new`` first inserts them as new keys inside a savepoint (keep it to transactions
    with one batch: many subtransactions slow every snapshot of the server).
    """
    if not records:
        return Merged()
    driver = await _driver(session)
    await driver.execute(_PREPARE_STAGE)
    if payload is None:
        await driver.copy_records_to_table("kra_reading_stage", records=records, columns=COLUMNS)
    else:  # ``encode(records)``, made earlier
        await driver.copy_to_table(
            "kra_reading_stage", source=_chunks(payload), columns=COLUMNS, format="text"
        )
    # A fresh statement per batch: a plan cached earlier in this transaction would not see a
    # month partition attached since (it keeps the parent's old partition list).
    row = None
    conflicted = False
    if try_new:
        await driver.execute("SAVEPOINT kra_merge_new")
        try:
            row = await (await driver.prepare(_ADD)).fetchrow(org_id, source, received_at)
        except asyncpg.UniqueViolationError:
            await driver.execute("ROLLBACK TO SAVEPOINT kra_merge_new")
            conflicted = True
        await driver.execute("RELEASE SAVEPOINT kra_merge_new")
    if row is None:
        row = await (await driver.prepare(_MERGE)).fetchrow(org_id, source, received_at)
    # As text: the connection's JSON codec would turn exact values into floats.
    corrections = (
        json.loads(row["corrections"], parse_float=Decimal, parse_int=Decimal)
        if row["corrections"]
        else []
    )
    return Merged(
        inserted=row["inserted"],
        updated=row["updated"],
        corrections=corrections,
        conflicted=conflicted,
    )
