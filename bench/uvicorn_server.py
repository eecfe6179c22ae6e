"""The API served by uvicorn in a subprocess on 127.0.0.1, for benchmarks over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``uvicorn --factory kra_api.app:create_app`` against ``url`` (one process, as deployed)."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        env = {**os.environ, "KRA_DATABASE_URL": url, "KRA_ENV": "development"}
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "kra_api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        """Block until /healthz answers."""
        for _ in range(300):
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the API did not start")

    def stop(self) -> None:
        """Terminate the server."""
        self.process.terminate()
        self.process.wait(timeout=30)
