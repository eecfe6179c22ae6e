"""Where a goal line stands, from its rows: version number, open proposal, latest version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kra_api.models import Goal

PROPOSED, APPROVED, REJECTED, SUPERSEDED = "PROPOSED", "APPROVED", "REJECTED", "SUPERSEDED"


@dataclass(frozen=True)
class LineState:
    """A line's highest version number (0: none yet), its open proposal and last version by date.

    ``latest`` is the APPROVED version starting last: approved versions never overlap, so no
    other one reaches past its start and a revision from inside or after it replaces its tail.
    """

    version: int
    proposal: Goal | None
    latest: Goal | None


def line_state(rows: Sequence[Goal]) -> LineState:
    """The state of a line from all of its rows."""
    version = max((r.version for r in rows if r.version is not None), default=0)
    proposal = next((r for r in rows if r.status == PROPOSED), None)
    approved = [r for r in rows if r.status == APPROVED]
    latest = max(approved, key=lambda r: r.effective_from, default=None)
    return LineState(version, proposal, latest)


def date_range(goal: Goal) -> str:
    """``2026-01-01 to 2026-07-01`` or ``2026-01-01 to open-ended``."""
    end = goal.effective_to.isoformat() if goal.effective_to else "open-ended"
    return f"{goal.effective_from.isoformat()} to {end}"
