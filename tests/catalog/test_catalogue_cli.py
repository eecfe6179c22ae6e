"""`kra-api catalogue list | import` run the same service as the API."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from tests.catalog.kpi_support import LIST, actions
from tests.conftest import Gql


async def cli(database_url: str, *args: str) -> tuple[int, str, str]:
    """Run ``kra-api ARGS`` against the test database; (exit code, stdout, stderr)."""
    env = {**os.environ, "KRA_DATABASE_URL": database_url, "COLUMNS": "200"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kra_api.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_catalogue_list_prints_every_kpi(database_url: str) -> None:
    code, out, _ = await cli(database_url, "catalogue", "list")
    assert code == 0
    assert "AHT" in out
    assert "handle_seconds / handled" in out
    assert "responses >= 20" in out


async def test_catalogue_import_codes_then_all(
    gql: Gql, make_org: Any, database: Any, database_url: str
) -> None:
    org = await make_org()
    code, out, _ = await cli(database_url, "catalogue", "import", "--org", org.slug, "CSAT", "AHT")
    assert (code, out.split()) == (0, ["CSAT", "AHT"])
    # --all now clashes with CSAT and AHT: nothing of that call is written.
    code, _, err = await cli(database_url, "catalogue", "import", "--org", org.slug, "--all")
    assert code == 2
    assert "a KPI with code 'AHT' exists" in err
    listed = await gql.data(LIST, {"first": 100}, org.token("admin"))
    assert [e["node"]["code"] for e in listed["organization"]["kpis"]["edges"]] == ["AHT", "CSAT"]
    assert await actions(database, org.id) == ["kpi.catalogImport"] * 2
    code, _, err = await cli(database_url, "catalogue", "import", "--org", "no-such-org", "AHT")
    assert code == 2
    assert "no organization" in err


async def test_catalogue_import_all_into_a_new_org(make_org: Any, database_url: str) -> None:
    org = await make_org()
    code, out, _ = await cli(database_url, "catalogue", "import", "--org", org.slug, "--all")
    assert code == 0
    assert len(out.split()) == 28
