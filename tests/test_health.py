"""REST beside GraphQL: /healthz without I/O, /readyz checks the database and migrations."""

from __future__ import annotations

import httpx

from kra_api.app import create_app
from kra_api.config import Settings
from kra_api.db.session import Database


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


async def test_readyz_when_migrated(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_readyz_when_database_unreachable() -> None:
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    database = Database(url, pool_size=1, max_overflow=0)
    app = create_app(Settings(database_url=url), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        response = await c.get("/readyz")
        health = await c.get("/healthz")
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert health.status_code == 200
