"""Find the database: KRA_DATABASE_URL, or the embedded server started on demand."""

from __future__ import annotations

from kra_api.config import Settings
from kra_api.db.admin import ensure_database
from kra_api.db.embedded import start_embedded

EMBEDDED_DATABASE = "kra"


async def resolve_database_url(settings: Settings) -> str:
    """The owner URL to use; starts the embedded PostgreSQL when none is configured."""
    if settings.database_url:
        return settings.database_url
    server = start_embedded(settings.data_dir)
    return await ensure_database(server, EMBEDDED_DATABASE)
