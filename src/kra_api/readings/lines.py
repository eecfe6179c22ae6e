"""Byte streams to numbered lines: optional gzip, a cap per line, never the whole body in memory."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, AsyncIterator

MAX_LINE = 64 * 1024
_OUT_CHUNK = 1 << 20  # inflate at most this much at a time: a small gzip chunk can expand a lot
GZIP = 31  # zlib wbits for a gzip header and trailer


class BadBody(Exception):
    """The body cannot be read at all (corrupt compression, unknown encoding)."""


async def gunzip(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Inflate a gzip stream (several members allowed), in bounded pieces."""
    inflater = zlib.decompressobj(GZIP)
    open_member = False  # bytes of a member were fed and its end not reached yet
    try:
        async for chunk in chunks:
            data = chunk
            while data:
                open_member = True
                out = inflater.decompress(data, _OUT_CHUNK)
                if out:
                    yield out
                if inflater.eof:  # the next member, if any, starts in unused_data
                    data = inflater.unused_data
                    inflater = zlib.decompressobj(GZIP)
                    open_member = False
                else:
                    data = inflater.unconsumed_tail
        while not inflater.eof and (out := inflater.decompress(b"", _OUT_CHUNK)):
            yield out
    except zlib.error as exc:
        raise BadBody(f"the gzip body is corrupt: {exc}") from exc
    if open_member and not inflater.eof:
        raise BadBody("the gzip body ends before its end marker")


def decoded(chunks: AsyncIterable[bytes], encoding: str) -> AsyncIterable[bytes]:
    """The body as sent (``identity``) or inflated (``gzip``)."""
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return chunks
    if encoding in {"gzip", "x-gzip"}:
        return gunzip(chunks)
    raise BadBody(f"unsupported Content-Encoding {encoding!r} (use gzip or none)")


async def lines(
    chunks: AsyncIterable[bytes], max_line: int = MAX_LINE
) -> AsyncIterator[tuple[int, bytes | None]]:
    """(line number from 1, the line without its end) for every line; None for a line over
    ``max_line`` bytes, whose bytes are skipped rather than buffered."""
    number = 0
    pending = bytearray()
    overflow = False  # the current line already passed the cap
    async for chunk in chunks:
        parts = chunk.split(b"\n")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                if not overflow:
                    pending += part
                    overflow = len(pending) > max_line
                    if overflow:
                        pending.clear()
                break
            number += 1
            if overflow:
                overflow = False
                yield number, None
                continue
            if pending:
                pending += part
                line = bytes(pending)
                pending.clear()
            else:
                line = part
            yield number, (None if len(line) > max_line else line)
    if overflow:
        yield number + 1, None
    elif pending:
        yield number + 1, bytes(pending)
