"""Work a request starts but does not wait for (month-sum builds), one task per key at a time.

A task's failure is logged, never raised into an unrelated request; the application cancels
what is still running when it shuts down (a cancelled build rolls back and is simply done again
by a later run), and tests wait for it with ``settle``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

log = logging.getLogger(__name__)

_running: dict[Hashable, asyncio.Task[None]] = {}


def start(key: Hashable, work: Callable[[], Coroutine[Any, Any, None]]) -> bool:
    """Run ``work()`` in the background unless a task of ``key`` is running; whether it began."""
    if key in _running:
        return False
    task = asyncio.get_running_loop().create_task(work())
    _running[key] = task
    task.add_done_callback(lambda done: _finished(key, done))
    return True


def _finished(key: Hashable, task: asyncio.Task[None]) -> None:
    if _running.get(key) is task:
        del _running[key]
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("background work %r failed", key, exc_info=error)


def running() -> list[Hashable]:
    """The keys of the tasks still running."""
    return list(_running)


async def settle() -> None:
    """Wait until no background task is running (those started meanwhile included)."""
    while _running:
        await asyncio.gather(*_running.values(), return_exceptions=True)
        await asyncio.sleep(0)  # let the done callbacks run


async def cancel() -> None:
    """Cancel every background task and wait for them to end."""
    tasks = list(_running.values())
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
