"""The bare-machine path: with KRA_DATABASE_URL unset the CLI runs on the embedded PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kra_api.db.embedded import start_embedded


@pytest.mark.slow
def test_cli_migrates_and_bootstraps_on_the_embedded_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KRA_DATABASE_URL"}
    env["KRA_DATA_DIR"] = str(tmp_path / "data")
    cli = [sys.executable, "-m", "kra_api.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    subprocess.run(
        [*cli, "org", "create", "--name", "Embedded", "--slug", "embedded"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    token = subprocess.run(
        [*cli, "token", "--org", "embedded", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()
    assert token.count(".") == 2  # the token alone on stdout
    assert (tmp_path / "data" / "pgdata" / "PG_VERSION").exists()
    # The server was stopped with the last process; a new start reuses the same data.
    url = start_embedded(tmp_path / "data")
    assert "pgdata" in url
