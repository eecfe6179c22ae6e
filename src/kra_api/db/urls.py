"""Normalise database URLs for the asyncpg driver and for plain asyncpg connections."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url


def async_url(url: str) -> URL:
    """The URL with the ``postgresql+asyncpg`` driver, whatever scheme it was given with."""
    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg"}:
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}: use postgresql://")


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """A plain ``postgresql://`` URL (for asyncpg.connect and psql)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
