"""The scoring run pauses CPython's cyclic collector and always resumes it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from kra_api.scoring.service import LARGE_RUN, collector_paused


@pytest.fixture(autouse=True)
def collector_enabled() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_resumed_after_even_on_error() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_interleaved_runs_resume_when_the_last_ends() -> None:
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second run is still going
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


class Node:
    """A weakly referenceable object to make cycles of."""

    other: Node | None = None


def test_what_a_large_run_made_goes_to_the_oldest_generation_and_cycles_are_reclaimed() -> None:
    with collector_paused():
        kept = [Node() for _ in range(LARGE_RUN)]
        cycle = Node()
        cycle.other = cycle
        dropped = weakref.ref(cycle)
    # No young-generation pass walks the run's survivors when the collector resumes.
    assert any(o is kept for o in gc.get_objects(generation=2))
    assert not any(o is kept for o in gc.get_objects(generation=0))
    del cycle
    assert dropped() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert dropped() is None


def test_what_a_small_run_made_is_left_to_the_young_generation() -> None:
    gc.collect()
    with collector_paused():
        kept = [Node() for _ in range(1000)]
    assert not any(o is kept for o in gc.get_objects(generation=2))
