"""``kra-api import-readings``: a local NDJSON or CSV file (optionally .gz) through the same
streaming ingestion as POST /v1/readings, with a progress bar (rows/s, errors)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, BinaryIO

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select
from sqlmodel import col

from kra_api.auth.principal import system_principal
from kra_api.bootstrap import organization_by_slug
from kra_api.db.session import Database
from kra_api.models import TenantLookup
from kra_api.readings.ingest import StreamIngestion, Summary
from kra_api.readings.lines import BadBody, gunzip
from kra_api.readings.schemas import check_source

CHUNK = 1 << 20


async def organization_id(database: Database, slug: str | None) -> uuid.UUID | None:
    """The organization with ``slug``; without one, the only organization there is."""
    if slug is not None:
        found = await organization_by_slug(database, slug)
        return found.id if found else None
    stmt = select(col(TenantLookup.organization_id)).where(col(TenantLookup.kind) == "slug")
    async with database.session(None) as session:
        ids = list((await session.execute(stmt.limit(2))).scalars())
    return ids[0] if len(ids) == 1 else None


def format_of(path: Path) -> str:
    """csv for *.csv and *.csv.gz, else ndjson."""
    name = path.name.lower().removesuffix(".gz")
    return "csv" if name.endswith(".csv") else "ndjson"


async def _chunks(handle: BinaryIO, read: list[int]) -> AsyncIterator[bytes]:
    while chunk := handle.read(CHUNK):
        read[0] += len(chunk)
        yield chunk


async def _ingest(
    database: Database,
    org_id: uuid.UUID,
    path: Path,
    size: int,
    source: str,
    *,
    fmt: str | None,
    atomic: bool,
    dry_run: bool,
) -> Summary:
    principal = system_principal(org_id, "kra-api import-readings")
    read = [0]
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rate]:>10,.0f} rows/s"),
        TextColumn("[red]{task.fields[errors]:,} errors"),
        TimeElapsedColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(path.name, total=size, rate=0.0, errors=0)

        def progress(summary: Summary) -> None:
            rate = summary.lines / max(time.perf_counter() - started, 1e-6)
            bar.update(task, completed=read[0], rate=rate, errors=summary.error_count)

        ingestion = StreamIngestion(
            database,
            principal,
            source,
            fmt or format_of(path),
            atomic=atomic,
            dry_run=dry_run,
            progress=progress,
        )
        # Opened here, not in the generator: a failed run must still close the file.
        with path.open("rb") as handle:
            body = _chunks(handle, read)
            summary = await ingestion.run(gunzip(body) if path.suffix == ".gz" else body)
        progress(summary)
    return summary


async def import_file(
    url: str,
    slug: str | None,
    path: Path,
    size: int,
    source: str,
    *,
    fmt: str | None = None,
    atomic: bool = False,
    dry_run: bool = False,
) -> dict[str, Any] | str:
    """Ingest ``path`` as the system, showing progress on stderr; the JSON summary, or why
    nothing could be read."""
    if check_source(source):
        return "--source must be 1 to 100 characters"
    # Parsing, merging and partition creation may each hold a connection at once.
    database = Database(url, set_role=True, pool_size=4, max_overflow=0)
    try:
        org_id = await organization_id(database, slug)
        if org_id is None:
            return "name an existing organization with --org SLUG"
        summary = await _ingest(
            database, org_id, path, size, source, fmt=fmt, atomic=atomic, dry_run=dry_run
        )
        return summary.as_json()
    except BadBody as exc:
        return str(exc)
    finally:
        await database.dispose()
