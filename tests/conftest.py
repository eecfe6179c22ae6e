"""Shared fixtures: a freshly migrated PostgreSQL database per test session (and xdist worker).

Tests talk to a real server: KRA_DATABASE_URL when set (CI), else the embedded PostgreSQL.
Each test creates its own organizations, so tenancy itself isolates tests from one another and
concurrent tests can commit for real.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from kra_api.app import create_app
from kra_api.auth.tokens import issue_token
from kra_api.bootstrap import create_api_key, create_org
from kra_api.config import Settings
from kra_api.db import migrate
from kra_api.db.admin import drop_database, ensure_database
from kra_api.db.embedded import start_embedded
from kra_api.db.session import Database


def server_url() -> str:
    """The PostgreSQL server the tests use (a URL to any database on it)."""
    return os.environ.get("KRA_DATABASE_URL") or start_embedded(Settings().data_dir)


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A migrated database of its own for this session / worker, dropped at the end."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"kra_test_{worker}_{uuid.uuid4().hex[:8]}"
    server = server_url()
    url = await ensure_database(server, name)
    await migrate.upgrade(url)
    yield url
    await drop_database(server, name)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Development settings pointing at the test database."""
    return Settings(database_url=database_url, env="development")


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    """The engine shared by the app under test and the tests' own checks."""
    assert settings.database_url
    db = Database(settings.database_url, set_role=True, pool_size=20, max_overflow=20)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def app(settings: Settings, database: Database) -> Any:
    """The ASGI app under test."""
    return create_app(settings, database)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the app in-process (real HTTP semantics, no socket)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@dataclass
class Org:
    """A test organization with helpers to act in it."""

    id: uuid.UUID
    slug: str
    settings: Settings
    database: Database

    def token(self, *roles: str, sub: str | None = None, ttl: int | None = None) -> str:
        """A signed user token for this organization."""
        return issue_token(
            self.settings,
            organization=str(self.id),
            roles=roles or ("admin",),
            subject=sub,
            ttl_seconds=ttl,
        )

    async def api_key(self, scopes: Iterable[str]) -> str:
        """A new API key of this organization."""
        return await create_api_key(self.database, self.id, name="test", scopes=scopes)


@pytest.fixture
def make_org(settings: Settings, database: Database) -> Any:
    """Factory: ``await make_org()`` creates a fresh organization."""

    async def factory(name: str = "Test BPO", timezone: str = "UTC") -> Org:
        slug = f"t-{uuid.uuid4().hex[:12]}"
        org = await create_org(database, name=name, slug=slug, timezone=timezone)
        return Org(id=org.id, slug=slug, settings=settings, database=database)

    return factory


class Gql:
    """Posts GraphQL operations and returns the decoded JSON body."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The data of a call that must not fail."""
        body = await self(query, variables, token)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def gql(client: httpx.AsyncClient) -> Gql:
    """GraphQL caller bound to the test client."""
    return Gql(client)
