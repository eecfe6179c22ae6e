"""Bodies for POST /v1/readings: NDJSON and CSV lines, gzip, streamed generators."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx
import orjson

NDJSON = "application/x-ndjson"
CSV = "text/csv"
CSV_HEADER = "employee_external_id,kpi_code,interval_start,interval_end,handle_seconds,handled"


def ndjson(rows: Iterable[dict[str, Any]]) -> bytes:
    """One JSON object per line."""
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


def day(n: int) -> tuple[str, str]:
    """The n-th day of March 2026 as an interval."""
    return f"2026-03-{n:02d}T00:00:00Z", f"2026-03-{n + 1:02d}T00:00:00Z"


def csv_line(employee: str, n: int, seconds: str = "300", handled: str = "2") -> str:
    """A CSV row of the AHT KPI on day ``n``."""
    start, end = day(n)
    return f"{employee},AHT,{start},{end},{seconds},{handled}"


async def post(
    client: httpx.AsyncClient,
    credential: str | None,
    body: bytes | AsyncIterator[bytes],
    *,
    media: str = NDJSON,
    params: dict[str, str] | None = None,
    gzipped: bool = False,
) -> httpx.Response:
    """POST /v1/readings?source=wfm (and ``params``)."""
    headers = {"Content-Type": media}
    if credential:
        headers["Authorization"] = f"Bearer {credential}"
    if gzipped:
        assert isinstance(body, bytes)
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    query = {"source": "wfm", **(params or {})}
    return await client.post("/v1/readings", params=query, content=body, headers=headers)


async def chunks(*parts: bytes | tuple[bytes, int], size: int = 1 << 20) -> AsyncIterator[bytes]:
    """A streamed body: each part as is, or (piece, n) for ``piece`` repeated n times."""
    for part in parts:
        if isinstance(part, bytes):
            yield part
            continue
        piece, times = part
        block = piece * max(1, size // len(piece))
        sent = 0
        total = len(piece) * times
        while sent < total:
            out = block[: total - sent]
            sent += len(out)
            yield out
