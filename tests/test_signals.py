"""SIGTERM to a served API: uvicorn shuts down gracefully and the exit handlers still run (the
embedded PostgreSQL is stopped by one of them)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

SERVER = """
import atexit, sys
from pathlib import Path
import uvicorn
from kra_api.signals import exit_cleanly_on_sigterm

atexit.register(Path(sys.argv[1]).write_text, "exit handlers ran")

async def app(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

if sys.argv[3] == "handled":
    exit_cleanly_on_sigterm()
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", lifespan="off")
"""


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve_then_terminate(tmp_path: Path, mode: str) -> tuple[int, Path]:
    """Start the server, wait until it accepts connections, send SIGTERM; (exit code, marker)."""
    marker = tmp_path / f"{mode}.txt"
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(marker), str(port), mode])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.05)
        server.terminate()
        return server.wait(timeout=20), marker
    finally:
        server.kill()


@pytest.mark.parametrize(
    ("mode", "code", "cleaned"),
    [("handled", 0, True), ("default", -15, False)],  # the second shows why: killed outright
)
def test_sigterm_runs_the_exit_handlers(
    tmp_path: Path, mode: str, code: int, cleaned: bool
) -> None:
    exit_code, marker = serve_then_terminate(tmp_path, mode)
    assert exit_code == code
    assert marker.exists() is cleaned
