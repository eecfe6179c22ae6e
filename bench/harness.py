"""The benchmark's harness: the API in a uvicorn subprocess, its peak RSS, and CPU meters."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import psutil


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def backends(database: str) -> list[psutil.Process]:
    """The PostgreSQL backends of ``database`` (when the server runs on this machine)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if database in " ".join(process.info["cmdline"] or []):
                found.append(process)
        except psutil.Error:
            pass
    return found


class CpuMeter:
    """CPU seconds used by the API process and the database's backends: unlike wall time,
    these hold on a busy machine."""

    def __init__(self, database: str, api: psutil.Process | None) -> None:
        self.database, self.api = database, api
        self._start: dict[int, float] = {}
        self.used = (0.0, 0.0)

    def _now(self) -> dict[int, float]:
        return {p.pid: cpu_seconds([p]) for p in backends(self.database)}

    def __enter__(self) -> CpuMeter:
        self._api = cpu_seconds([self.api]) if self.api else 0.0
        self._start = self._now()
        return self

    def __exit__(self, *_: object) -> None:
        # Backends that appear meanwhile count from zero; ones that exit are lost (keep them).
        pg = sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._now().items())
        api = (cpu_seconds([self.api]) if self.api else 0.0) - self._api
        self.used = (api, pg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn serving the app in a subprocess, and a sampler of its peak RSS."""

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
        self.peak = 0
        self._sampling = False

    def wait_ready(self) -> None:
        """Block until /healthz answers."""
        for _ in range(300):
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the API did not start")

    def rss(self) -> int:
        """Resident memory of the API process now."""
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def _sample(self) -> None:
        while self._sampling:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.01)

    def sampling(self) -> threading.Thread:
        """Start sampling the RSS; stop with stop_sampling()."""
        self.peak = self.rss()
        self._sampling = True
        thread = threading.Thread(target=self._sample, daemon=True)
        thread.start()
        return thread

    def stop_sampling(self, thread: threading.Thread) -> None:
        """Stop the sampler."""
        self._sampling = False
        thread.join()

    def stop(self) -> None:
        """Terminate the server."""
        self.process.terminate()
        self.process.wait(timeout=30)
