"""The command line against the test database: tokens, tenants and API keys that really work."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from kra_api.cli import app
from kra_api.config import get_settings
from kra_api.graphql.core.ids import to_global_id
from tests import helpers
from tests.conftest import Gql


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI reads its settings from the environment: point it at the test database."""
    monkeypatch.setenv("KRA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def run(*args: str) -> Result:
    """Invoke ``kra-api`` in a worker thread (the CLI runs its own event loop)."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(args))


async def test_token_prints_only_a_token_that_authenticates(
    cli_env: None, gql: Gql, make_org: Any
) -> None:
    org = await make_org(name="Cli BPO")
    result = await run("token", "--org", org.slug, "--role", "admin")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1
    token = result.stdout.strip()
    assert token.count(".") == 2
    assert " " not in token
    data = await gql.data("{ viewer { roles organization { name } } }", token=token)
    assert data["viewer"] == {"roles": ["ADMIN"], "organization": {"name": "Cli BPO"}}

    as_employee = await run("token", "--org", org.slug, "--role", "employee", "--employee", "E1")
    assert as_employee.exit_code == 0
    await helpers.employees(gql, token, [{"externalId": "E1", "name": "Eve"}])
    me = await gql.data("{ viewer { roles employee { name } } }", token=as_employee.stdout.strip())
    assert me["viewer"] == {"roles": ["EMPLOYEE"], "employee": {"name": "Eve"}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "no-such-org", "--role", "admin"], "no organization with slug"),
        (["--org", "x", "--role", "superuser"], "unknown role"),
    ],
)
async def test_token_refusals(cli_env: None, args: list[str], message: str) -> None:
    result = await run("token", *args)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert message in result.stderr


async def test_org_create_and_a_taken_slug(cli_env: None, gql: Gql) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    created = await run("org", "create", "--name", "Cli Org", "--slug", slug)
    assert created.exit_code == 0, created.stderr
    org_id = uuid.UUID(created.stdout.strip())
    token = (await run("token", "--org", slug, "--role", "admin")).stdout.strip()
    data = await gql.data("{ organization { id slug } }", token=token)
    assert data["organization"] == {"id": to_global_id("Organization", org_id), "slug": slug}

    taken = await run("org", "create", "--name", "Another", "--slug", slug)
    assert taken.exit_code != 0
    assert taken.stdout == ""
    assert f"an organization with slug '{slug}' exists" in taken.stderr
    invalid = await run("org", "create", "--name", "Bad", "--slug", "Not A Slug")
    assert invalid.exit_code != 0
    assert "slug must be" in invalid.stderr


async def test_apikey_create_prints_a_working_key(cli_env: None, gql: Gql, make_org: Any) -> None:
    org = await make_org()
    result = await run(
        "apikey", "create", "--org", org.slug, "--scopes", "people:write,scorecards:read"
    )
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    assert key.startswith("kra_")
    assert result.stdout == key + "\n"
    response = await gql.client.post(
        "/graphql", json={"query": "{ viewer { roles scopes } }"}, headers={"X-API-Key": key}
    )
    assert response.json() == {
        "data": {
            "viewer": {"roles": ["INTEGRATION"], "scopes": ["people:write", "scorecards:read"]}
        }
    }
    bad = await run("apikey", "create", "--org", org.slug, "--scopes", "everything")
    assert bad.exit_code != 0
    assert "scopes must be some of" in bad.stderr
