"""Process signals of the served API: SIGTERM must still run the exit handlers.

uvicorn shuts down gracefully on SIGTERM, then raises the signal again under the handler that
was installed before it started. With the default handler the process then dies on the spot,
skipping ``atexit`` handlers, and the embedded PostgreSQL, which one of them stops when its last
user exits (``db/embedded.py``), kept running after ``kra-api serve`` was stopped.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import NoReturn


def _exit(_signum: int, _frame: FrameType | None) -> NoReturn:
    # A stop asked for and carried out gracefully is a success to supervisors (systemd counts
    # 143 as a failure unless told otherwise), as it was before uvicorn re-raised the signal.
    raise SystemExit(0)


def exit_cleanly_on_sigterm() -> None:
    """End the process through ``SystemExit`` on SIGTERM (exit handlers run; exit code 0)."""
    signal.signal(signal.SIGTERM, _exit)
