"""Background work (scoring/background.py): one task per key, failures logged, settle and
cancel."""

from __future__ import annotations

import asyncio
import logging

import pytest

from kra_api.scoring import background


async def test_one_task_per_key_and_settle_waits_for_it() -> None:
    gate = asyncio.Event()
    done: list[str] = []

    async def work() -> None:
        await gate.wait()
        done.append("built")

    assert background.start(("sums", 1), work)
    assert not background.start(("sums", 1), work)  # already running: not started twice
    assert background.running() == [("sums", 1)]
    gate.set()
    await background.settle()
    assert done == ["built"]
    assert background.running() == []
    assert background.start(("sums", 1), work)  # free again once ended
    await background.settle()
    assert done == ["built", "built"]


async def test_a_failure_is_logged_and_frees_the_key(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise RuntimeError("disk full")

    with caplog.at_level(logging.ERROR, logger="kra_api.scoring.background"):
        assert background.start("broken", broken)
        await background.settle()
    assert "background work 'broken' failed" in caplog.text
    assert "disk full" in caplog.text
    assert background.running() == []


async def test_cancel_ends_what_is_running() -> None:
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def endless() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    background.start("endless", endless)
    await started.wait()
    await background.cancel()
    await asyncio.sleep(0)
    assert cancelled == [True]
    assert background.running() == []
