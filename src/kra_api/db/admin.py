"""Server-level chores done with the owner's credentials: creating and dropping databases."""

from __future__ import annotations

import asyncpg

from kra_api.db.urls import libpq_url, with_database


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def ensure_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server if it is absent; return its URL."""
    conn = await asyncpg.connect(libpq_url(with_database(server_url, "postgres")))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f"CREATE DATABASE {_quote_ident(name)}")
    finally:
        await conn.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    """Drop database ``name`` (terminating its connections) if it exists."""
    conn = await asyncpg.connect(libpq_url(with_database(server_url, "postgres")))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")
    finally:
        await conn.close()
